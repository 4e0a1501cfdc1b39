import { runLab, type LabRun } from '../../engine/kernel'
import type { HestonRegimeConfig } from './config'
import { hestonRegimeLab } from './lab'
import type { HestonRegimeMarket } from './market'
import { hestonRegimeMetrics } from './metrics'

// spec §4.8–4.9: classifiers compared on held-out seeds, i.e. paths never used to choose the
// config. Each path is walked forward (fits on [0, t) only), so every score is out of sample.

export type ClassifierKind = HestonRegimeConfig['classifier']['kind']

export interface ClassifierComparison {
  kind: ClassifierKind
  perSeed: Array<{ seed: number; metrics: Record<string, number | null> }>
  /** Mean of each metric over the seeds where it is defined (null where none is). */
  mean: Record<string, number | null>
}

export async function compareClassifiers(base: HestonRegimeConfig, seeds: readonly number[], kinds: readonly ClassifierKind[] = ['rv_threshold', 'hmm']): Promise<ClassifierComparison[]> {
  const out: ClassifierComparison[] = []
  for (const kind of kinds) {
    const perSeed: ClassifierComparison['perSeed'] = []
    for (const seed of seeds) {
      const config: HestonRegimeConfig = { ...base, seed, classifier: { ...base.classifier, kind } }
      const run = (await runLab(hestonRegimeLab, config)) as LabRun<HestonRegimeMarket>
      perSeed.push({ seed, metrics: hestonRegimeMetrics(run, config) })
    }
    const keys = Object.keys(perSeed[0]?.metrics ?? {})
    const mean: Record<string, number | null> = {}
    for (const key of keys) {
      const xs = perSeed.map((s) => s.metrics[key]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x))
      mean[key] = xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length
    }
    out.push({ kind, perSeed, mean })
  }
  return out
}
