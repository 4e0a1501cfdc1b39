import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import type { ModelRegimeOutput } from '../regime/model-output'
import { detectsFirst } from '../regime/time-to-detection'
import { compareOnLabSeries, compareStart, scoreOnSeries, type LabeledSeries } from './lab-regime-compare'
import { COMPARED_CLASSIFIERS } from './regime-compare'

/** Calm (σ 0.5 %) and stressed (σ 3 %, drifting down) blocks of 150 bars, alternating, as closes. */
function labeledSeries(seed: number, bars = 1200): LabeledSeries {
  const rng = new Xoshiro128(seed)
  const closes = new Float64Array(bars)
  const labels = new Int8Array(bars)
  closes[0] = 100
  for (let t = 1; t < bars; t++) {
    labels[t] = Math.floor(t / 150) % 2
    const r = labels[t] ? -0.004 + 0.03 * rng.standardNormal() : 0.0005 + 0.005 * rng.standardNormal()
    closes[t] = closes[t - 1]! * Math.exp(r)
  }
  return { closes, labels }
}

/** A "model" that knows the labels: P(stable) = 1 − label, from bar 0. */
const oracle = (series: LabeledSeries): ModelRegimeOutput => ({
  firstBar: 0,
  pStable: Float64Array.from(series.labels, (l) => 1 - l),
  oodDistance: new Float64Array(series.labels.length),
  oodRadius: 1,
  model: { name: 'oracle', sha256: '0'.repeat(64) },
  executionProvider: 'cpu'
})

describe('regime comparison on any lab series', () => {
  it('scores a perfect read-out as the hysteresis allows: two bars late, no false alarm, flat through stress', () => {
    const series = labeledSeries(1)
    const start = compareStart(series.closes.length)
    expect(start).toBe(480)
    const s = scoreOnSeries(oracle(series).pStable, series, start)
    expect(s.mean_time_to_detection).toBe(2)
    // the oracle calls calm up to each switch: every switch met while calm, none pre-flagged
    expect(s.detection).toMatchObject({ preFlagged: 0, metCalm: s.switches, detectedFromCalm: s.switches, delaySumFromCalm: 2 * s.switches! })
    expect(s.false_alarms_per_1000_stable_bars).toBe(0)
    expect(s.detected).toBe(s.switches)
    expect(s.accuracy!).toBeGreaterThan(0.95)
    // out of the market in stress (but for the latency), so it keeps a small share of the losses
    expect(Math.abs(s.downside_capture!)).toBeLessThan(0.2)
    expect(s.max_drawdown!).toBeLessThan(0.1)
    // P(stress) equals the label: a perfect Brier score
    expect(s.brier).toBe(0)
    expect(s.ood_share).toBe(0)
  })

  it('stands aside where the input is out of distribution, and says on how many bars', () => {
    const series = labeledSeries(1)
    const start = compareStart(series.closes.length)
    const outside = new Uint8Array(series.closes.length)
    outside.fill(1, 600, 700)
    const inside = scoreOnSeries(oracle(series).pStable, series, start)
    const aside = scoreOnSeries(oracle(series).pStable, series, start, outside)
    expect(aside.ood_share).toBeCloseTo(100 / (series.closes.length - start), 12)
    // bars 600–699 are calm (block 4): standing aside there forgoes their return
    expect(aside.total_return).not.toBe(inside.total_return)
    expect(aside.accuracy).toBe(inside.accuracy)
  })

  it('scores every classifier on the same series and seeds, deterministically', async () => {
    const seeds = [5, 6]
    const bySeed = new Map(seeds.map((seed) => [seed, labeledSeries(seed)]))
    const run = (): ReturnType<typeof compareOnLabSeries> =>
      compareOnLabSeries((seed) => bySeed.get(seed)!, seeds, async (closes) => oracle([...bySeed.values()].find((s) => s.closes === closes)!))
    const rows = await run()
    expect(rows.map((r) => r.classifier)).toEqual([...COMPARED_CLASSIFIERS])
    expect(new Set(rows.map((r) => r.switches)).size).toBe(1)
    const ssm = rows.find((r) => r.classifier === 'ssm')!
    expect(ssm).toMatchObject({ ttd_from_calm: 2, ttd_from_calm_ci: [2, 2], pre_flagged: 0, missed: 0, switches_from_calm: ssm.switches })
    for (const r of rows) expect(ssm.f1_stress!).toBeGreaterThanOrEqual(r.f1_stress!)
    // paired against the oracle, which detects as early as the hysteresis allows: no baseline is sooner on a resample
    expect(ssm).toMatchObject({ ssm_minus_ttd_ci: null, ssm_detects_first: null })
    for (const r of rows.filter((r) => r.classifier !== 'ssm')) {
      expect(r.ssm_detects_first).toBe(detectsFirst(r.ssm_minus_ttd_ci))
      expect(r.ssm_detects_first).not.toBe('no')
      if (r.ssm_minus_ttd_ci) expect(r.ssm_minus_ttd_ci[1]).toBeLessThanOrEqual(0)
    }
    for (const r of rows.filter((r) => r.classifier !== 'ssm')) expect(r.accuracy!).toBeGreaterThan(0.8)
    // the oracle's P(stress) is 0 or 1 and always right: every scored bar of both seeds in the end bins, on the diagonal
    const scored = seeds.reduce((a, seed) => a + bySeed.get(seed)!.closes.length - compareStart(bySeed.get(seed)!.closes.length), 0)
    expect(ssm.brier).toBe(0)
    expect(ssm.reliability!.reduce((a, b) => a + b.count, 0)).toBe(scored)
    expect(ssm.reliability![0]).toMatchObject({ mean_p_stress: 0, observed_stress: 0 })
    expect(ssm.reliability![9]).toMatchObject({ mean_p_stress: 1, observed_stress: 1 })
    expect(ssm.reliability!.slice(1, 9).every((b) => b.count === 0)).toBe(true)
    expect(await run()).toEqual(rows)
  })
})
