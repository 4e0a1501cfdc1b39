import type { SeriesRegimeReport } from '../../shared/contract'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describeProviders } from './providers'
import { probeProvidersQuietly } from './quiet-probe'
import { DEFAULT_MODEL, RegimeModel, loadRegimeModel, type RegimeClassification, type RegimeModelCard } from './regime-model'
import { accuracy, f1Stress, falseAlarmRate, switchDetections } from '../regime/evaluation'
import { fairMeanDelay, summarizeDetections } from '../regime/time-to-detection'
import { rawStressSignal } from '../regime/early-warning'
import { filterSeries } from '../regime/filter'

/** Where the shipped model lives: MECHANICA_MODELS, else resources/models beside the build. */
export function modelsDir(fromDir: string): string {
  return process.env.MECHANICA_MODELS ?? join(fromDir, '..', '..', 'resources', 'models')
}

/** The report crosses from the inference process, so the contract declares it. */
export type { SeriesRegimeReport }

/**
 * The regime model on any close series: features, streaming inference on the provider that
 * answered the probe (CUDA → WebGPU → CPU), the book's hysteresis, and, where true labels
 * exist, the evaluation against them.
 */
export async function classifySeries(closes: ArrayLike<number>, labels: ArrayLike<number> | null, dir: string, probeScript: string, stem: string = DEFAULT_MODEL): Promise<SeriesRegimeReport> {
  const classifier = await openLocalClassifier(dir, probeScript, stem)
  try {
    return await classifier.classify(closes, labels)
  } finally {
    await classifier.release()
  }
}

export interface LocalClassifier {
  classify(closes: ArrayLike<number>, labels: ArrayLike<number> | null): Promise<SeriesRegimeReport>
  release(): Promise<void>
}

/**
 * The regime model in this process (the CLI; the workstation uses its inference service):
 * the provider chosen once by the probe, one session reused for every series. The probe runs
 * in a child process (`probeScript`, out/main/workers/provider-probe.js) so that what native
 * libraries print while providers fail to load stays off the CLI's stderr.
 */
export async function openLocalClassifier(dir: string, probeScript: string, stem: string = DEFAULT_MODEL): Promise<LocalClassifier> {
  const files = loadRegimeModel(dir, stem)
  ort.env.logLevel = 'fatal'
  const selection = await probeProvidersQuietly(probeScript)
  const model = await RegimeModel.create(ort, files, [selection.provider])
  const providers = describeProviders(selection.attempts)
  return {
    classify: async (closes, labels) => reportRegimes(await model.classify(closes), closes.length, labels, files.card, selection.provider, providers),
    release: () => model.release()
  }
}

/** Shapes a classification for people and scripts: filtered regimes, OOD count, evaluation when labels exist. */
export function reportRegimes(
  result: RegimeClassification,
  bars: number,
  labels: ArrayLike<number> | null,
  card: RegimeModelCard,
  provider: string,
  providers: string
): SeriesRegimeReport {
  const rule = card.early_warning ? { reference: card.early_warning.reference, threshold: card.early_warning.threshold, cap: card.early_warning.cap } : undefined
  const filtered = Array.from(filterSeries(rawStressSignal(result.pStable, 0.5, rule), { threshold: 3 }))
  const report: SeriesRegimeReport = {
    ...(rule ? { earlyWarning: rule } : {}),
    bars,
    firstBar: result.firstBar,
    executionProvider: provider,
    providers,
    model: { name: card.name, sha256: card.onnx.sha256 },
    pStable: Array.from(result.pStable),
    filtered,
    ood: { radius: result.oodRadius, barsOutside: result.oodDistance.filter((d) => d > result.oodRadius).length, distance: Array.from(result.oodDistance) },
    phase: { dims: card.phase_space.centroids.pca[0]?.length ?? 0, values: Array.from(result.phase), centroids: card.phase_space.centroids.pca }
  }
  if (labels) {
    const truth = Array.from({ length: filtered.length }, (_, i) => labels[result.firstBar + i]!)
    const detection = summarizeDetections(switchDetections(filtered, truth))
    report.evaluation = {
      accuracy: accuracy(filtered, truth),
      f1_stress: f1Stress(filtered, truth),
      ttd_from_calm: fairMeanDelay(detection),
      switches_from_calm: detection.metCalm,
      detected_from_calm: detection.detectedFromCalm,
      pre_flagged: detection.preFlagged,
      missed: detection.missed,
      switches: detection.switches,
      detected: detection.detected,
      mean_time_to_detection: detection.legacyMeanDelay,
      false_alarms_per_1000_stable_bars: falseAlarmRate(filtered, truth)
    }
  }
  return report
}
