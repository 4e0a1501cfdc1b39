import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { npSum, trailingMedian } from './numpy'
import { backfill, pandasRollingMean } from './pandas'

// The NumPy/pandas replays against plain definitions (their bit parity is checked on the fixtures).

const series = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 400 })

describe('numeric replays', () => {
  it('trailing median equals the sorted-window median at every step', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 70 }), (values, lookback) => {
        const fast = trailingMedian(values, lookback)
        return values.every((_, t) => {
          const w = values.slice(Math.max(0, t - lookback), t + 1).sort((a, b) => a - b)
          const m = w.length % 2 ? w[w.length >> 1]! : (w[(w.length >> 1) - 1]! + w[w.length >> 1]!) / 2
          return fast[t] === m || (fast[t] === 0 && m === 0)
        })
      })
    )
  })

  it('trailing median with many ties (and ±0) still equals the sorted-window median', () => {
    const tied = fc.array(fc.constantFrom(-1, -0.5, -0, 0, 0.5, 1, 2), { minLength: 1, maxLength: 400 })
    fc.assert(
      fc.property(tied, fc.integer({ min: 0, max: 70 }), (values, lookback) => {
        const fast = trailingMedian(values, lookback)
        return values.every((_, t) => {
          const w = values.slice(Math.max(0, t - lookback), t + 1).sort((a, b) => a - b)
          const m = w.length % 2 ? w[w.length >> 1]! : (w[(w.length >> 1) - 1]! + w[w.length >> 1]!) / 2
          return fast[t] === m
        })
      })
    )
  })

  it('pairwise sum is a sum (to rounding) and exact for integers', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 1000 }), (values) => npSum(values) === values.reduce((s, v) => s + v, 0))
    )
  })

  it('rolling mean is NaN below min_periods, the window mean above, and bfill fills the head', () => {
    const values = Array.from({ length: 100 }, (_, i) => i % 7)
    const mean = pandasRollingMean(values, 60, 10)
    expect(Number.isNaN(mean[8]!)).toBe(true)
    expect(mean[9]).toBeCloseTo(values.slice(0, 10).reduce((s, v) => s + v, 0) / 10, 12)
    expect(mean[99]).toBeCloseTo(values.slice(40, 100).reduce((s, v) => s + v, 0) / 60, 12)
    expect(Array.from(backfill(mean).subarray(0, 10))).toEqual(Array(10).fill(mean[9]))
    expect(pandasRollingMean([2, 2, 2], 2, 1)[2]).toBe(2)
  })
})
