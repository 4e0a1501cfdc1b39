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
    const r = new Float64Array(8)
    for (let j = 0; j < 8; j++) r[j] = a[start + j * stride]!
    let i = 8
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = r[j]! + a[start + (i + j) * stride]!
    }
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!))
    for (; i < n; i++) res += a[start + i * stride]!
    return res
  }
  let n2 = Math.floor(n / 2)
  n2 -= n2 % 8
  return pairwise(a, start, n2, stride) + pairwise(a, start + n2 * stride, n - n2, stride)
}

/** np.sum of `count` values a[start], a[start + stride], … */
export function npSum(a: ArrayLike<number>, start = 0, count = a.length, stride = 1): number {
  return 0 + pairwise(a, start, count, stride)
}

/** np.mean: the pairwise sum divided by the count (NaN when empty). */
export function npMean(a: ArrayLike<number>, start = 0, count = a.length, stride = 1): number {
  return count === 0 ? Number.NaN : npSum(a, start, count, stride) / count
}

/** np.std with ddof 0: mean, then the pairwise sum of squared deviations. */
export function npStd(a: ArrayLike<number>): number {
  const n = a.length
  if (n === 0) return Number.NaN
  const m = npMean(a)
  const sq = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - m
    sq[i] = d * d
  }
  return Math.sqrt(npSum(sq) / n)
}
