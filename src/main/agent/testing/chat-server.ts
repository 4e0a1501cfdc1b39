import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EmbeddedProvider } from '../providers/embedded'

/**
 * A real OpenAI-compatible chat-completions server on loopback, serving the tiny test model (or
 * any embedded provider): what the endpoint provider's tests and the bench talk to. `fault` makes
 * it misbehave the ways real servers do, so the fault tests need no mock of `fetch`.
 */
export type ChatServerFault =
  /** HTTP 200 whose body is not JSON. */
  | 'malformed-body'
  /** A chat completion whose content is not JSON. */
  | 'malformed-content'
  /** Valid JSON naming an action outside the set. */
  | 'foreign-action'
  /** Valid JSON with a rationale far over its bound. */
  | 'long-rationale'
  /** Accepts the request and never answers. */
  | 'silent'
  /** HTTP 500. */
  | 'error'

export interface ChatServer {
  /** `http://127.0.0.1:PORT/v1` */
  readonly url: string
  /** Chat-completion requests received, as parsed JSON. */
  readonly requests: unknown[]
  fault: ChatServerFault | null
  close(): Promise<void>
}

interface ChatRequest {
  model?: string
  messages?: Array<{ role?: string; content?: string }>
  temperature?: number
  seed?: number
  max_tokens?: number
  response_format?: { type?: string; json_schema?: { schema?: Record<string, unknown> } }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function completion(model: string, content: string, promptTokens: number, completionTokens: number): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }
  }
}

function faultContent(fault: ChatServerFault): string {
  switch (fault) {
    case 'malformed-content':
      return '{"action": "hold", "rationale": "cut off'
    case 'foreign-action':
      return JSON.stringify({ action: 'double_down', rationale: 'Not one of the allowed actions.' })
    default:
      return JSON.stringify({ action: 'hold', rationale: 'x'.repeat(5_000) })
  }
}

export async function startChatServer(provider: EmbeddedProvider, modelName = provider.identity.model): Promise<ChatServer> {
  const requests: unknown[] = []
  const hanging = new Set<ServerResponse>()
  const state = { fault: null as ChatServerFault | null }

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        return send(res, 200, { object: 'list', data: [{ id: modelName, object: 'model', meta: { n_ctx_train: provider.identity.contextSize } }] })
      }
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: `no route ${req.method} ${req.url}` } })
      const body = JSON.parse(await readBody(req)) as ChatRequest
      requests.push(body)
      const fault = state.fault
      if (fault === 'silent') {
        hanging.add(res)
        return
      }
      if (fault === 'error') return send(res, 500, { error: { message: 'the model crashed' } })
      if (fault === 'malformed-body') {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('{"choices": [')
      }
      if (fault) return send(res, 200, completion(modelName, faultContent(fault), 10, 10))

      const schema = body.response_format?.json_schema?.schema
      if (!schema) return send(res, 400, { error: { message: 'response_format.json_schema.schema is required here' } })
      const message = (role: string): string => body.messages?.find((m) => m.role === role)?.content ?? ''
      // The request's lifetime bounds the generation: a client that gives up stops the model.
      const abort = new AbortController()
      res.on('close', () => abort.abort())
      try {
        const reply = await provider.generate({
          system: message('system'),
          user: message('user'),
          schema,
          temperature: body.temperature ?? 0,
          seed: body.seed ?? 0,
          maxTokens: body.max_tokens ?? 256,
          signal: abort.signal
        })
        send(res, 200, completion(modelName, reply.raw, reply.promptTokens, reply.completionTokens))
      } catch (error) {
        if (!res.writableEnded && !abort.signal.aborted) send(res, 500, { error: { message: (error as Error).message } })
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 400, { error: { message: (error as Error).message } })
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get fault() {
      return state.fault
    },
    set fault(value) {
      state.fault = value
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
