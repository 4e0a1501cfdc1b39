import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { ApiError, type InferenceStatus } from '../../shared/contract'
import type { InferenceMethods } from '../../shared/contract/protocol'
import { buildProbeModel } from '../inference/probe-model'
import { describeProviders, selectExecutionProvider } from '../inference/providers'
import { RegimeModel, loadRegimeModel, regimeModelFor } from '../inference/regime-model'
import { modelsDir, reportRegimes } from '../inference/classify-series'
import { planLab } from '../labs/execute'
import type { HestonRegimeConfig } from '../labs/heston-regime/config'
import { compareOnSeeds } from '../inference/regime-compare'
import { SIGN_OFF, compareOnLabSeries, labSeriesFor } from '../inference/lab-regime-compare'
import { compareOnCsv } from '../inference/csv-regime-compare'
import { CsvValidationError, parsePriceCsv } from '../regime/csv'
import { regimeInputFromReport } from '../runs/run-inputs'
import type { ServiceHandlers } from '../services/protocol'

// The inference service: owns onnxruntime sessions. The provider is chosen once, by running a
// probe model on each candidate (CUDA → WebGPU → CPU), and reported so the UI can say which answered.
let selection: Promise<InferenceStatus> | null = null

// Each provider that fails to load is reported in `attempts`; onnxruntime's own red log lines
// for the same failures would only alarm people reading the terminal.
ort.env.logLevel = 'fatal'

function selectOnce(): Promise<InferenceStatus> {
  selection ??= selectExecutionProvider(ort, buildProbeModel()).then(async ({ provider, session, attempts }) => {
    await session.release()
    return {
      runtimeVersion: ort.env.versions.common,
      provider,
      attempts: attempts.map((a) => (a.error ? { provider: a.provider, ok: a.ok, error: a.error } : { provider: a.provider, ok: a.ok })),
      summary: describeProviders(attempts)
    }
  })
  return selection
}

// Each shipped model's session is created once, on the provider that answered, and reused; which
// model reads a series depends on the lab it comes from (regimeModelFor).
const regimeModels = new Map<string, Promise<RegimeModel>>()

function regimeModelOnce(lab: string | null): Promise<RegimeModel> {
  const stem = regimeModelFor(lab)
  let model = regimeModels.get(stem)
  if (!model) {
    model = selectOnce().then((status) => RegimeModel.create(ort, loadRegimeModel(modelsDir(join(__dirname, '..')), stem), [status.provider]))
    regimeModels.set(stem, model)
  }
  return model
}

/** Each handler gets its params already parsed with the inference method table. */
export const inferenceHandlers: ServiceHandlers<InferenceMethods> = {
  'inference.status': () => selectOnce(),
  'inference.regime': async ({ closes, labels, lab }) => {
    const [model, status] = await Promise.all([regimeModelOnce(lab), selectOnce()])
    return reportRegimes(await model.classify(closes), closes.length, labels, model.card, status.provider, status.summary)
  },
  // The classifier comparison runs here: it needs the model's session for every held-out path.
  'inference.compare': async (request, ctx) => {
    const [model, status] = await Promise.all([regimeModelOnce(request.lab), selectOnce()])
    const seeds = Array.from({ length: request.seeds }, (_, i) => request.seedFrom + i)
    const runModel = async (closes: Float64Array) =>
      regimeInputFromReport(reportRegimes(await model.classify(closes), closes.length, null, model.card, status.provider, status.summary))
    const progress = (done: number, total: number): void => ctx.emit('progress', { done, total })
    const rows =
      request.lab === 'heston-regime'
        ? await compareOnSeeds(planLab({ task: 'lab', lab: 'heston-regime', preset: request.preset, overrides: request.overrides }).config as HestonRegimeConfig, seeds, runModel, progress)
        : (await compareOnLabSeries(labSeriesFor(request.lab, request.preset, request.overrides), seeds, runModel, progress)).map((row) => ({ ...row, sortino: null }))
    return { lab: request.lab, preset: request.preset, seeds, executionProvider: status.provider, model: { name: model.card.name, sha256: model.card.onnx.sha256 }, signOff: SIGN_OFF, rows }
  },
  // A user's closes: validated as the CLI's `regime --csv FILE --compare` does, one line naming the row.
  'inference.compareCsv': async ({ name, text }, ctx) => {
    let closes: Float64Array
    try {
      closes = parsePriceCsv(text).close
    } catch (error) {
      if (error instanceof CsvValidationError) throw new ApiError('invalid_params', `${name}: ${error.message.split('\n')[0]}`)
      throw error
    }
    const [model, status] = await Promise.all([regimeModelOnce(null), selectOnce()])
    const runModel = async (c: Float64Array) => regimeInputFromReport(reportRegimes(await model.classify(c), c.length, null, model.card, status.provider, status.summary))
    let answer: Awaited<ReturnType<typeof compareOnCsv>>
    try {
      answer = await compareOnCsv(closes, runModel, (done, total) => ctx.emit('progress', { done, total }))
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('invalid_params', `${name}: ${error.message}`)
      throw error
    }
    return { ...answer.comparison, name, model: { name: model.card.name, sha256: model.card.onnx.sha256 }, executionProvider: status.provider, closes, ssmStress: answer.ssmStress }
  }
}
