import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { intervalsOverlap } from '../../shared/contract/regime'
import { bootstrapFairDelay, detectsFirst, pairedAgainstSsm, pairedBootstrapDelayDifference } from './time-to-detection'

// The paired seed bootstrap of (a − b) fair delay (issue 20 item 2), on hand-made per-seed
// detections whose answer is known.

/** One seed's detections met while calm: their count and the sum of their delays. */
const seed = (delays: number[]): { detectedFromCalm: number; delaySumFromCalm: number } => ({ detectedFromCalm: delays.length, delaySumFromCalm: delays.reduce((x, y) => x + y, 0) })

describe('paired seed bootstrap of the fair time to detection', () => {
  it('b slower by exactly 5 bars on every switch: every resample says −5', () => {
    const a = [[2, 4], [10], [1, 1, 7], [30]].map(seed)
    const b = [[7, 9], [15], [6, 6, 12], [35]].map(seed)
    const ci = pairedBootstrapDelayDifference(a, b)!
    expect(ci[0]).toBeCloseTo(-5, 12)
    expect(ci[1]).toBeCloseTo(-5, 12)
    expect(detectsFirst(ci)).toBe('yes')
    expect(detectsFirst(pairedBootstrapDelayDifference(b, a))).toBe('no')
  })

  it('pairing is sharper: one bar slower on every seed is told apart though the separate intervals overlap', () => {
    const a = [[2], [20], [8], [30], [5], [14]].map(seed)
    const b = [[3], [21], [9], [31], [6], [15]].map(seed)
    expect(intervalsOverlap(bootstrapFairDelay(a), bootstrapFairDelay(b))).toBe(true)
    const ci = pairedBootstrapDelayDifference(a, b)!
    expect(ci[0]).toBeCloseTo(-1, 12)
    expect(ci[1]).toBeCloseTo(-1, 12)
    expect(detectsFirst(ci)).toBe('yes')
  })

  it('faster on half the seeds and slower on the rest: not distinguishable', () => {
    const a = [[1], [10], [1], [10], [1], [10]].map(seed)
    const b = [[10], [1], [10], [1], [10], [1]].map(seed)
    const ci = pairedBootstrapDelayDifference(a, b)!
    expect(ci[0]).toBeLessThan(0)
    expect(ci[1]).toBeGreaterThan(0)
    expect(detectsFirst(ci)).toBe('not_distinguishable')
    // the same classifier against itself: a zero-width interval at 0, not a win
    expect(pairedBootstrapDelayDifference(a, a)).toEqual([0, 0])
    expect(detectsFirst([0, 0])).toBe('not_distinguishable')
  })

  it('needs two seeds with a delay on each side, and paired lists', () => {
    expect(pairedBootstrapDelayDifference([seed([3]), seed([])], [seed([4]), seed([5])])).toBeNull()
    expect(detectsFirst(null)).toBe('not_distinguishable')
    expect(() => pairedBootstrapDelayDifference([seed([1])], [seed([1]), seed([2])])).toThrow(/1 seeds against 2/)
  })

  it('is deterministic for a seed, and the SSM row carries no verdict against itself', () => {
    const a = [[1, 9], [4], [12], [3, 3], [8]].map(seed)
    const b = [[6], [2, 11], [7], [9], [5, 5]].map(seed)
    expect(pairedBootstrapDelayDifference(a, b)).toEqual(pairedBootstrapDelayDifference(a, b))
    expect(pairedBootstrapDelayDifference(a, b, { seed: 7 })).toEqual(pairedBootstrapDelayDifference(a, b, { seed: 7 }))
    expect(pairedBootstrapDelayDifference(a, b, { seed: 7 })).not.toEqual(pairedBootstrapDelayDifference(a, b, { seed: 8 }))
    expect(pairedAgainstSsm('ssm', a, a)).toEqual({ ssm_minus_ttd_ci: null, ssm_detects_first: null })
    const row = pairedAgainstSsm('hmm', a, b)
    expect(row.ssm_minus_ttd_ci).toEqual(pairedBootstrapDelayDifference(a, b))
    expect(row.ssm_detects_first).toBe(detectsFirst(row.ssm_minus_ttd_ci))
  })

  it('property: swapping the two classifiers negates the interval and flips the verdict', () => {
    const perSeed = fc.array(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }), { minLength: 2, maxLength: 12 })
    fc.assert(
      fc.property(perSeed, perSeed, (x, y) => {
        const n = Math.min(x.length, y.length)
        const [a, b] = [x.slice(0, n).map(seed), y.slice(0, n).map(seed)]
        const ab = pairedBootstrapDelayDifference(a, b, { resamples: 200 })
        const ba = pairedBootstrapDelayDifference(b, a, { resamples: 200 })
        if (ab === null) {
          expect(ba).toBeNull()
          return
        }
        expect(ba![0]).toBeCloseTo(-ab[1], 9)
        expect(ba![1]).toBeCloseTo(-ab[0], 9)
        expect(ab[0]).toBeLessThanOrEqual(ab[1])
        const flipped = { yes: 'no', no: 'yes', not_distinguishable: 'not_distinguishable' } as const
        // a verdict on an exact-zero edge could differ by rounding; away from it the verdict flips
        if (Math.abs(ab[0]) > 1e-9 && Math.abs(ab[1]) > 1e-9) expect(detectsFirst(ba)).toBe(flipped[detectsFirst(ab)])
      }),
      { seed: 20, numRuns: 200 }
    )
  })
})
