import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeTestModel } from '../testing/test-model'
import { agentTargetKind, checkAgentTarget } from './open'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-open-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('agent target', () => {
  it('is an endpoint when it has a scheme, a model file otherwise', () => {
    expect(agentTargetKind('http://127.0.0.1:8080/v1')).toBe('endpoint')
    expect(agentTargetKind('HTTPS://localhost/v1')).toBe('endpoint')
    expect(agentTargetKind('ftp://127.0.0.1/v1')).toBe('endpoint')
    expect(agentTargetKind('/models/qwen2.5-0.5b-q4_k_m.gguf')).toBe('embedded')
    expect(agentTargetKind('C:\\models\\m.gguf')).toBe('embedded')
    expect(agentTargetKind('models/m.gguf')).toBe('embedded')
  })

  it('checks a GGUF file without loading it: hash, size, quantisation, context', async () => {
    const file = writeTestModel(dir, 7, true)
    const bytes = readFileSync(file)
    expect(await checkAgentTarget(file)).toEqual({
      provider: 'embedded',
      model: 'test-model-seed-7-f16.gguf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
      quantisation: 'F16',
      contextSize: 2048
    })
    expect((await checkAgentTarget(file, { contextSize: 99_999 })).contextSize).toBe(2048)
  })

  it('fails with one line for a missing file, a file that is not GGUF, a silent or remote endpoint', async () => {
    const notGguf = join(dir, 'weights.bin')
    writeFileSync(notGguf, Buffer.from('PK\u0003\u0004 a zip, not a model'))
    const cases: Array<[string, string | RegExp]> = [
      [join(dir, 'missing.gguf'), `agent model ${join(dir, 'missing.gguf')} does not exist`],
      [notGguf, `agent model ${notGguf} is not a GGUF file (it does not start with "GGUF")`],
      [dir, `agent model ${dir} is not a file`],
      ['http://192.0.2.7:8080/v1', 'agent endpoint 192.0.2.7:8080 is not on this machine; allow remote endpoints explicitly to use it']
    ]
    for (const [target, message] of cases) {
      const error = await checkAgentTarget(target).then(() => null, (e: unknown) => e as Error)
      expect(error?.message, target).toBe(message)
    }
    // TEST-NET-1 (RFC 5737) is never routed: allowed, it still has to answer, and does not.
    const remote = await checkAgentTarget('http://192.0.2.7:8080/v1', { allowRemote: true, endpoint: { checkTimeoutMs: 300 } }).then(
      () => null,
      (e: unknown) => e as Error
    )
    expect(remote?.message).toMatch(/^agent endpoint http:\/\/192\.0\.2\.7:8080\/v1 did not answer/)
    expect(remote?.message).not.toContain('\n')
  })
})
