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

// What node-llama-cpp's grammar for replySchema admits besides the two values (3.21.1,
// GbnfWhitespace and the grammar's stop trigger): three whitespace slots of at most a newline
// and four spaces, a space after each colon, and four newlines after the closing brace.
const GRAMMAR_WHITESPACE_BYTES = 3 * 5 + 2 + 4
// One rationale character is at most six bytes: a "\uXXXX" escape (a raw UTF-8 character is four).
const MAX_BYTES_PER_CHAR = 6

/**
 * The most tokens a reply that replySchema admits can take: its longest form in bytes, as every
 * token holds at least one byte (a byte-level vocabulary spends one per byte). A budget below it
 * lets generation stop inside the rationale, and the cut reply is not JSON whatever the grammar.
 */
export function replyTokenBudget(actions: readonly string[], maxRationaleChars: number): number {
  const longest = Math.max(0, ...actions.map((a) => Buffer.byteLength(JSON.stringify(a))))
  const scaffold = Buffer.byteLength(JSON.stringify({ action: '', rationale: '' })) - 2
  return scaffold + longest + GRAMMAR_WHITESPACE_BYTES + MAX_BYTES_PER_CHAR * maxRationaleChars
}
