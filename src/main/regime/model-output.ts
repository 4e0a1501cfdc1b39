import type { ModelRegimeOutput } from '../../shared/contract/protocol'
import { checkEarlyWarningRule } from './early-warning'
import type { RegimeInference } from './walk-forward'

/** The regime model's output for a series, handed to a run as an input (declared in the engine's method table). */
export type { ModelRegimeOutput }

/**
 * A model's per-bar output as a RegimeInference over n bars: NaN before the walk-forward
 * start (the strategy stays flat there) and before the model's warm-up. The model is causal
 * (bar t reads closes ≤ t) and trained on other seeds, so no refit is needed.
 */
export function modelInference(output: ModelRegimeOutput, n: number, start: number): RegimeInference {
  const pStable = new Float64Array(n).fill(Number.NaN)
  const oodDistance = new Float64Array(n).fill(Number.NaN)
  const oodRadius = new Float64Array(n).fill(Number.NaN)
  if (output.pStable.length !== output.oodDistance.length || output.firstBar + output.pStable.length !== n) {
    throw new RangeError(`the regime model's output covers bars ${output.firstBar}…${output.firstBar + output.pStable.length - 1}, the run has ${n} bars`)
  }
  for (let t = Math.max(start, output.firstBar); t < n; t++) {
    pStable[t] = output.pStable[t - output.firstBar]!
    oodDistance[t] = output.oodDistance[t - output.firstBar]!
    oodRadius[t] = output.oodRadius
  }
  const earlyWarning = output.earlyWarning ? { earlyWarning: checkEarlyWarningRule({ ...output.earlyWarning }) } : {}
  return { classifier: 'ssm', pStable, oodDistance, oodRadius, refits: new Int32Array(0), model: { ...output.model, executionProvider: output.executionProvider }, ...earlyWarning }
}
