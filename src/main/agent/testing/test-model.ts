import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildTestModel } from '../../../../tools/agent/make-test-model.mjs'

/**
 * Writes the tiny seeded GGUF model (tools/agent/make-test-model.mjs) into `dir` and returns its
 * path: what the agent's tests and the bench run node-llama-cpp on, with nothing downloaded.
 */
export function writeTestModel(dir: string, seed = 1, f16 = false): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `test-model-seed-${seed}${f16 ? '-f16' : ''}.gguf`)
  writeFileSync(file, buildTestModel({ seed, f16 }))
  return file
}
