import { isIP } from 'node:net'
import { replySchema, type AgentProvider, type AgentReply, type AgentRequest, type ModelIdentity } from '../provider'

/**
 * The endpoint provider: any OpenAI-compatible chat-completions server the user runs (llama.cpp
 * server, Ollama, LM Studio, vLLM). Loopback only unless the user allows another host, and that
 * permission is part of the model's identity so the run's provenance says so.
 *
 * A transport fault (no answer, HTTP error, a body that is not a chat completion) rejects; what
 * the model wrote comes back raw, even when it is not the JSON asked for: judging it is the
 * selector's job, and a bad reply is evidence for the decision log.
 */
export interface EndpointOptions {
  /** The model to ask for; default the first one `GET {base}/models` lists. */
  model?: string
  /** Allow a host other than this machine. */
  allowRemote?: boolean
  /** Sent as a bearer token when set (LM Studio, vLLM with --api-key). */
  apiKey?: string
  /** Tokens of context, when the user knows it; the endpoint's own report otherwise, 0 if none. */
  contextSize?: number
  /** How long the models query may take. */
  checkTimeoutMs?: number
}

const CHECK_TIMEOUT_MS = 3_000

/** `http://127.0.0.1:8080/v1/` → `http://127.0.0.1:8080/v1`; throws a one-line error for anything else. */
export function parseEndpointUrl(target: string, allowRemote = false): URL {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new Error(`agent endpoint ${target} is not a URL (expected e.g. http://127.0.0.1:8080/v1)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`agent endpoint ${target} must be http:// or https:// (got ${url.protocol})`)
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new Error(`agent endpoint ${url.host} is not on this machine; allow remote endpoints explicitly to use it`)
  }
  url.pathname = url.pathname.replace(/\/+$/, '')
  url.search = ''
  url.hash = ''
  return url
}

/** 127.0.0.0/8, ::1 and localhost: the addresses that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

interface ModelsList {
  data?: Array<{ id?: unknown; meta?: { n_ctx_train?: unknown } }>
}

async function fetchJson(url: string, init: RequestInit, what: string): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(url, init)
  } catch (error) {
    const signal = init.signal
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason))
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new Error(`${what}: ${cause?.code ?? cause?.message ?? (error as Error).message}`)
  }
  const text = await response.text()
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 160).replace(/\s+/g, ' ').trim()}`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new Error(`${what}: the answer is not JSON (${JSON.stringify(text.slice(0, 60))})`)
  }
}

function headers(options: EndpointOptions): Record<string, string> {
  return { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) }
}

/** `GET {base}/models`: the endpoint answers and serves a model. Throws a one-line error otherwise. */
export async function listEndpointModels(base: URL, options: EndpointOptions = {}): Promise<{ ids: string[]; contextSize: number }> {
  const timeoutMs = options.checkTimeoutMs ?? CHECK_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const what = `agent endpoint ${base.href} did not answer GET /models`
  let body: ModelsList
  try {
    body = (await fetchJson(`${base.href}/models`, { headers: headers(options), signal: timeout }, what)) as ModelsList
  } catch (error) {
    if (timeout.aborted) throw new Error(`agent endpoint ${base.href} did not answer within ${timeoutMs} ms`)
    throw error
  }
  const ids = (Array.isArray(body?.data) ? body.data : []).map((m) => m.id).filter((id): id is string => typeof id === 'string')
  if (ids.length === 0) throw new Error(`agent endpoint ${base.href} lists no model under GET /models`)
  const ctx = body.data?.[0]?.meta?.n_ctx_train
  return { ids, contextSize: typeof ctx === 'number' && Number.isInteger(ctx) && ctx > 0 ? ctx : 0 }
}

interface ChatCompletion {
  choices?: Array<{ message?: { content?: unknown } }>
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown }
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0
}

/** Checks the endpoint (`GET /models`) and picks the model; the provider then asks it one question at a time. */
export async function openEndpointProvider(target: string, options: EndpointOptions = {}): Promise<AgentProvider> {
  const base = parseEndpointUrl(target, options.allowRemote)
  const listed = await listEndpointModels(base, options)
  const model = options.model ?? listed.ids[0]!
  if (options.model && !listed.ids.includes(options.model)) {
    throw new Error(`agent endpoint ${base.href} does not serve model ${options.model} (it lists ${listed.ids.join(', ')})`)
  }
  const identity: ModelIdentity = {
    provider: 'endpoint',
    model,
    endpoint: base.href,
    remoteAllowed: !isLoopbackHost(base.hostname),
    contextSize: options.contextSize ?? listed.contextSize
  }

  return {
    identity,
    async complete(request: AgentRequest, signal?: AbortSignal): Promise<AgentReply> {
      const started = performance.now()
      const timeout = AbortSignal.timeout(request.timeoutMs)
      const body = {
        model,
        messages: [
          { role: 'system', content: request.system },
          { role: 'user', content: request.user }
        ],
        temperature: request.temperature,
        seed: request.seed,
        max_tokens: request.maxTokens,
        stream: false,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'agent_reply', strict: true, schema: replySchema(request.actions, request.maxRationaleChars) }
        }
      }
      let answer: ChatCompletion
      try {
        answer = (await fetchJson(
          `${base.href}/chat/completions`,
          { method: 'POST', headers: headers(options), body: JSON.stringify(body), signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
          `agent endpoint ${base.href} failed`
        )) as ChatCompletion
      } catch (error) {
        if (timeout.aborted) throw new Error(`agent endpoint ${base.href} did not answer within ${request.timeoutMs} ms`)
        if (signal?.aborted) throw new Error('the agent request was cancelled')
        throw error
      }
      const content = answer?.choices?.[0]?.message?.content
      if (typeof content !== 'string') throw new Error(`agent endpoint ${base.href} answered without choices[0].message.content`)
      return {
        raw: content,
        latencyMs: performance.now() - started,
        promptTokens: count(answer.usage?.prompt_tokens),
        completionTokens: count(answer.usage?.completion_tokens)
      }
    },
    async close(): Promise<void> {
      // Nothing held: each request is its own HTTP exchange.
    }
  }
}
