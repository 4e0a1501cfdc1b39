// Test support shared by the labs' parity tests: how close a series came to a notebook fixture.

export interface SeriesError {
  series: string
  n: number
  maxAbs: number
  maxRel: number
  /** Points equal under === (the notebook's −0.0 P&L of a flat book equals our 0) or both NaN. */
  identical: number
  /** Points where |a − e| > 1e-9·max(|a|, |e|) and above the absolute floor. */
  outside: number
}

/** Largest absolute and relative error, how many points are identical and how many fall outside 1e-9 relative. */
export function seriesError(series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, absoluteFloor = 1e-15): SeriesError {
  if (actual.length !== expected.length) throw new Error(`${series}: length ${actual.length} ≠ expected ${expected.length}`)
  const result: SeriesError = { series, n: expected.length, maxAbs: 0, maxRel: 0, identical: 0, outside: 0 }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) {
      result.identical++
      continue
    }
    const abs = Math.abs(a - e)
    const rel = abs / Math.max(Math.abs(a), Math.abs(e))
    if (abs > result.maxAbs) result.maxAbs = abs
    if (rel > result.maxRel) result.maxRel = rel
    if (!(abs <= absoluteFloor || rel <= 1e-9)) result.outside++
  }
  return result
}
