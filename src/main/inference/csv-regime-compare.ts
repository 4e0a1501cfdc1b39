import type { CsvComparison, RegimeCsvRow } from '../../shared/contract'
import { maxDrawdownOf, sharpe } from '../regime/evaluation'
import type { ModelRegimeOutput } from '../regime/model-output'
import { compareStart, longFlatRule, readOut, sharedWalkForward } from './lab-regime-compare'
import { COMPARED_CLASSIFIERS } from './regime-compare'

// The five-way comparison on a user's CSV (issue 20 item 3). A CSV has closes and no true
// regimes, so accuracy, F1, time to detection, false alarms, downside capture, the paranoia
// cost and the Brier score cannot be computed: the comparison says so and scores what a
// series without labels allows — how often each classifier calls stress, how often it
// changes its mind, and what the same long/flat rule as on the labs' series did with it. The
// row's shape is the contract's (RegimeCsvRow): the CLI's --json and the Regime view read it.

/** Why the detection columns are absent, in the words the CLI prints. */
export const NO_TRUE_REGIMES =
  'no true regimes in a CSV: accuracy, F1, time to detection, false alarms, downside capture, paranoia cost and Brier need them and are not computed; the rv threshold and BOCPD fit unsupervised (two-means)'

/** The comparison and the state-space model's filtered read-out per scored bar (the view's chart shades it). */
export interface CsvComparisonWithStress {
  comparison: CsvComparison
  ssmStress: number[]
}

/**
 * Every classifier on one unlabelled close series; `runModel` gives the regime model's output on
 * it. `onStep` hears the model and each classifier done (1 + five steps).
 */
export async function compareOnCsv(closes: Float64Array, runModel: (closes: Float64Array) => Promise<ModelRegimeOutput>, onStep?: (done: number, total: number) => void): Promise<CsvComparisonWithStress> {
  const n = closes.length
  const start = compareStart(n)
  if (!(n > start)) throw new RangeError(`the series has ${n} bars; the comparison scores bars from ${start} on, so it needs more`)
  const steps = 1 + COMPARED_CLASSIFIERS.length
  const model = await runModel(closes)
  onStep?.(1, steps)
  let ssmStress: number[] = []
  const shared = sharedWalkForward(closes, start)
  const scored = n - start
  const rows = COMPARED_CLASSIFIERS.map((classifier): RegimeCsvRow => {
    const { pStable, outside, earlyWarning } = readOut(classifier, closes, null, start, model, shared)
    const rule = longFlatRule(pStable, closes, start, outside, earlyWarning)
    if (classifier === 'ssm') ssmStress = rule.pred
    let stress = 0
    let flips = 0
    for (let i = 0; i < rule.pred.length; i++) {
      stress += rule.pred[i]!
      if (i > 0 && rule.pred[i] === 1 && rule.pred[i - 1] === 0) flips++
    }
    let hold = 1
    for (const r of rule.benchmark) hold *= 1 + r
    onStep?.(2 + COMPARED_CLASSIFIERS.indexOf(classifier), steps)
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
  return { comparison: { bars: n, start, scoredBars: scored, labels: false, note: NO_TRUE_REGIMES, rows }, ssmStress }
}
