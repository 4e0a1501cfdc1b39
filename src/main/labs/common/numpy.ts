// The NumPy reductions the labs' notebooks pass their numbers through, replayed in NumPy's order
// of floating-point operations so the faithful presets reproduce them bit for bit (one copy for
// every lab). np.tanh is in numpy-tanh.ts; pandas' rolling operations in pandas.ts.
//
// Sums in NumPy's order, so means and sums match the notebook's to the bit: np.add.reduce over
// float64 starts from 0 and uses pairwise summation (numpy/_core/src/umath/loops_utils.h.src,
// pairwise_sum): below 8 terms a plain loop; up to 128 eight interleaved accumulators combined
// as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) plus the tail; above that, halves at a multiple of 8.

function pairwise(a: ArrayLike<number>, start: number, n: number, stride: number): number {
  if (n < 8) {
    let res = 0
    for (let i = 0; i < n; i++) res += a[start + i * stride]!
    return res
  }
  if (n <= 128) {
    // eight accumulators in locals: NumPy's unrolled loop, with nothing allocated per call
    let r0 = a[start]!
    let r1 = a[start + stride]!
    let r2 = a[start + 2 * stride]!
    let r3 = a[start + 3 * stride]!
    let r4 = a[start + 4 * stride]!
    let r5 = a[start + 5 * stride]!
    let r6 = a[start + 6 * stride]!
    let r7 = a[start + 7 * stride]!
    let i = 8
    for (; i < n - (n % 8); i += 8) {
      const k = start + i * stride
      r0 += a[k]!
      r1 += a[k + stride]!
      r2 += a[k + 2 * stride]!
      r3 += a[k + 3 * stride]!
      r4 += a[k + 4 * stride]!
      r5 += a[k + 5 * stride]!
      r6 += a[k + 6 * stride]!
      r7 += a[k + 7 * stride]!
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7))
    for (; i < n; i++) res += a[start + i * stride]!
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return pairwise(a, start, n2, stride) + pairwise(a, start + n2 * stride, n - n2, stride)
}

/** np.sum of `count` values a[start], a[start + stride], … (the rest of the array by default) */
export function npSum(a: ArrayLike<number>, start = 0, count = a.length - start, stride = 1): number {
  return 0 + pairwise(a, start, count, stride)
}

/** np.mean: the pairwise sum divided by the count (NaN when empty). */
export function npMean(a: ArrayLike<number>, start = 0, count = a.length - start, stride = 1): number {
  return count === 0 ? Number.NaN : npSum(a, start, count, stride) / count
}

/**
 * np.std with ddof 0 of `count` values a[start], a[start + stride], …: the mean, then the
 * pairwise sum of squared deviations. `scratch` (at least `count` long) holds the squares, so a
 * per-step caller allocates nothing.
 */
export function npStd(a: ArrayLike<number>, start = 0, count = a.length - start, stride = 1, scratch?: Float64Array): number {
  if (count === 0) return Number.NaN
  const m = npMean(a, start, count, stride)
  const sq = scratch ?? new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const d = a[start + i * stride]! - m
    sq[i] = d * d
  }
  return Math.sqrt(npSum(sq, 0, count) / count)
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
    const v = values[t]!
    if (t - lookback - 1 >= 0) {
      // One value leaves as one enters. The leaving one is the first copy of it (equal values
      // are interchangeable), found by bisection (the last entry if it is absent); the new one
      // takes its place and moves past the entries between there and where it belongs, after
      // every entry ≤ it: the array np.median sorts, with a short move instead of two long ones.
      const leaving = values[t - lookback - 1]!
      let k = lowerBound(sorted, n, leaving)
      if (k >= n || sorted[k] !== leaving) k = n - 1
      if (k + 1 < n && sorted[k + 1]! <= v) {
        for (; k + 1 < n && sorted[k + 1]! <= v; k++) sorted[k] = sorted[k + 1]!
      } else {
        for (; k > 0 && sorted[k - 1]! > v; k--) sorted[k] = sorted[k - 1]!
      }
      sorted[k] = v
    } else {
      // filling the first window: insert after every entry ≤ v
      const j = upperBound(sorted, n, v)
      sorted.copyWithin(j + 1, j, n)
      sorted[j] = v
      n++
    }
    out[t] = medianOfSorted(sorted, n)
  }
  return out
}

/** First index in sorted[0, n) whose entry is not below v. */
function lowerBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index in sorted[0, n) whose entry is above v. */
function upperBound(sorted: Float64Array, n: number, v: number): number {
  let lo = 0
  let hi = n
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! > v) hi = mid
    else lo = mid + 1
  }
  return lo
}

export { npTanh } from './numpy-tanh'
