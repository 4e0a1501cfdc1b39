import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestModel } from '../../../../tools/agent/make-test-model.mjs'
import type { AgentRequest } from '../provider'
import { agentQuestion } from '../testing/fixtures'
import { writeTestModel } from '../testing/test-model'
import { openEmbeddedProvider, type EmbeddedProvider } from './embedded'
import { checkGgufFile } from './gguf-file'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-'))
const actions = ['hold', 'buy', 'sell'] as const

function request(over: Partial<AgentRequest> = {}): AgentRequest {
  return agentQuestion(actions, { seed: 11, maxRationaleChars: 60, ...over })
}

describe('the tiny test model', () => {
  it('is byte-identical for one seed and differs between seeds', () => {
    const a = buildTestModel({ seed: 5 })
    expect(buildTestModel({ seed: 5 }).equals(a)).toBe(true)
    expect(buildTestModel({ seed: 6 }).equals(a)).toBe(false)
    expect(a.toString('latin1', 0, 4)).toBe('GGUF')
    expect(a.readUInt32LE(4)).toBe(3)
    expect(a.length).toBeGreaterThan(100_000)
    expect(a.length).toBeLessThan(4_000_000)
  })

  it('has a GGUF header the check accepts, and the check refuses what is not GGUF', async () => {
    const model = writeTestModel(dir, 2)
    await expect(checkGgufFile(model)).resolves.toEqual({ sizeBytes: readFileSync(model).length, version: 3 })
    const text = join(dir, 'notes.gguf')
    writeFileSync(text, 'just some notes, not a model')
    await expect(checkGgufFile(text)).rejects.toThrow(`agent model ${text} is not a GGUF file (it does not start with "GGUF")`)
    const v9 = join(dir, 'v9.gguf')
    const bytes = Buffer.from(readFileSync(model))
    bytes.writeUInt32LE(9, 4)
    writeFileSync(v9, bytes)
    await expect(checkGgufFile(v9)).rejects.toThrow('is GGUF version 9; llama.cpp reads versions 2 and 3')
    await expect(checkGgufFile(join(dir, 'absent.gguf'))).rejects.toThrow(/absent\.gguf does not exist$/)
  })
})

describe('embedded provider over node-llama-cpp', () => {
  let provider: EmbeddedProvider
  const progress: number[] = []

  beforeAll(async () => {
    provider = await openEmbeddedProvider(writeTestModel(dir, 1), { gpu: false, threads: 1, contextSize: 1024, onLoadProgress: (p) => progress.push(p) })
  }, 120_000)
  afterAll(async () => {
    await provider?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('names the model by file, hash, size, quantisation and context', () => {
    const bytes = readFileSync(join(dir, 'test-model-seed-1.gguf'))
    expect(provider.identity).toMatchObject({
      provider: 'embedded',
      model: 'test-model-seed-1.gguf',
      sizeBytes: bytes.length,
      quantisation: 'F32',
      contextSize: 1024,
      backend: 'cpu'
    })
    expect(provider.identity.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(progress.at(-1)).toBe(1)
  })

  it('answers with JSON holding an allowed action and a rationale within its bound', async () => {
    const reply = await provider.complete(request())
    const parsed = JSON.parse(reply.raw) as { action: string; rationale: string }
    expect(Object.keys(parsed).sort()).toEqual(['action', 'rationale'])
    expect(actions).toContain(parsed.action)
    expect(parsed.rationale.length).toBeLessThanOrEqual(60)
    expect(reply.promptTokens).toBeGreaterThan(20)
    expect(reply.completionTokens).toBeGreaterThan(5)
    expect(reply.latencyMs).toBeGreaterThan(0)
  })

  it('repeats itself at temperature 0 with a fixed seed, and at temperature 0.9 with the same seed', async () => {
    const first = await provider.complete(request())
    expect((await provider.complete(request())).raw).toBe(first.raw)
    const warm = request({ temperature: 0.9, seed: 3 })
    const a = await provider.complete(warm)
    expect((await provider.complete(warm)).raw).toBe(a.raw)
    // a different seed samples a different reply (checked on several seeds so one collision cannot pass it)
    const others = await Promise.all([4, 5, 6].map((seed) => provider.complete({ ...warm, seed })))
    expect(others.some((o) => o.raw !== a.raw)).toBe(true)
  })

  it('honours a one-action set and a zero-length rationale bound', async () => {
    const reply = await provider.complete(request({ actions: ['flat'], maxRationaleChars: 0 }))
    expect(JSON.parse(reply.raw)).toEqual({ action: 'flat', rationale: '' })
  })

  it('stops at maxTokens: the reply is cut, not waited for', async () => {
    const reply = await provider.complete(request({ maxTokens: 5, maxRationaleChars: 500 }))
    expect(reply.completionTokens).toBeLessThanOrEqual(5)
    expect(() => JSON.parse(reply.raw)).toThrow()
  })

  it('runs the F16 variant of the model too', async () => {
    const f16 = await openEmbeddedProvider(writeTestModel(dir, 1, true), { gpu: false, threads: 1, contextSize: 512 })
    try {
      expect(f16.identity.quantisation).toBe('F16')
      expect(actions).toContain((JSON.parse((await f16.complete(request())).raw) as { action: string }).action)
    } finally {
      await f16.close()
    }
  })

  it('rejects with the timeout when the model takes longer, and answers the next request', async () => {
    await expect(provider.complete(request({ timeoutMs: 1, maxRationaleChars: 500, maxTokens: 600 }))).rejects.toThrow(
      'the embedded model did not answer within 1 ms'
    )
    const controller = new AbortController()
    controller.abort()
    await expect(provider.complete(request(), controller.signal)).rejects.toThrow('the agent request was cancelled')
    expect(JSON.parse((await provider.complete(request())).raw)).toHaveProperty('action')
  })
})
