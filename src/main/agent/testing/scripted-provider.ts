import type { AgentProvider, AgentReply, AgentRequest, ModelIdentity } from '../provider'

/**
 * One scripted answer: a raw reply (any text, valid or not), a reply with its own latency and
 * token counts, a provider error, or no answer at all (the call hangs until the selector's
 * timeout aborts it).
 */
export type ScriptedAnswer = string | { raw: string; latencyMs?: number; promptTokens?: number; completionTokens?: number } | { error: string } | { hang: true } | { throws: string }

export type Script = readonly ScriptedAnswer[] | ((request: AgentRequest, call: number) => ScriptedAnswer)

/** A reply in the shape the book asks for. */
export const replyJson = (action: string, rationale: string): string => JSON.stringify({ action, rationale })

/**
 * A deterministic stand-in for a language model in tests: answers from a list (cycled) or a
 * function of the request. Latency and token counts are fixed numbers, never measured, so a
 * scripted run's results do not depend on the machine.
 */
export class ScriptedProvider implements AgentProvider {
  readonly identity: ModelIdentity
  readonly requests: AgentRequest[] = []
  closed = false

  constructor(
    private readonly script: Script,
    identity: Partial<ModelIdentity> = {}
  ) {
    this.identity = { provider: 'scripted', model: 'scripted', contextSize: 2048, ...identity }
  }

  complete(request: AgentRequest, signal?: AbortSignal): Promise<AgentReply> {
    const call = this.requests.length
    this.requests.push(request)
    const answer = typeof this.script === 'function' ? this.script(request, call) : this.script[call % this.script.length]!
    if (typeof answer === 'string') return Promise.resolve({ raw: answer, latencyMs: 5, promptTokens: 100, completionTokens: 20 })
    if ('throws' in answer) throw new Error(answer.throws)
    if ('error' in answer) return Promise.reject(new Error(answer.error))
    if ('hang' in answer) {
      return new Promise<AgentReply>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
      })
    }
    return Promise.resolve({ raw: answer.raw, latencyMs: answer.latencyMs ?? 5, promptTokens: answer.promptTokens ?? 100, completionTokens: answer.completionTokens ?? 20 })
  }

  close(): Promise<void> {
    this.closed = true
    return Promise.resolve()
  }
}
