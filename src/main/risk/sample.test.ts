import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { moments, selectQuantileTail, sortedQuantile, sortedTailMean } from './sample'

describe('selectQuantileTail', () => {
  // Many ties (values from a small set) exercise the tail's "at or below the quantile" rule.
  const samples = fc.oneof(
    fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 400 }),
    fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 400 })
  )

  it('equals sorting and reading the type-7 quantile and tail mean, bit for bit', () => {
    fc.assert(
      fc.property(samples, fc.double({ min: 0, max: 1, noNaN: true }), (a, p) => {
        const sorted = Float64Array.from(a).sort()
        const q = sortedQuantile(sorted, sorted.length, p)
        const got = selectQuantileTail(Float64Array.from(a), p)
        expect(got.quantile).toBe(q)
        expect(got.tailMean).toBe(sortedTailMean(sorted, sorted.length, q))
      }),
      { numRuns: 300, seed: 11 }
    )
  })

  it('handles already sorted, reversed and constant inputs of 100,000 values (no quadratic pivot run)', () => {
    const n = 100_000
    for (const make of [(i: number) => i, (i: number) => n - i, () => 0.5]) {
      const x = Float64Array.from({ length: n }, (_, i) => make(i))
      const sorted = Float64Array.from(x).sort()
      const q = sortedQuantile(sorted, n, 0.01)
      const got = selectQuantileTail(x, 0.01)
      expect(got.quantile).toBe(q)
      expect(got.tailMean).toBe(sortedTailMean(sorted, n, q))
    }
  })

  it('moments: skewness and excess kurtosis of a known sample (scipy.stats.skew / kurtosis, bias=True)', () => {
    // python3 -c "from scipy import stats; x=[1,2,3,4,10]; print(stats.skew(x), stats.kurtosis(x))"
    const m = moments([1, 2, 3, 4, 10])
    expect(m.skew).toBeCloseTo(1.1384199576606167, 14)
    expect(m.exKurt).toBeCloseTo(-0.21199999999999974, 14)
  })
})
