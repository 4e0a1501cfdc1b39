import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportRegimes } from './classify-series'
import { PREVIOUS_MODEL, loadRegimeModel } from './regime-model'

// The single-series report (`regime --lab LAB`, `regime.classify`) judges time to detection as the
// comparison does (regime/time-to-detection.ts): only switches into stress met while calm count
// toward the delay; pre-flagged ones and misses are counted apart; the legacy mean stays, labelled.

const card = loadRegimeModel(join(__dirname, '../../../resources/models'), PREVIOUS_MODEL).card

describe('the single-series evaluation', () => {
  it('counts a switch met while calm, a pre-flagged one and a miss apart, and keeps the legacy mean', () => {
    const firstBar = 101
    const n = 300
    const inside = (i: number, spans: Array<[number, number]>) => spans.some(([a, b]) => a <= i && i < b)
    // The model calls stress (P(stable) 0.1) over [55, 85) and [140, 210); the truth is stress over [50, 80), [150, 200), [250, 260).
    const pStable = Float64Array.from({ length: n }, (_, i) => (inside(i, [[55, 85], [140, 210]]) ? 0.1 : 0.9))
    const labels = Array.from({ length: firstBar + n }, (_, t) => (t >= firstBar && inside(t - firstBar, [[50, 80], [150, 200], [250, 260]]) ? 1 : 0))
    const classification = { firstBar, pStable, phase: new Float64Array(n * 3), oodDistance: new Float64Array(n), oodRadius: 1 }
    const report = reportRegimes(classification, firstBar + n, labels, card, 'cpu', 'cpu')
    // RegimeFilter (threshold 3) confirms a change on its third bar: stress is filtered from 57 and from 142.
    expect(report.filtered.indexOf(1)).toBe(57)
    expect(report.filtered[141]).toBe(0)
    expect(report.filtered[142]).toBe(1)
    expect(report.evaluation).toMatchObject({
      switches: 3,
      switches_from_calm: 2, // into [50, 80) and into [250, 260)
      detected_from_calm: 1,
      ttd_from_calm: 7, // 57 − 50
      pre_flagged: 1, // [150, 200): stress already called on bar 149
      missed: 1, // [250, 260)
      detected: 2,
      mean_time_to_detection: 3.5 // legacy: (7 + 0) / 2, the pre-flagged switch counted as 0 bars
    })
  })
})
