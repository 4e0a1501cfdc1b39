import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentProvider, AgentRequest } from '../provider'
import type { ChatServer } from '../testing/chat-server'
import { agentQuestion, closedPort, serveTestModel } from '../testing/fixtures'
import { writeTestModel } from '../testing/test-model'
import { isLoopbackHost, openEndpointProvider, parseEndpointUrl } from './endpoint'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-endpoint-'))
const actions = ['hold', 'widen', 'narrow']

function request(over: Partial<AgentRequest> = {}): AgentRequest {
  return agentQuestion(actions, { system: 'You quote a market. Answer in JSON.', user: 'Inventory 2, spread 1.25. Choose an action.', maxRationaleChars: 40, seed: 9, maxTokens: 160, ...over })
}

describe('loopback rule', () => {
  it('knows which hosts never leave the machine', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '[::1]', '::1']) expect(isLoopbackHost(host), host).toBe(true)
    for (const host of ['10.0.0.2', '192.168.1.4', 'example.org', '127.example.org', '[::2]', '0.0.0.0']) expect(isLoopbackHost(host), host).toBe(false)
  })

  it('refuses another host unless it is allowed, and anything not http(s)', () => {
    expect(() => parseEndpointUrl('http://192.0.2.7:8080/v1')).toThrow(
      'agent endpoint 192.0.2.7:8080 is not on this machine; allow remote endpoints explicitly to use it'
    )
    expect(parseEndpointUrl('http://192.0.2.7:8080/v1/', true).href).toBe('http://192.0.2.7:8080/v1')
    expect(() => parseEndpointUrl('ftp://127.0.0.1/v1')).toThrow('must be http:// or https:// (got ftp:)')
    expect(() => parseEndpointUrl('not a url')).toThrow('agent endpoint not a url is not a URL')
  })
})

describe('endpoint provider against a loopback chat-completions server', () => {
  let served: Awaited<ReturnType<typeof serveTestModel>>
  let server: ChatServer
  let provider: AgentProvider

  beforeAll(async () => {
    served = await serveTestModel(writeTestModel(dir, 4), 1024)
    server = served.server
    provider = await openEndpointProvider(server.url)
  }, 120_000)
  afterAll(async () => {
    await served?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('names the endpoint and the model it serves', () => {
    expect(provider.identity).toEqual({
      provider: 'endpoint',
      model: 'test-model-seed-4.gguf',
      endpoint: server.url,
      remoteAllowed: false,
      contextSize: 1024
    })
  })

  it('sends the schema, temperature, seed and max_tokens, and returns a valid reply with token counts', async () => {
    const reply = await provider.complete(request())
    const sent = server.requests.at(-1) as Record<string, unknown>
    expect(sent).toMatchObject({ temperature: 0, seed: 9, max_tokens: 160, response_format: { type: 'json_schema' } })
    const parsed = JSON.parse(reply.raw) as { action: string; rationale: string }
    expect(actions).toContain(parsed.action)
    expect(parsed.rationale.length).toBeLessThanOrEqual(40)
    expect(reply.promptTokens).toBeGreaterThan(10)
    expect(reply.completionTokens).toBeGreaterThan(5)
    expect((await provider.complete(request())).raw).toBe(reply.raw)
  })

  it('rejects a body that is not JSON, an HTTP error and a server that never answers', async () => {
    server.fault = 'malformed-body'
    await expect(provider.complete(request())).rejects.toThrow(/failed: the answer is not JSON/)
    server.fault = 'error'
    await expect(provider.complete(request())).rejects.toThrow(/failed: HTTP 500/)
    server.fault = 'silent'
    await expect(provider.complete(request({ timeoutMs: 300 }))).rejects.toThrow(`agent endpoint ${server.url} did not answer within 300 ms`)
    server.fault = null
  })

  it('returns what the model wrote when it is not a valid reply, for the selector to reject', async () => {
    server.fault = 'malformed-content'
    expect((await provider.complete(request())).raw).toBe('{"action": "hold", "rationale": "cut off')
    server.fault = 'foreign-action'
    expect(JSON.parse((await provider.complete(request())).raw)).toMatchObject({ action: 'double_down' })
    server.fault = 'long-rationale'
    expect((JSON.parse((await provider.complete(request())).raw) as { rationale: string }).rationale).toHaveLength(5_000)
    server.fault = null
  })

  it('fails to open on a server that does not answer, or that lacks the model asked for', async () => {
    const port = await closedPort()
    await expect(openEndpointProvider(`http://127.0.0.1:${port}/v1`, { checkTimeoutMs: 1_000 })).rejects.toThrow(
      `agent endpoint http://127.0.0.1:${port}/v1 did not answer GET /models: ECONNREFUSED`
    )
    await expect(openEndpointProvider(server.url, { model: 'llama-70b' })).rejects.toThrow(
      `does not serve model llama-70b (it lists test-model-seed-4.gguf)`
    )
  })
})
