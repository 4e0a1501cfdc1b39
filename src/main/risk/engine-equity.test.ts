import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError, type LabRunSpec } from '../../shared/contract'
import { engineMethods } from '../../shared/contract/protocol'
import { launchNodeProcess } from '../services/node-launcher'
import { SupervisedService, type BackoffPolicy } from '../services/service-host'
import { engineRunner, inProcessRunner } from './engine-equity'

// The desk's lab runs in the engine process (the BUILT worker, out/main/workers/engine.js) give
// the returns this process computes, to the bit: the equity read off the streamed log slices.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }
const engine = new SupervisedService('engine', engineMethods, join(root, 'out/main/workers/engine.js'), launchNodeProcess, backoff)

beforeAll(() => engine.start(), 60_000)
afterAll(() => engine.stop())

describe('lab runs for the risk desk in the engine process', () => {
  it('gives the same per-step returns as a run in this process, across several log slices', async () => {
    // 5,000 steps: more than one STEP_CHUNK slice of the decision log.
    const spec: LabRunSpec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 3, overrides: { T: 5000 } }
    const runner = engineRunner(engine)
    expect(await runner.plan(spec)).toBe(await inProcessRunner.plan(spec))
    const there = await runner.returns(spec, 'engine')
    const here = await inProcessRunner.returns(spec, 'here')
    expect(there.length).toBe(here.length)
    expect(Buffer.from(there.buffer, there.byteOffset, there.byteLength).equals(Buffer.from(here.buffer, here.byteOffset, here.byteLength))).toBe(true)
  }, 120_000)

  it('refuses a bad override before running, naming the key', async () => {
    const error = await engineRunner(engine)
      .plan({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { 'nope.key': 1 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toMatch(/nope/)
  }, 60_000)
})
