import * as ort from 'onnxruntime-node'
import { RegimeModel, loadRegimeModel } from '../inference/regime-model'
import type { HestonRegimeConfig } from '../labs/heston-regime/config'
import { simulateHestonRegimeMarket } from '../labs/heston-regime/market'
import { accuracy, f1Stress, falseAlarmRate, switchDetections } from './evaluation'
import { filterSeries } from './filter'

/** One classifier's detection scores, averaged over seeds. */
export interface ComparisonRow {
  classifier: 'ssm' | 'rv_threshold' | 'hmm'
  accuracy: number | null
  f1_stress: number | null
  mean_time_to_detection: number | null
  detected: number
  switches: number
  false_alarms_per_1000_stable_bars: number | null
}

const mean = (xs: Array<number | null>): number | null => {
  const ok = xs.filter((x): x is number => x !== null && Number.isFinite(x))
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null
}

/**
 * The SSM against the two baselines on held-out seeds, scored identically: the same bars
 * (from the baselines' first walk-forward fit on), the same raw rule (stress when
 * P(stable) < 0.5) and the same RegimeFilter (threshold 3), against the path's true labels.
 */
export async function compareOnSeeds(base: HestonRegimeConfig, seeds: readonly number[], modelDir: string): Promise<ComparisonRow[]> {
  const model = await RegimeModel.create(ort, loadRegimeModel(modelDir), ['cpu'])
  const perSeed: Record<ComparisonRow['classifier'], Array<Omit<ComparisonRow, 'classifier'>>> = { ssm: [], rv_threshold: [], hmm: [] }
  try {
    for (const seed of seeds) {
      const config: HestonRegimeConfig = { ...base, seed }
      const rv = simulateHestonRegimeMarket({ ...config, classifier: { ...config.classifier, kind: 'rv_threshold' } })
      const hmm = simulateHestonRegimeMarket({ ...config, classifier: { ...config.classifier, kind: 'hmm' } })
      const ssm = await model.classify(rv.prices)
      const from = config.strategy.start_bar
      const n = rv.n
      const ssmP = new Float64Array(n).fill(Number.NaN)
      ssmP.set(ssm.pStable, ssm.firstBar)
      const score = (pStable: Float64Array): Omit<ComparisonRow, 'classifier'> => {
        const raw = Array.from(pStable, (p, t) => (t < from || Number.isNaN(p) ? -1 : p < 0.5 ? 1 : 0))
        const filtered = filterSeries(raw, { threshold: 3 })
        const toStress = switchDetections(filtered, rv.labels, from, n).filter((d) => d.direction === 'to_stress')
        const delays = toStress.map((d) => d.delay).filter((d): d is number => d !== null)
        return {
          accuracy: accuracy(filtered, rv.labels, from, n),
          f1_stress: f1Stress(filtered, rv.labels, from, n),
          mean_time_to_detection: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : null,
          detected: delays.length,
          switches: toStress.length,
          false_alarms_per_1000_stable_bars: falseAlarmRate(filtered, rv.labels, from, n)
        }
      }
      perSeed.ssm.push(score(ssmP))
      perSeed.rv_threshold.push(score(rv.inference.pStable))
      perSeed.hmm.push(score(hmm.inference.pStable))
    }
  } finally {
    await model.release()
  }
  return (['ssm', 'rv_threshold', 'hmm'] as const).map((classifier) => {
    const rows = perSeed[classifier]
    return {
      classifier,
      accuracy: mean(rows.map((r) => r.accuracy)),
      f1_stress: mean(rows.map((r) => r.f1_stress)),
      mean_time_to_detection: mean(rows.map((r) => r.mean_time_to_detection)),
      detected: rows.reduce((a, r) => a + r.detected, 0),
      switches: rows.reduce((a, r) => a + r.switches, 0),
      false_alarms_per_1000_stable_bars: mean(rows.map((r) => r.false_alarms_per_1000_stable_bars))
    }
  })
}
