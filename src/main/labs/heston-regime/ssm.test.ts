import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, type LabResults } from '../../../shared/contract'
import { RegimeModel, loadRegimeModel } from '../../inference/regime-model'
import { reportRegimes } from '../../inference/classify-series'
import type { ModelRegimeOutput } from '../../regime/model-output'
import { regimeInputFromReport } from '../../runs/run-inputs'
import { executeLab, planLab } from '../execute'
import type { HestonRegimeConfig } from './config'
import { simulatePath } from './market'

// classifier.kind "ssm": the shipped ONNX model's P(stable) drives the RegimeFilter strategy
// through the engine like the baselines do; main computes it first (inference service / CLI).

const dir = join(__dirname, '../../../../resources/models')
let model: RegimeModel
let runModel: (closes: Float64Array) => Promise<ModelRegimeOutput>

beforeAll(async () => {
  const files = loadRegimeModel(dir)
  model = await RegimeModel.create(ort, files, ['cpu'])
  runModel = async (closes) => regimeInputFromReport(reportRegimes(await model.classify(closes), closes.length, null, files.card, 'cpu', 'cpu'))
})
afterAll(() => model.release())

const spec = { task: 'lab' as const, lab: 'heston-regime', preset: 'corrected', seed: 3002, overrides: { 'classifier.kind': 'ssm', n_steps: 2500 } }

describe('heston-regime with the state-space model as its classifier', () => {
  it('plans the model as a required input, and refuses to run without it', async () => {
    expect(planLab(spec).requires).toEqual(['regime-model'])
    expect(planLab({ ...spec, overrides: {} }).requires).toEqual([])
    const error = await executeLab(spec).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toMatch(/classifier.kind "ssm" needs the regime model's output/)
  })

  it('runs the strategy on the model output: flat before the walk-forward start, traded after, reproducible', async () => {
    const plan = planLab(spec)
    const regime = await runModel(simulatePath(plan.config as HestonRegimeConfig).prices)
    const out = await executeLab(spec, { inputs: { regime } })
    const r: LabResults = out.results
    const telemetry = r.telemetry as { regime: { classifier: string; model: { sha256: string; executionProvider: string } } }
    expect(telemetry.regime.classifier).toBe('ssm')
    expect(telemetry.regime.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(telemetry.regime.model.executionProvider).toBe('cpu')
    const start = (plan.config as HestonRegimeConfig).strategy.start_bar
    // the chart series are conflated onto the step grid series.t
    const leverage = Array.from(r.series.columns.leverage!)
    const t = r.series.t
    expect(leverage.filter((_, i) => t[i]! < start).every((x) => x === 0)).toBe(true)
    expect(leverage.some((x, i) => t[i]! >= start && x > 0)).toBe(true)
    expect(r.metrics.accuracy).toBeGreaterThan(0.6)
    const again = await executeLab(spec, { inputs: { regime: await runModel(simulatePath(plan.config as HestonRegimeConfig).prices) } })
    expect(again.resultsHash).toBe(out.resultsHash)
    const rv = await executeLab({ ...spec, overrides: { n_steps: 2500 } })
    expect(rv.resultsHash).not.toBe(out.resultsHash)
  })
})
