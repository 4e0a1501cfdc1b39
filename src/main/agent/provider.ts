/**
 * The one interface between the book's agent and a language model. Providers (the embedded
 * node-llama-cpp runtime, an OpenAI-compatible endpoint, a scripted stand-in in tests) answer one
 * question at a time; the bounded selector builds the question, validates the reply and falls
 * back to the rule baseline. Everything a provider returns is recorded with the step, so that a
 * run replays from its replies without the model.
 */

/** One question: the context as two chat messages, the allowed actions, and the reply's bounds. */
export interface AgentRequest {
  system: string
  user: string
  /** The lab's allowed actions; the reply's `action` must be one of them. */
  actions: readonly string[]
  maxRationaleChars: number
  temperature: number
  /** The sampling seed (the run's seed and step mixed), so temperature > 0 is repeatable too. */
  seed: number
  maxTokens: number
  timeoutMs: number
}

/** What came back, exactly as the model produced it; parsing and validation happen elsewhere. */
export interface AgentReply {
  raw: string
  latencyMs: number
  promptTokens: number
  completionTokens: number
}

/** Who answered: what goes into the run's manifest and the status bar. */
export interface ModelIdentity {
  provider: 'embedded' | 'endpoint' | 'scripted'
  /** File name of the GGUF model, or the endpoint's model name. */
  model: string
  sha256?: string
  sizeBytes?: number
  /** Endpoint base URL (…/v1) for the endpoint provider. */
  endpoint?: string
  /** True when the user allowed a non-loopback endpoint explicitly. */
  remoteAllowed?: boolean
  quantisation?: string
  /** Tokens of context; 0 where an endpoint does not say. */
  contextSize: number
  /** Where the embedded model runs: 'cpu', 'cuda', 'vulkan' or 'metal'. */
  backend?: string
}

export interface AgentProvider {
  readonly identity: ModelIdentity
  /** Rejects with an error whose message says what failed (timeout, HTTP status, process exit). */
  complete(request: AgentRequest, signal?: AbortSignal): Promise<AgentReply>
  close(): Promise<void>
}

/** The JSON shape every reply must have; providers that can constrain generation use it. */
export function replySchema(actions: readonly string[], maxRationaleChars: number): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      action: { type: 'string', enum: [...actions] },
      rationale: { type: 'string', maxLength: maxRationaleChars }
    },
    required: ['action', 'rationale'],
    additionalProperties: false
  }
}
