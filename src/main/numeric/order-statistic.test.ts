import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { linearPercentile, selectNth } from './order-statistic'

/** The percentile as it was computed before selection: a full numeric sort, then NumPy's linear rule. */
function sortedPercentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b)
  const pos = (q / 100) * (s.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, s.length - 1)
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
}

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })

describe('order statistics by selection', () => {
  it('NumPy linear percentile (np.percentile, numpy 1.24)', () => {
    // python3 -c "import numpy as np; x=[3.5,-1,2,2,7,0.25,9,-4,2,11]; print([float(np.percentile(x,q)) for q in (0,10,25,50,90,99.9,100)])"
    const x = [3.5, -1, 2, 2, 7, 0.25, 9, -4, 2, 11]
    const numpy: Array<[number, number]> = [[0, -4], [10, -1.2999999999999998], [25, 0.6875], [50, 2], [90, 9.2], [99.9, 10.982000000000003], [100, 11]]
    for (const [q, expected] of numpy) expect(linearPercentile(x, q), `q = ${q}`).toBe(expected)
    expect(x).toEqual([3.5, -1, 2, 2, 7, 0.25, 9, -4, 2, 11])
    expect(linearPercentile([], 50)).toBeNaN()
    expect(linearPercentile([1, Number.NaN], 50)).toBeNaN()
  })

  it('the k-th smallest is the sorted array at k, with the array partitioned around it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(finite, fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 300 }), fc.nat(), (values, seed) => {
        const k = seed % values.length
        const a = Float64Array.from(values)
        const sorted = Float64Array.from(values).sort()
        selectNth(a, k)
        expect(a[k]).toBe(sorted[k])
        for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(a[k]!)
        for (let i = k + 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(a[k]!)
        expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from(sorted))
      })
    )
  })

  it('the percentile equals the sort-based one exactly, ties and long runs included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(finite, fc.constantFrom(0, 1, 1, 2)), { minLength: 1, maxLength: 2000 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, q) => {
        expect(linearPercentile(values, q)).toBe(sortedPercentile(values, q))
      }),
      { numRuns: 200 }
    )
    const ramp = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 20_000)
    expect(linearPercentile(ramp, 99.9)).toBe(sortedPercentile(ramp, 99.9))
  })

  it('stays exact on an adversarial order (the sort fallback)', () => {
    const organ = Float64Array.from({ length: 4001 }, (_, i) => (i <= 2000 ? i : 4000 - i))
    const sorted = organ.slice().sort()
    for (const k of [0, 1000, 2000, 4000]) {
      const a = organ.slice()
      selectNth(a, k)
      expect(a[k]).toBe(sorted[k])
    }
  })
})
