import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import type { ChatServer } from './testing/chat-server'
import { closedPort, serveTestModel } from './testing/fixtures'
import { writeTestModel } from './testing/test-model'

// `mechanica agent check` as a user runs it: the built CLI, its exit code and both streams.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-cli-'))
const modelFile = writeTestModel(dir, 1)
let served: Awaited<ReturnType<typeof serveTestModel>>
let server: ChatServer
let port = 0

beforeAll(async () => {
  served = await serveTestModel(modelFile, 512)
  server = served.server
  port = await closedPort()
}, 120_000)
afterAll(async () => {
  await served?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('mechanica agent check', () => {
  it('prints a model file’s identity, as JSON or one line', async () => {
    const json = await mechanica('agent', 'check', modelFile, '--json')
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ provider: 'embedded', model: 'test-model-seed-1.gguf', quantisation: 'F32', contextSize: 2048 })
    const line = await mechanica('agent', 'check', modelFile)
    expect(line.stdout).toMatch(/^embedded test-model-seed-1\.gguf: GGUF F32, 0\.4 MiB, context 2048, sha256 [0-9a-f]{64}\n$/)
  })

  it('prints an endpoint’s model', async () => {
    const out = await mechanica('agent', 'check', server.url, '--json')
    expect(out.code).toBe(0)
    expect(JSON.parse(out.stdout)).toEqual({ provider: 'endpoint', model: 'test-model-seed-1.gguf', endpoint: server.url, remoteAllowed: false, contextSize: 512 })
  })

  it('fails with one line and exit 2 for a missing file, a non-GGUF file, a silent or remote endpoint', async () => {
    const text = join(dir, 'readme.gguf')
    writeFileSync(text, 'not a model')
    const cases: Array<[string[], string]> = [
      [[join(dir, 'nope.gguf')], `agent model ${join(dir, 'nope.gguf')} does not exist`],
      [[text], `agent model ${text} is not a GGUF file (it does not start with "GGUF")`],
      [['http://192.0.2.7:8080/v1'], 'agent endpoint 192.0.2.7:8080 is not on this machine; allow remote endpoints explicitly to use it'],
      [[`http://127.0.0.1:${port}/v1`], `agent endpoint http://127.0.0.1:${port}/v1 did not answer GET /models: ECONNREFUSED`],
      [[], 'agent check needs a model file or an endpoint URL']
    ]
    for (const [args, message] of cases) {
      const out = await mechanica('agent', 'check', ...args, '--json')
      expect(out, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `mechanica: ${message}\n` })
    }
  })
})
