import { ApiError, type RunSpec } from '../../shared/contract'
import type { LabInputs, LabRequirement } from '../engine/kernel'
import type { ModelRegimeOutput } from '../regime/model-output'
import type { SeriesRegimeReport } from '../inference/classify-series'
import type { EngineService, InferenceService } from '../services/service-host'

/** Computes what a run's plan requires before the engine can run it. */
export type InputResolver = (spec: RunSpec, requires: readonly LabRequirement[], signal?: AbortSignal) => Promise<LabInputs>

/** The model's report reshaped as a run input: typed arrays per bar from firstBar on. */
export function regimeInputFromReport(report: Pick<SeriesRegimeReport, 'firstBar' | 'pStable' | 'ood' | 'model' | 'executionProvider' | 'earlyWarning'>): ModelRegimeOutput {
  return {
    ...(report.earlyWarning ? { earlyWarning: { ...report.earlyWarning } } : {}),
    firstBar: report.firstBar,
    pStable: Float64Array.from(report.pStable),
    oodDistance: Float64Array.from(report.ood.distance),
    oodRadius: report.ood.radius,
    model: { name: report.model.name, sha256: report.model.sha256 },
    executionProvider: report.executionProvider
  }
}

/**
 * The workstation's resolver: the engine simulates the lab's price series, the inference
 * service runs the regime model over it (the only process holding onnxruntime sessions).
 */
export function serviceInputResolver(engine: EngineService, inference: InferenceService): InputResolver {
  return async (spec, requires, signal) => {
    const inputs: LabInputs = {}
    if (requires.includes('regime-model')) {
      if (spec.task !== 'lab') throw new ApiError('invalid_params', 'only lab runs take the regime model as an input')
      const series = await engine.call('engine.regimeSeries', { source: { kind: 'lab', spec } }, { signal })
      const report = await inference.call('inference.regime', { closes: series.closes, labels: null, lab: spec.lab }, { signal })
      inputs.regime = regimeInputFromReport(report)
    }
    return inputs
  }
}
