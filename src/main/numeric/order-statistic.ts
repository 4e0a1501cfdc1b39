// Order statistics in linear time (Hoare's selection, median-of-three pivots), so that a
// percentile recomputed at every walk-forward refit costs O(n) instead of a sort's O(n log n).
// The values are exactly those a numeric sort puts at the same positions.

/**
 * Rearranges `a` in place so that a[k] holds the k-th smallest value (0-based), every value
 * before it is ≤ a[k] and every value after it is ≥ a[k]; returns a[k]. Values must not be NaN.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  if (!(k >= 0 && k < a.length) || !Number.isInteger(k)) throw new RangeError(`order statistic ${k} is outside 0…${a.length - 1}`)
  let lo = 0
  let hi = a.length - 1
  while (hi > lo) {
    if (hi - lo < 16) {
      insertionSort(a, lo, hi)
      break
    }
    // median of three as pivot, then Hoare partition around its value
    const mid = (lo + hi) >>> 1
    if (a[mid]! < a[lo]!) swap(a, mid, lo)
    if (a[hi]! < a[lo]!) swap(a, hi, lo)
    if (a[hi]! < a[mid]!) swap(a, hi, mid)
    const pivot = a[mid]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i]! < pivot) i++
      while (a[j]! > pivot) j--
      if (i <= j) {
        swap(a, i, j)
        i++
        j--
      }
    }
    // [lo, j] ≤ pivot, (j, i) = pivot, [i, hi] ≥ pivot
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else break
  }
  return a[k]!
}

/** NumPy's default (linear) percentile of `values` (not modified), in O(n). */
export function linearPercentile(values: ArrayLike<number>, q: number): number {
  const n = values.length
  if (n === 0) return Number.NaN
  const a = Float64Array.from(values)
  for (let i = 0; i < n; i++) if (Number.isNaN(a[i]!)) return Number.NaN
  const pos = (q / 100) * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, n - 1)
  const low = selectInPlace(a, lo)
  // after selection everything past lo is ≥ a[lo]: the next order statistic is their minimum
  let high = low
  if (hi > lo) {
    high = Infinity
    for (let i = lo + 1; i < n; i++) if (a[i]! < high) high = a[i]!
  }
  return low + (high - low) * (pos - lo)
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!
  a[i] = a[j]!
  a[j] = t
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i]!
    let j = i - 1
    while (j >= lo && a[j]! > x) {
      a[j + 1] = a[j]!
      j--
    }
    a[j + 1] = x
  }
}
