// pandas operations the notebooks' baselines pass their numbers through (pandas 2.x), replayed
// in pandas' order of floating-point operations so the faithful presets match them bit for bit.

/**
 * pandas' `Series.rolling(window, min_periods).mean()` (pandas 2.x, Cython roll_mean): one running
 * sum with Kahan compensation, separate compensations for values entering and leaving, the
 * "all equal" and sign guards, NaN below min_periods. Inputs here hold no NaN.
 */
export function pandasRollingMean(values: ArrayLike<number>, window: number, minPeriods: number): Float64Array {
  const n = values.length
  const out = new Float64Array(n)
  const minp = Math.max(minPeriods, 1)
  let sum = 0
  let compAdd = 0
  let compRemove = 0
  let nobs = 0
  let negatives = 0
  let sameRun = 0
  let previous = n > 0 ? (values[0] ?? 0) : 0
  for (let i = 0; i < n; i++) {
    const leaving = i - window
    if (leaving >= 0) {
      const v = values[leaving] ?? 0
      nobs--
      const y = -v - compRemove
      const t = sum + y
      compRemove = t - sum - y
      sum = t
      if (signBit(v)) negatives--
    }
    const v = values[i] ?? 0
    nobs++
    const y = v - compAdd
    const t = sum + y
    compAdd = t - sum - y
    sum = t
    if (signBit(v)) negatives++
    sameRun = v === previous ? sameRun + 1 : 1
    previous = v
    if (nobs >= minp) {
      let mean = sum / nobs
      if (sameRun >= nobs) mean = previous
      else if (negatives === 0 && mean < 0) mean = 0
      else if (negatives === nobs && mean > 0) mean = 0
      out[i] = mean
    } else out[i] = Number.NaN
  }
  return out
}

function signBit(v: number): boolean {
  return v < 0 || Object.is(v, -0)
}

/** pandas' `fillna(method="bfill")`: each NaN takes the next valid value after it. */
export function backfill(values: Float64Array): Float64Array {
  const out = values.slice()
  let next = Number.NaN
  for (let i = out.length - 1; i >= 0; i--) {
    if (Number.isNaN(out[i]!)) out[i] = next
    else next = out[i]!
  }
  return out
}
