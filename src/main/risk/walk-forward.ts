import { sharpe } from './overfitting'

/**
 * Walk-forward selection of a lab's parameter over a matrix of candidate returns (one
 * Float64Array per candidate value, all on one step calendar): in each fold the candidate with
 * the best in-sample Sharpe ratio on the training window is held over the test window that
 * follows it. Rolling folds slide a fixed training window; anchored folds grow it from step 0.
 * The out-of-sample record is what the chosen candidates earned on the windows they did not
 * see — the honest figure; the in-sample one is what a backtest shows.
 */
export interface WalkForwardOptions {
  train: number
  test: number
  step: number
  anchored: boolean
}

export interface Fold {
  trainFrom: number
  trainTo: number
  testFrom: number
  testTo: number
  chosen: number
  inSample: number
  outOfSample: number
  /** Out-of-sample Sharpe ratio of the candidate that would have been best on the test window. */
  bestOutOfSample: number
}

export interface WalkForwardResult {
  folds: Fold[]
  meanInSample: number
  meanOutOfSample: number
  /** Mean out-of-sample over mean in-sample Sharpe ratio (null when the in-sample mean is 0). */
  efficiency: number | null
  /** Compounded return of the chosen candidates over the test windows, when they do not overlap (step ≥ test). */
  outOfSampleReturn: number | null
}

export function walkForwardFolds(T: number, o: WalkForwardOptions): Array<Pick<Fold, 'trainFrom' | 'trainTo' | 'testFrom' | 'testTo'>> {
  for (const [name, v] of [['train', o.train], ['test', o.test], ['step', o.step]] as const) {
    if (!Number.isInteger(v) || v < (name === 'step' ? 1 : 2)) throw new RangeError(`--${name} must be a whole number ≥ ${name === 'step' ? 1 : 2} (got ${v})`)
  }
  if (o.train + o.test > T) throw new RangeError(`--train ${o.train} and --test ${o.test} need ${o.train + o.test} steps; the runs have ${T} returns`)
  const folds = []
  for (let s = 0; s + o.train + o.test <= T; s += o.step) {
    folds.push({ trainFrom: o.anchored ? 0 : s, trainTo: s + o.train, testFrom: s + o.train, testTo: s + o.train + o.test })
  }
  return folds
}

export function walkForward(candidates: readonly Float64Array[], o: WalkForwardOptions): WalkForwardResult {
  if (candidates.length === 0) throw new RangeError('walk-forward needs at least one candidate')
  const T = candidates[0]!.length
  const folds: Fold[] = walkForwardFolds(T, o).map((w) => {
    let chosen = 0
    let inSample = -Infinity
    let bestOutOfSample = -Infinity
    candidates.forEach((x, n) => {
      const s = sharpe(x, w.trainFrom, w.trainTo)
      if (s > inSample) {
        inSample = s
        chosen = n
      }
      bestOutOfSample = Math.max(bestOutOfSample, sharpe(x, w.testFrom, w.testTo))
    })
    return { ...w, chosen, inSample, outOfSample: sharpe(candidates[chosen]!, w.testFrom, w.testTo), bestOutOfSample }
  })
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const meanInSample = avg(folds.map((f) => f.inSample))
  const meanOutOfSample = avg(folds.map((f) => f.outOfSample))
  let outOfSampleReturn: number | null = null
  if (o.step >= o.test) {
    outOfSampleReturn = 1
    for (const f of folds) for (let t = f.testFrom; t < f.testTo; t++) outOfSampleReturn *= 1 + candidates[f.chosen]![t]!
    outOfSampleReturn -= 1
  }
  return { folds, meanInSample, meanOutOfSample, efficiency: meanInSample !== 0 ? meanOutOfSample / meanInSample : null, outOfSampleReturn }
}
