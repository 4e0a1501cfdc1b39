// The few NumPy and pandas reductions the notebook's numbers pass through, replayed in the same
// order of floating-point operations so that the faithful preset reproduces them bit for bit.

/** NumPy's pairwise summation (np.sum / np.add.reduce over a contiguous float64 array). */
export function npSum(values: ArrayLike<number>, from = 0, count = values.length - from): number {
  if (count < 8) {
    let res = 0
    for (let i = from; i < from + count; i++) res += values[i] ?? 0
    return res
  }
  if (count <= 128) {
    // eight interleaved accumulators, combined as a tree, then the tail
    const r = new Float64Array(8)
    for (let j = 0; j < 8; j++) r[j] = values[from + j] ?? 0
    let i = 8
    for (; i < count - (count % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += values[from + i + j] ?? 0
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!))
    for (; i < count; i++) res += values[from + i] ?? 0
    return res
  }
  let half = Math.floor(count / 2)
  half -= half % 8
  return npSum(values, from, half) + npSum(values, from + half, count - half)
}

/** np.mean: pairwise sum over n. */
export function npMean(values: ArrayLike<number>): number {
  return npSum(values) / values.length
}

/** np.std with ddof 0: deviations from np.mean, squared, pairwise-summed, over n. */
export function npStd(values: ArrayLike<number>): number {
  const m = npMean(values)
  const squares = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] ?? 0) - m
    squares[i] = d * d
  }
  return Math.sqrt(npSum(squares) / values.length)
}

/** np.median of an already sorted window: the middle order statistic, or the mean of the two middle ones. */
function medianOfSorted(sorted: Float64Array, n: number): number {
  const mid = n >> 1
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * out[t] = np.median(values[max(0, t − lookback) … t]) (lookback + 1 points once warm), kept as a
 * sorted window so each step costs O(window) rather than a sort.
 */
export function trailingMedian(values: ArrayLike<number>, lookback: number): Float64Array {
  const out = new Float64Array(values.length)
  const sorted = new Float64Array(lookback + 1)
  let n = 0
  for (let t = 0; t < values.length; t++) {
    if (t - lookback - 1 >= 0) {
      // drop the value that left the window (any copy of it: equal values are interchangeable)
      const leaving = values[t - lookback - 1]!
      let i = 0
      while (i < n - 1 && sorted[i] !== leaving) i++
      sorted.copyWithin(i, i + 1, n)
      n--
    }
    const v = values[t]!
    let j = n
    while (j > 0 && sorted[j - 1]! > v) {
      sorted[j] = sorted[j - 1]!
      j--
    }
    sorted[j] = v
    n++
    out[t] = medianOfSorted(sorted, n)
  }
  return out
}

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
