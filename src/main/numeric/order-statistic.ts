// Order statistics in linear time (Hoare's selection), so that a quantile recomputed often — a
// walk-forward's OOD radius at every refit, a risk window's tail — costs O(n) instead of a
// sort's O(n log n). The values are exactly those a numeric sort puts at the same positions.

/** NumPy's default (linear) percentile of `values` (not modified), in O(n). */
export function linearPercentile(values: ArrayLike<number>, q: number): number {
  const n = values.length
  if (n === 0) return Number.NaN
  const a = Float64Array.from(values)
  for (let i = 0; i < n; i++) if (Number.isNaN(a[i]!)) return Number.NaN
  const pos = (q / 100) * (n - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, n - 1)
  selectNth(a, lo)
  const low = a[lo]!
  // after selection everything past lo is ≥ a[lo]: the next order statistic is their minimum
  let high = low
  if (hi > lo) {
    high = Infinity
    for (let i = lo + 1; i < n; i++) if (a[i]! < high) high = a[i]!
  }
  return low + (high - low) * (pos - lo)
}

/** Hoare's selection (median-of-three pivot, insertion sort on short ranges): x[k] becomes the k-th smallest, smaller values before it, larger after. */
export function selectNth(x: Float64Array, k: number): void {
  let left = 0
  let right = x.length - 1
  let rounds = 0
  while (right - left > 16) {
    // A run of bad pivots (adversarial order) falls back to sorting the range: O(n log n) worst case.
    if (++rounds > 64) {
      x.subarray(left, right + 1).sort()
      return
    }
    const mid = (left + right) >> 1
    if (x[mid]! < x[left]!) swap(x, mid, left)
    if (x[right]! < x[left]!) swap(x, right, left)
    if (x[right]! < x[mid]!) swap(x, right, mid)
    const pivot = x[mid]!
    let i = left
    let j = right
    while (i <= j) {
      while (x[i]! < pivot) i++
      while (x[j]! > pivot) j--
      if (i <= j) swap(x, i++, j--)
    }
    if (k <= j) right = j
    else if (k >= i) left = i
    else return
  }
  x.subarray(left, right + 1).sort()
}

function swap(x: Float64Array, i: number, j: number): void {
  const t = x[i]!
  x[i] = x[j]!
  x[j] = t
}
