import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegimeModel, loadRegimeModel } from './regime-model'
import type { HestonRegimeConfig } from '../labs/heston-regime/config'
import { resolveConfig } from '../labs/heston-regime/lab'
import { compareOnSeeds, type ModelRunner } from './regime-compare'
import { reportRegimes } from './classify-series'
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
    const base = resolveConfig('corrected', { n_steps: 2500 }) as HestonRegimeConfig
    const progress: number[] = []
    const rows = await compareOnSeeds(base, [3001], runModel, (done) => progress.push(done))
    expect(progress).toEqual([1])
    expect(rows.map((r) => r.classifier)).toEqual(['ssm', 'rv_threshold', 'hmm'])
    for (const r of rows) {
      expect(r.accuracy).toBeGreaterThan(0)
      expect(r.accuracy).toBeLessThanOrEqual(1)
      expect(r.switches).toBeGreaterThanOrEqual(r.detected)
      expect(r.max_drawdown).toBeGreaterThanOrEqual(0)
      expect(Number.isFinite(r.sharpe)).toBe(true)
    }
    // Every classifier sees the same true switches; the classifiers really differ.
    expect(new Set(rows.map((r) => r.switches)).size).toBe(1)
    expect(new Set(rows.map((r) => r.total_return)).size).toBe(3)
    expect(await compareOnSeeds(base, [3001], runModel)).toEqual(rows)
  })
})
