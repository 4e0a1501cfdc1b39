import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { launchNodeProcess } from '../services/node-launcher'
import { startWorkstation, type Workstation } from './workstation'

// What a cold start waits for: only the engine. The inference service starts on its first call,
// and the lab catalogue is asked of the engine once. Built worker files (out/main/workers).

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
let dirs: string[] = []
let open: Workstation[] = []

async function start(): Promise<Workstation> {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-startup-'))
  dirs.push(dir)
  const ws = await startWorkstation({ host: 'browser', databasePath: join(dir, 'mechanica.db'), launcher: launchNodeProcess, workersDir })
  open.push(ws)
  await ws.servicesReady
  return ws
}

afterEach(async () => {
  await Promise.all(open.map((ws) => ws.close()))
  open = []
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs = []
})

describe('workstation start-up', () => {
  it('starts the inference service on its first call, not with the workstation', async () => {
    const ws = await start()
    expect(ws.services.engine.status().state).toBe('ready')
    expect(ws.services.inference.status()).toMatchObject({ state: 'stopped', pid: null, lastExit: null })
    const outcome = await ws.router.call('inference.status', {}, { transport: 'direct' })
    expect(outcome.ok && (outcome.value as { provider: string }).provider).toMatch(/^(cuda|webgpu|cpu)$/)
    expect(ws.services.inference.status()).toMatchObject({ state: 'ready', restarts: 0 })
    expect(ws.services.inference.status().pid).toBeGreaterThan(0)
  }, 60_000)

  it('asks the engine for the lab catalogue once, however often the shell lists the labs', async () => {
    const ws = await start()
    const engine = ws.services.engine
    const asked: string[] = []
    const call = engine.call.bind(engine)
    engine.call = ((method: string, ...rest: unknown[]) => {
      asked.push(method)
      return (call as (...args: unknown[]) => unknown)(method, ...rest)
    }) as typeof engine.call
    const [first, second] = await Promise.all([1, 2].map(() => ws.router.call('labs.list', {}, { transport: 'direct' })))
    const third = await ws.router.call('labs.list', {}, { transport: 'direct' })
    expect(first!.ok && second!.ok && third.ok).toBe(true)
    expect(third).toEqual(first)
    expect((third.ok && (third.value as { labs: Array<{ id: string }> }).labs.map((l) => l.id)) || []).toContain('fx-carry')
    expect(asked.filter((m) => m === 'engine.labs')).toEqual(['engine.labs'])
  }, 60_000)
})
