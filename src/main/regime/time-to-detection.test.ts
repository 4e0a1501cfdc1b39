import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { switchDetections } from './evaluation'
import { intervalsOverlap } from '../../shared/contract/regime'
import { bootstrapFairDelay, fairDetectionFields, summarizeDetections } from './time-to-detection'

// Hand-worked: three switches into stress.
//               t: 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17
const truth = /**/ [0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0]
const pred = /* */ [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
// switch t2: called calm at t1, detected at t4 → met while calm, delay 2
// switch t8: called stress at t7 already (a false alarm that ran on) → pre-flagged, legacy delay 0
// switch t14: never called stress before t17 → missed (met while calm, undetected)

describe('fair time to detection (issue 20 item 2)', () => {
  it('a switch met while calm, one pre-flagged, one missed', () => {
    const s = summarizeDetections(switchDetections(pred, truth))
    expect(s).toEqual({ switches: 3, detected: 2, missed: 1, preFlagged: 1, metCalm: 2, detectedFromCalm: 1, delaySumFromCalm: 2, legacyMeanDelay: 1 })
    // the legacy judge averages (2 + 0) / 2 = 1; the fair one counts the calm switch only
    expect(fairDetectionFields([s])).toEqual({ ttd_from_calm: 2, ttd_from_calm_ci: null, switches_from_calm: 2, detected_from_calm: 1, pre_flagged: 1, missed: 1 })
  })

  it('the switches out of stress are summarised apart, "calm" meaning the old regime there', () => {
    // recoveries at t5 (called stress at t4 → met in the old regime, still called stress until the next switch at t8 → missed),
    // t11 (called calm at t10 → pre-flagged), t17 (pre-flagged)
    expect(summarizeDetections(switchDetections(pred, truth), 'to_stable')).toMatchObject({ switches: 3, missed: 1, preFlagged: 2, metCalm: 1, detectedFromCalm: 0, delaySumFromCalm: 0 })
  })

  it('a bar without a prediction before the switch is neither calm nor pre-flagged', () => {
    expect(summarizeDetections(switchDetections([-1, -1, 1], [0, 0, 1]))).toMatchObject({ switches: 1, detected: 1, preFlagged: 0, metCalm: 0 })
  })

  it('property: a classifier always calling stress gets no time-to-detection credit; every switch is pre-flagged', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 200 }), (labels) => {
        const always = labels.map(() => 1)
        const s = summarizeDetections(switchDetections(always, labels))
        const into = labels.filter((l, t) => t > 0 && l === 1 && labels[t - 1] === 0).length
        expect(s.switches).toBe(into)
        expect(s.preFlagged).toBe(into)
        expect(s.metCalm).toBe(0)
        expect(s.missed).toBe(0)
        const fields = fairDetectionFields([s, s])
        expect(fields.ttd_from_calm).toBeNull()
        expect(fields.ttd_from_calm_ci).toBeNull()
        // the legacy judge would call it instant
        expect(s.legacyMeanDelay).toBe(into === 0 ? null : 0)
      })
    )
  })

  it('property: every switch is exactly one of pre-flagged, met while calm, or after a bar with no prediction', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: -1, max: 1 })), { minLength: 2, maxLength: 200 }), (bars) => {
        const s = summarizeDetections(switchDetections(bars.map((b) => b[1]), bars.map((b) => b[0])))
        const unpredicted = bars.filter((b, t) => t > 0 && b[0] === 1 && bars[t - 1]![0] === 0 && bars[t - 1]![1] === -1).length
        expect(s.preFlagged + s.metCalm + unpredicted).toBe(s.switches)
        expect(s.detectedFromCalm).toBeLessThanOrEqual(s.metCalm)
      })
    )
  })

  it('bootstrap over seeds: deterministic, seeded, brackets the pooled mean', () => {
    const perSeed = [
      { detectedFromCalm: 2, delaySumFromCalm: 10 },
      { detectedFromCalm: 1, delaySumFromCalm: 30 },
      { detectedFromCalm: 3, delaySumFromCalm: 12 },
      { detectedFromCalm: 0, delaySumFromCalm: 0 },
      { detectedFromCalm: 2, delaySumFromCalm: 40 }
    ]
    const a = bootstrapFairDelay(perSeed)!
    expect(bootstrapFairDelay(perSeed)).toEqual(a)
    expect(bootstrapFairDelay(perSeed, { seed: 7 })).not.toEqual(a)
    const pooled = 92 / 8
    expect(a[0]).toBeLessThan(pooled)
    expect(a[1]).toBeGreaterThan(pooled)
    // bounded by the most extreme resample: all from the fastest seed (4) or the slowest (30)
    expect(a[0]).toBeGreaterThanOrEqual(4)
    expect(a[1]).toBeLessThanOrEqual(30)
    // a wider level gives a wider interval from the same resamples
    const wide = bootstrapFairDelay(perSeed, { level: 0.99 })!
    expect(wide[0]).toBeLessThanOrEqual(a[0])
    expect(wide[1]).toBeGreaterThanOrEqual(a[1])
    // identical seeds have no spread
    expect(bootstrapFairDelay([perSeed[0]!, perSeed[0]!, perSeed[0]!])).toEqual([5, 5])
    expect(bootstrapFairDelay([perSeed[0]!])).toBeNull()
  })

  it('overlapping intervals mean the two delays are not told apart', () => {
    expect(intervalsOverlap([10, 20], [19, 30])).toBe(true)
    expect(intervalsOverlap([10, 18], [19, 30])).toBe(false)
    expect(intervalsOverlap(null, [1, 2])).toBe(false)
  })
})
