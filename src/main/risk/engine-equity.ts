import { ApiError, type LabRunSpec } from '../../shared/contract'
import type { StepLogSlice } from '../../shared/contract/protocol'
import type { EngineService } from '../services/service-host'
import { checkLabSpec, equityReturns, labEquity } from './lab-returns'

/**
 * How the risk desk runs a lab spec to its per-step returns: the stress menus' variants and a
 * walk-forward's candidates. In the app they run in the engine process (off main's thread),
 * reading the equity column of the decision-log slices `engine.run` streams; in the CLI and in
 * tests, in this process. Both give the equity that `mechanica run` stores, to the bit.
 */
export interface LabRunner {
  /** Checks the spec (the same refusals as `runs.start`) and gives its planned steps. */
  plan(spec: LabRunSpec): Promise<number>
  returns(spec: LabRunSpec, label: string): Promise<Float64Array>
}

export const inProcessRunner: LabRunner = {
  plan: checkLabSpec,
  returns: async (spec, label) => equityReturns(await labEquity(spec), label)
}

export function engineRunner(engine: EngineService): LabRunner {
  const plan = async (spec: LabRunSpec): Promise<number> => {
    const p = await engine.call('engine.plan', { spec })
    if (p.requires.length > 0) throw new ApiError('invalid_params', `${spec.lab}: this configuration needs ${p.requires.join(', ')} computed outside the engine; pick a configuration without it`)
    return p.steps
  }
  return {
    plan,
    async returns(spec, label) {
      const equity = new Float64Array(await plan(spec))
      let steps = 0
      const take = (slice: StepLogSlice): void => {
        equity.set(slice.equity, slice.first)
        steps = Math.max(steps, slice.first + slice.equity.length)
      }
      const output = await engine.call('engine.run', { spec, logBatches: true }, { on: { log: take } })
      if (output.logTail) take(output.logTail)
      return equityReturns(equity.subarray(0, steps), label)
    }
  }
}
