import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegimeModel, loadRegimeModel } from './regime-model'
import { resolveLabConfig } from '../engine/kernel'
import { hestonRegimeLab } from '../labs/heston-regime/lab'
import { compareOnSeeds, oodShare, type ModelRunner } from './regime-compare'
import { reportRegimes } from './classify-series'
import { detectsFirst } from '../regime/time-to-detection'
import { regimeInputFromReport } from '../runs/run-inputs'

const dir = join(__dirname, '../../../resources/models')
let model: RegimeModel
let runModel: ModelRunner

beforeAll(async () => {
  const files = loadRegimeModel(dir)
  model = await RegimeModel.create(ort, files, ['cpu'])
  runModel = async (closes) => regimeInputFromReport(reportRegimes(await model.classify(closes), closes.length, null, files.card, 'cpu', 'cpu'))
})
afterAll(() => model.release())

describe('SSM against the baselines on held-out seeds', () => {
  it('drives the same strategy with each classifier, scored on the same bars, deterministically', async () => {
    const base = resolveLabConfig(hestonRegimeLab, 'corrected', { n_steps: 2500 })
    const progress: number[] = []
    const rows = await compareOnSeeds(base, [3001], runModel, (done) => progress.push(done))
    expect(progress).toEqual([1])
    expect(rows.map((r) => r.classifier)).toEqual(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching'])
    for (const r of rows) {
      expect(r.accuracy).toBeGreaterThan(0)
      expect(r.accuracy).toBeLessThanOrEqual(1)
      expect(r.switches).toBeGreaterThanOrEqual(r.detected)
      expect(r.max_drawdown).toBeGreaterThanOrEqual(0)
      expect(Number.isFinite(r.sharpe)).toBe(true)
    }
    // Every classifier sees the same true switches; the classifiers really differ.
    expect(new Set(rows.map((r) => r.switches)).size).toBe(1)
    expect(new Set(rows.map((r) => r.total_return)).size).toBe(rows.length)
    expect(await compareOnSeeds(base, [3001], runModel)).toEqual(rows)
  })

  it('averages each classifier over the seeds, with the same metric set, and the baselines beat chance', async () => {
    const base = resolveLabConfig(hestonRegimeLab, 'corrected', { n_steps: 2500 })
    const progress: Array<[number, number]> = []
    const rows = await compareOnSeeds(base, [101, 102], runModel, (done, total) => progress.push([done, total]))
    expect(progress).toEqual([[1, 2], [2, 2]])
    const [one, two] = [await compareOnSeeds(base, [101], runModel), await compareOnSeeds(base, [102], runModel)]
    const averaged = ['accuracy', 'f1_stress', 'mean_time_to_detection', 'false_alarms_per_1000_stable_bars', 'downside_capture', 'sortino', 'sharpe', 'max_drawdown', 'ood_share'] as const
    rows.forEach((r, i) => {
      expect(Object.keys(r)).toEqual(expect.arrayContaining([...averaged]))
      for (const key of averaged) {
        const defined = [one[i]![key], two[i]![key]].filter((x): x is number => x !== null)
        if (defined.length === 0) expect(r[key], `${r.classifier} ${key}`).toBeNull()
        else expect(r[key], `${r.classifier} ${key}`).toBeCloseTo(defined.reduce((a, b) => a + b, 0) / defined.length, 12)
      }
      expect(r.switches).toBe(one[i]!.switches + two[i]!.switches)
      // the fair judge pools the switches met while calm: counts add up, the delay is their count-weighted mean
      for (const key of ['switches_from_calm', 'detected_from_calm', 'pre_flagged', 'missed'] as const) expect(r[key]).toBe(one[i]![key] + two[i]![key])
      expect(r.switches_from_calm + r.pre_flagged).toBeLessThanOrEqual(r.switches)
      if (r.detected_from_calm > 0)
        expect(r.ttd_from_calm!).toBeCloseTo(((one[i]!.ttd_from_calm ?? 0) * one[i]!.detected_from_calm + (two[i]!.ttd_from_calm ?? 0) * two[i]!.detected_from_calm) / r.detected_from_calm, 12)
      // calibration is pooled over both seeds' bars: bin counts add up, and Brier is their count-weighted mean
      const [a, b] = [one[i]!, two[i]!]
      const bars = (x: typeof r): number => x.reliability.reduce((s, bin) => s + bin.count, 0)
      expect(r.reliability.map((bin) => bin.count)).toEqual(a.reliability.map((bin, k) => bin.count + b.reliability[k]!.count))
      expect(r.brier).toBeCloseTo((a.brier! * bars(a) + b.brier! * bars(b)) / (bars(a) + bars(b)), 12)
      expect(r.brier! > 0 && r.brier! < 0.5).toBe(true)
      expect(r.ood_share! >= 0 && r.ood_share! <= 1).toBe(true)
      // the paired verdict of the SSM against each baseline, on the same seeds' detections
      if (r.classifier === 'ssm') expect(r.ssm_detects_first).toBeNull()
      else expect(r.ssm_detects_first).toBe(detectsFirst(r.ssm_minus_ttd_ci))
    })
    for (const r of rows.filter((r) => r.classifier !== 'ssm')) expect(r.accuracy).toBeGreaterThan(0.5)
  })
})

describe('OOD share of the heston-regime strategy', () => {
  it('counts the scored bars whose input, one bar earlier, was beyond the radius', () => {
    // bars 0..5; distances beyond the radius at bars 1 and 4 (and 5, whose read would be bar 6: unscored)
    const inference = { oodDistance: [0, 3, 1, 1, 9, 9], oodRadius: [2, 2, 2, 2, 2, 2] }
    // scored bars 2..5 read bars 1..4: bars 1 and 4 are out → 2 of 4
    expect(oodShare(inference, 2, 6)).toBe(0.5)
    // scored bars 3..5 read bars 2..4: only bar 4 → 1 of 3
    expect(oodShare(inference, 3, 6)).toBeCloseTo(1 / 3, 15)
    // bar 0 has no earlier read: never stood aside for OOD
    expect(oodShare({ oodDistance: [9, 0], oodRadius: [1, 1] }, 0, 1)).toBe(0)
    expect(oodShare(inference, 4, 4)).toBeNull()
  })
})
