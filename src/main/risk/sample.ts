import { selectNth } from '../numeric/order-statistic'

/**
 * Sample statistics on typed arrays, with the conventions every estimator shares: the quantile
 * interpolates linearly between order statistics (NumPy's default, Hyndman–Fan type 7), and the
 * tail mean averages every value at or below that quantile.
 */

export function mean(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0
  for (let i = from; i < to; i++) s += x[i]!
  return s / (to - from)
}

/** Mean, sample standard deviation (n − 1), skewness and excess kurtosis (population moments, as scipy.stats' biased defaults). */
export function moments(x: ArrayLike<number>, from = 0, to = x.length): { mean: number; std: number; skew: number; exKurt: number } {
  const n = to - from
  const m = mean(x, from, to)
  let m2 = 0
  let m3 = 0
  let m4 = 0
  for (let i = from; i < to; i++) {
    const d = x[i]! - m
    const d2 = d * d
    m2 += d2
    m3 += d2 * d
    m4 += d2 * d2
  }
  m2 /= n
  m3 /= n
  m4 /= n
  // Denominators that underflow (a window of near-zero returns) leave the shape moments at 0.
  const s3 = m2 ** 1.5
  const s4 = m2 * m2
  return { mean: m, std: Math.sqrt((m2 * n) / (n - 1)), skew: s3 > 0 ? m3 / s3 : 0, exKurt: s4 > 0 ? m4 / s4 - 3 : 0 }
}

/** The p-quantile of ascending `sorted` (type 7: h = (n − 1)p, linear between ⌊h⌋ and ⌈h⌉). */
export function sortedQuantile(sorted: ArrayLike<number>, n: number, p: number): number {
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const a = sorted[lo]!
  return lo + 1 < n ? a + (h - lo) * (sorted[lo + 1]! - a) : a
}

/** Mean of the values of ascending `sorted` at or below q (at least the smallest). */
export function sortedTailMean(sorted: ArrayLike<number>, n: number, q: number): number {
  let s = sorted[0]!
  let k = 1
  while (k < n && sorted[k]! <= q) s += sorted[k++]!
  return s / k
}

/** The inverse of the type-7 quantile: the level p at which sortedQuantile(sorted, n, p) = x, clamped to [0, 1]. */
export function sortedCdf(sorted: ArrayLike<number>, n: number, x: number): number {
  if (x <= sorted[0]!) return 0
  if (x >= sorted[n - 1]!) return 1
  // Largest i with sorted[i] ≤ x.
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! <= x) lo = mid
    else hi = mid
  }
  const a = sorted[lo]!
  const b = sorted[hi]!
  const frac = b > a ? (x - a) / (b - a) : 0
  return (lo + frac) / (n - 1)
}

/**
 * A fixed-capacity window kept in ascending order: add and remove by binary search and one
 * copyWithin, so a rolling quantile costs O(n) moves per step instead of a sort.
 */
export class SortedWindow {
  readonly values: Float64Array
  size = 0

  constructor(capacity: number) {
    this.values = new Float64Array(capacity)
  }

  clear(): void {
    this.size = 0
  }

  /** First index whose value is ≥ x. */
  private lowerBound(x: number): number {
    let lo = 0
    let hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.values[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  add(x: number): void {
    if (this.size === this.values.length) throw new Error('SortedWindow is full')
    const i = this.lowerBound(x)
    this.values.copyWithin(i + 1, i, this.size)
    this.values[i] = x
    this.size++
  }

  remove(x: number): void {
    const i = this.lowerBound(x)
    if (i >= this.size || this.values[i] !== x) throw new Error(`SortedWindow holds no ${x}`)
    this.values.copyWithin(i, i + 1, this.size)
    this.size--
  }

  /** Refill from x[from, to) with one sort. */
  fill(x: ArrayLike<number>, from: number, to: number): void {
    for (let i = from; i < to; i++) this.values[i - from] = x[i]!
    this.size = to - from
    this.values.subarray(0, this.size).sort()
  }

  quantile(p: number): number {
    return sortedQuantile(this.values, this.size, p)
  }

  tailMean(q: number): number {
    return sortedTailMean(this.values, this.size, q)
  }

  cdf(x: number): number {
    return sortedCdf(this.values, this.size, x)
  }
}

/**
 * The type-7 p-quantile and the tail mean of x, equal bit for bit to sorting x and reading
 * sortedQuantile and sortedTailMean, in O(n) instead of O(n log n): x is partitioned (reordered
 * in place) so that its ⌊h⌋ + 2 smallest values lead, and only that prefix — the tail, 1 % of a
 * 99 % VaR's scenarios — is sorted, so the tail sum adds the same values in the same order.
 */
export function selectQuantileTail(x: Float64Array, p: number): { quantile: number; tailMean: number } {
  const n = x.length
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const k = Math.min(n - 1, lo + 1)
  selectNth(x, k)
  const prefix = x.subarray(0, k + 1)
  prefix.sort()
  const quantile = sortedQuantile(x, n, p)
  let s = x[0]!
  let count = 1
  while (count <= k && x[count]! <= quantile) s += x[count++]!
  // Values equal to the quantile beyond the prefix come next in sorted order; they add as ties.
  if (count === k + 1) {
    for (let i = k + 1; i < n; i++) {
      if (x[i]! === quantile) {
        s += quantile
        count++
      }
    }
  }
  return { quantile, tailMean: s / count }
}
