import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { buildTestModel } from './make-test-model.mjs'

const run = promisify(execFile)
const script = join(__dirname, 'make-test-model.mjs')
const dir = mkdtempSync(join(tmpdir(), 'mechanica-make-model-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('node tools/agent/make-test-model.mjs', () => {
  it('writes the model for its seed, the same bytes as the module builds', async () => {
    const out = join(dir, 'sub', 'm.gguf')
    const { stdout } = await run(process.execPath, [script, '--out', out, '--seed', '12'])
    expect(stdout).toBe(`${out}: ${readFileSync(out).length} bytes, seed 12, F32\n`)
    expect(readFileSync(out).equals(buildTestModel({ seed: 12 }))).toBe(true)
    const half = join(dir, 'h.gguf')
    await run(process.execPath, [script, '--out', half, '--seed', '12', '--f16'])
    // F16 matrices: about half the bytes of the F32 file
    expect(readFileSync(half).length / readFileSync(out).length).toBeGreaterThan(0.45)
    expect(readFileSync(half).length / readFileSync(out).length).toBeLessThan(0.6)
  })

  it('refuses a missing --out or a bad seed with one line and exit 2', async () => {
    for (const [args, message] of [
      [[], '--out FILE is required'],
      [['--out', join(dir, 'x.gguf'), '--seed', '-1'], '--seed must be a non-negative integer (got -1)'],
      [['--out', join(dir, 'x.gguf'), '--size', '3'], 'unknown argument --size (expected --out FILE [--seed N] [--f16])']
    ] as const) {
      const outcome = await run(process.execPath, [script, ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e
      )
      expect(outcome.code).toBe(2)
      expect(outcome.stderr).toBe(`make-test-model: ${message}\n`)
    }
  })
})
