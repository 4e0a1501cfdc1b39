import type { AgentCall } from '../selector/call'
import { AgentTimeoutError, RecordedProviderError, ReplayMismatchError } from '../selector/errors'
import type { AgentProvider, AgentReply, AgentRequest, ModelIdentity } from '../provider'

/**
 * Answers a run's questions from its recorded calls, in order, without the model: a reply as it
 * came (with its latency and tokens), a timeout or a provider error as they happened. The
 * replies are the run's inputs, like the regime model's output, so the replay is the same run
 * bit for bit. A question the recording does not hold (other code, other config) stops the
 * replay: it is never answered by a guess.
 */
export class RecordedProvider implements AgentProvider {
  private next = 0

  constructor(
    private readonly calls: readonly AgentCall[],
    readonly identity: ModelIdentity
  ) {}

  complete(request: AgentRequest): Promise<AgentReply> {
    const call = this.calls[this.next]
    if (call === undefined) return Promise.reject(new ReplayMismatchError(`the recording holds ${this.calls.length} calls; the replay asked a call more`))
    if (call.system !== request.system || call.user !== request.user) {
      return Promise.reject(new ReplayMismatchError(`call ${this.next + 1} (step ${call.t}): the replay asked another question than the recorded run`))
    }
    this.next++
    if (call.raw !== null) return Promise.resolve({ raw: call.raw, latencyMs: call.latencyMs, promptTokens: call.promptTokens, completionTokens: call.completionTokens })
    if (call.reason === 'timeout') return Promise.reject(new AgentTimeoutError(request.timeoutMs, call.latencyMs))
    return Promise.reject(new RecordedProviderError(call.detail ?? 'provider error', call.latencyMs))
  }

  /** Calls the replay has not asked for (a complete replay leaves none). */
  get unused(): number {
    return this.calls.length - this.next
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** Re-ask: the first step where a fresh run's decision differs from the recorded one, or null when none does. */
export function firstDifference(recorded: readonly AgentCall[], fresh: readonly AgentCall[]): { t: number; recorded: AgentCall | null; fresh: AgentCall | null } | null {
  const n = Math.max(recorded.length, fresh.length)
  for (let i = 0; i < n; i++) {
    const a = recorded[i] ?? null
    const b = fresh[i] ?? null
    if (a === null || b === null || a.t !== b.t || a.action !== b.action || a.source !== b.source) return { t: Math.min(a?.t ?? Infinity, b?.t ?? Infinity), recorded: a, fresh: b }
  }
  return null
}
