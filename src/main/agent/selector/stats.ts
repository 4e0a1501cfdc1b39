import { POLICY_SOURCES } from '../../engine/kernel/run'
import type { ChunkSink, StepChunk } from '../../engine/kernel/observers'
import type { AgentCall } from './call'
import { FALLBACK_REASONS, type FallbackReason } from './validate'

/** The notebooks' LLM metrics, by what they measure (each lab maps them to its notebook's names). */
export type AgentMetric = 'calls' | 'successes' | 'validityRate' | 'controlShare' | 'latencyMeanMs' | 'latencyP95Ms'

/** The workstation's names for them, used where a notebook names none. */
export const AGENT_METRIC_NAMES: Readonly<Record<AgentMetric, string>> = {
  calls: 'llm_calls',
  successes: 'llm_successes',
  validityRate: 'llm_validity_rate',
  controlShare: 'llm_control_share',
  latencyMeanMs: 'llm_latency_mean_ms',
  latencyP95Ms: 'llm_latency_p95_ms'
}

export interface AgentSummary {
  calls: number
  /** Replies that passed validation and decided their step. */
  valid: number
  validityRate: number | null
  /** Share of the run's steps whose decision was the agent's (held steps included). */
  controlShare: number | null
  agentSteps: number
  fallbacks: Record<FallbackReason, number>
  /** Steps where the selector overrode the agent with the flat action (fallback to the baseline off). */
  overrides: number
  latencyMeanMs: number | null
  latencyP50Ms: number | null
  latencyP95Ms: number | null
  promptTokens: number
  completionTokens: number
}

/** Percentile with linear interpolation between order statistics (NumPy's default `np.percentile`). */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  const pos = (q / 100) * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

/** Counts the run's calls and, chunk by chunk, the steps each source decided. */
export class AgentStats implements ChunkSink {
  private readonly bySource = new Int32Array(POLICY_SOURCES.length)
  private readonly calls: AgentCall[] = []

  record(call: AgentCall): void {
    this.calls.push(call)
  }

  onChunk(chunk: StepChunk): void {
    const source = chunk.columns.source
    for (let i = 0; i < chunk.count; i++) this.bySource[source[i]!]!++
  }

  summary(): AgentSummary {
    const fallbacks = Object.fromEntries(FALLBACK_REASONS.map((r) => [r, 0])) as Record<FallbackReason, number>
    let valid = 0
    let overrides = 0
    let promptTokens = 0
    let completionTokens = 0
    const latencies: number[] = []
    for (const call of this.calls) {
      if (call.valid) valid++
      if (call.reason !== null) fallbacks[call.reason]++
      if (call.source === 'OVERRIDE') overrides++
      promptTokens += call.promptTokens
      completionTokens += call.completionTokens
      latencies.push(call.latencyMs)
    }
    latencies.sort((a, b) => a - b)
    const steps = this.bySource.reduce((a, b) => a + b, 0)
    const agentSteps = this.bySource[POLICY_SOURCES.indexOf('AGENT')]!
    const calls = this.calls.length
    return {
      calls,
      valid,
      validityRate: calls > 0 ? valid / calls : null,
      controlShare: steps > 0 ? agentSteps / steps : null,
      agentSteps,
      fallbacks,
      overrides,
      latencyMeanMs: latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
      latencyP50Ms: percentile(latencies, 50),
      latencyP95Ms: percentile(latencies, 95),
      promptTokens,
      completionTokens
    }
  }

  /** The summary's metrics under the notebook's names (the workstation's where it names none). */
  metrics(names: Partial<Record<AgentMetric, string>> = {}): Record<string, number | null> {
    const s = this.summary()
    const value: Record<AgentMetric, number | null> = {
      calls: s.calls,
      successes: s.valid,
      validityRate: s.validityRate,
      controlShare: s.controlShare,
      latencyMeanMs: s.latencyMeanMs,
      latencyP95Ms: s.latencyP95Ms
    }
    return Object.fromEntries((Object.keys(value) as AgentMetric[]).map((k) => [names[k] ?? AGENT_METRIC_NAMES[k], value[k]]))
  }

  get recorded(): readonly AgentCall[] {
    return this.calls
  }
}
