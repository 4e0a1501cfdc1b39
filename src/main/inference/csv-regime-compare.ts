import { maxDrawdownOf, sharpe } from '../regime/evaluation'
import type { ModelRegimeOutput } from '../regime/model-output'
import { compareStart, longFlatRule, readOut, sharedWalkForward } from './lab-regime-compare'
import { COMPARED_CLASSIFIERS, type ComparedClassifier } from './regime-compare'

// The five-way comparison on a user's CSV (issue 20 item 3). A CSV has closes and no true
// regimes, so accuracy, F1, time to detection, false alarms, downside capture, the paranoia
// cost and the Brier score cannot be computed: the comparison says so and scores what a
// series without labels allows — how often each classifier calls stress, how often it
// changes its mind, and what the same long/flat rule as on the labs' series did with it.

/** Why the detection columns are absent, in the words the CLI prints. */
export const NO_TRUE_REGIMES =
  'no true regimes in a CSV: accuracy, F1, time to detection, false alarms, downside capture, paranoia cost and Brier need them and are not computed; the rv threshold and BOCPD fit unsupervised (two-means)'

/** One classifier on an unlabelled series: its read-out and the long/flat rule it drives. */
export interface CsvComparisonRow {
  classifier: ComparedClassifier
  /** Share of scored bars the filtered read-out calls stress. */
  stress_share: number | null
  /** Calm → stress flips of the filtered read-out over the scored bars. */
  switches_to_stress: number
  sharpe: number | null
  max_drawdown: number | null
  total_return: number | null
  /** Benchmark (always long) total return over the same bars, for scale. */
  buy_and_hold_return: number | null
  /** Share of scored bars stood aside because the input was out of distribution. */
  ood_share: number | null
}

export interface CsvComparison {
  bars: number
  /** The walk-forward start: bars before it train the baselines and are not scored. */
  start: number
  scoredBars: number
  labels: false
  note: string
  rows: CsvComparisonRow[]
}

/** Every classifier on one unlabelled close series; `runModel` gives the regime model's output on it. */
export async function compareOnCsv(closes: Float64Array, runModel: (closes: Float64Array) => Promise<ModelRegimeOutput>): Promise<CsvComparison> {
  const n = closes.length
  const start = compareStart(n)
  if (!(n > start)) throw new RangeError(`the series has ${n} bars; the comparison scores bars from ${start} on, so it needs more`)
  const model = await runModel(closes)
  const shared = sharedWalkForward(closes, start)
  const scored = n - start
  const rows = COMPARED_CLASSIFIERS.map((classifier): CsvComparisonRow => {
    const { pStable, outside, earlyWarning } = readOut(classifier, closes, null, start, model, shared)
    const rule = longFlatRule(pStable, closes, start, outside, earlyWarning)
    let stress = 0
    let flips = 0
    for (let i = 0; i < rule.pred.length; i++) {
      stress += rule.pred[i]!
      if (i > 0 && rule.pred[i] === 1 && rule.pred[i - 1] === 0) flips++
    }
    let hold = 1
    for (const r of rule.benchmark) hold *= 1 + r
    return {
      classifier,
      stress_share: stress / scored,
      switches_to_stress: flips,
      sharpe: sharpe(rule.strategy),
      max_drawdown: maxDrawdownOf(rule.equity),
      total_return: rule.equity[scored - 1]! - 1,
      buy_and_hold_return: hold - 1,
      ood_share: rule.stoodAside / scored
    }
  })
  return { bars: n, start, scoredBars: scored, labels: false, note: NO_TRUE_REGIMES, rows }
}
