import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { LabInfo } from '../../shared/contract'
import { labCatalogue } from '../labs/catalogue'
import { catalogueFileText } from '../labs/catalogue-file'
import { launchNodeProcess } from '../services/node-launcher'
import { CODE_VERSION } from '../version'
import { startWorkstation, type Workstation } from './workstation'

// What a cold start waits for: only the engine. The inference service starts on its first call;
// the lab catalogue is read from the build's file, or asked of the engine once when there is
// none. Built worker files (out/main/workers); each test names its own catalogue file.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
let dirs: string[] = []
let open: Workstation[] = []

/** A started workstation; `catalogue` is written as its catalogue file (none: the file is absent). */
async function start(catalogue?: string, waitForEngine = true): Promise<Workstation> {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-startup-'))
  dirs.push(dir)
  const catalogueFile = join(dir, 'lab-catalogue.json')
  if (catalogue !== undefined) writeFileSync(catalogueFile, catalogue)
  const ws = await startWorkstation({ host: 'browser', databasePath: join(dir, 'mechanica.db'), launcher: launchNodeProcess, workersDir, catalogueFile })
  open.push(ws)
  if (waitForEngine) await ws.servicesReady
  return ws
}

/** Counts the engine's calls by method from now on. */
function recordEngineCalls(ws: Workstation): string[] {
  const engine = ws.services.engine
  const asked: string[] = []
  const call = engine.call.bind(engine)
  engine.call = ((method: string, ...rest: unknown[]) => {
    asked.push(method)
    return (call as (...args: unknown[]) => unknown)(method, ...rest)
  }) as typeof engine.call
  return asked
}

const listLabs = async (ws: Workstation): Promise<string[]> => {
  const outcome = await ws.router.call('labs.list', {}, { transport: 'direct' })
  if (!outcome.ok) throw new Error(outcome.error.message)
  return (outcome.value as { labs: LabInfo[] }).labs.map((l) => l.id)
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

  it('asks the engine for the lab catalogue once, however often the shell lists the labs, when the build has no file', async () => {
    const ws = await start()
    const asked = recordEngineCalls(ws)
    expect(ws.labsAtHand()).toBeNull()
    const [first, second] = await Promise.all([1, 2].map(() => ws.router.call('labs.list', {}, { transport: 'direct' })))
    const third = await ws.router.call('labs.list', {}, { transport: 'direct' })
    expect(first!.ok && second!.ok && third.ok).toBe(true)
    expect(third).toEqual(first)
    expect((third.ok && (third.value as { labs: Array<{ id: string }> }).labs.map((l) => l.id)) || []).toContain('fx-carry')
    expect(asked.filter((m) => m === 'engine.labs')).toEqual(['engine.labs'])
    // Once answered, the catalogue is at hand for the next page's first screen.
    expect(ws.labsAtHand()?.map((l) => l.id)).toContain('fx-carry')
  }, 60_000)

  it('lists the labs from the build\'s catalogue file without waiting for the engine, and never asks it', async () => {
    // The real catalogue with one lab renamed, so that the answer can only come from the file.
    const [first, ...rest] = labCatalogue()
    const labs = [{ ...first!, id: 'from-the-file' }, ...rest]
    const ws = await start(catalogueFileText(CODE_VERSION, labs), false)
    const asked = recordEngineCalls(ws)
    expect(ws.labsAtHand()).toEqual(labs)
    expect((await listLabs(ws))[0]).toBe('from-the-file')
    await ws.servicesReady
    expect(await listLabs(ws)).toEqual(labs.map((l) => l.id))
    expect(asked).not.toContain('engine.labs')
  }, 60_000)

  it('asks the engine when the catalogue file was written by another code version', async () => {
    const ws = await start(catalogueFileText(`${CODE_VERSION}-other`, [{ id: 'stale' }] as unknown as LabInfo[]))
    const asked = recordEngineCalls(ws)
    expect(ws.labsAtHand()).toBeNull()
    expect(await listLabs(ws)).toContain('fx-carry')
    expect(asked).toEqual(['engine.labs'])
  }, 60_000)
})
