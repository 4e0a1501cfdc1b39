import { ApiError, type LabRunSpec } from '../../shared/contract'
import type { ChunkSink, StepChunk } from '../engine/kernel'

/**
 * A lab run's per-step returns, the way a stored pod's are read (pods.ts): the equity of every
 * step the engine recorded, rₜ = Eₜ/Eₜ₋₁ − 1. The run goes through the engine's own executeLab
 * in this process, so a candidate here is the run `mechanica run` would store, to the bit.
 */
class EquitySink implements ChunkSink {
  equity: Float64Array
  steps = 0
  constructor(planned: number) {
    this.equity = new Float64Array(planned)
  }
  onChunk(chunk: StepChunk): void {
    this.equity.set(chunk.columns.equity.subarray(0, chunk.count), chunk.first)
    this.steps = Math.max(this.steps, chunk.first + chunk.count)
  }
}

export function equityReturns(equity: Float64Array, label: string): Float64Array {
  const r = new Float64Array(Math.max(0, equity.length - 1))
  for (let t = 1; t < equity.length; t++) {
    const before = equity[t - 1]!
    if (!(before > 0) || !Number.isFinite(equity[t]!)) throw new RangeError(`${label}: equity is ${before} at step ${t - 1}; returns need a positive equity`)
    r[t - 1] = equity[t]! / before - 1
  }
  return r
}

/**
 * The labs' code (about 1 MB) loads on the first check or run, not with the module: the engine
 * runner below only needs `equityReturns`, and the browser host imports it on its start path.
 */
const labs = (): Promise<typeof import('../labs/execute')> => import('../labs/execute')

/** Checks a spec can run here (valid, and needing no inputs computed outside the engine) without running it; its planned steps. */
export async function checkLabSpec(spec: LabRunSpec): Promise<number> {
  const plan = (await labs()).planLab(spec)
  if (plan.requires.length > 0) {
    throw new ApiError('invalid_params', `${spec.lab}: this configuration needs ${plan.requires.join(', ')} computed outside the engine; pick a configuration without it`)
  }
  return plan.steps
}

export async function labEquity(spec: LabRunSpec): Promise<Float64Array> {
  const { executeLab, planLab } = await labs()
  await checkLabSpec(spec)
  const plan = planLab(spec)
  const sink = new EquitySink(plan.steps)
  await executeLab(spec, { sinks: [sink] })
  return sink.equity.slice(0, sink.steps)
}

export async function labReturns(spec: LabRunSpec, label: string): Promise<Float64Array> {
  return equityReturns(await labEquity(spec), label)
}
