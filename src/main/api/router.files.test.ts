// Where files go when a client asks for one: `store.backup` and the exports, through the router of
// a REAL workstation (store and supervised services from the BUILT worker files). A client names a
// file, never a folder or a path; whatever it sends, nothing lands outside the database's folder
// or the export folder, no file is replaced without `overwrite`, and no row is written.
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { methods, type ErrorCode, type RunSummary } from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { tableDigests } from '../store/test-support'
import type { CallOutcome } from './router'

const workersDir = join(dirname(fileURLToPath(import.meta.url)), '../../../out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }
/** Fixed so that a failure reproduces. */
const SEED = 20_250_647

let tempDir = ''
let ws: Workstation
let digestBefore: ReturnType<typeof tableDigests>
let changesBefore = 0
const totalChanges = (): number => ws.db.prepare('SELECT total_changes()').pluck().get() as number

async function startRun(spec: unknown): Promise<RunSummary> {
  const outcome = await ws.router.call('runs.start', { spec }, { transport: 'direct' })
  if (!outcome.ok) throw new Error(`seeding run failed: ${outcome.error.message}`)
  const { run } = outcome.value as { run: RunSummary }
  if (run.status !== 'running') return run
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run #${run.id} did not end`)), 60_000)
    const off = ws.events.subscribe((event, payload) => {
      const ended = (payload as { run?: RunSummary }).run
      if (event === 'run.updated' && ended?.id === run.id && ended.status !== 'running') {
        clearTimeout(timer)
        off()
        resolve(ended)
      }
    })
  })
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'mechanica-files-'))
  ws = await startWorkstation({ host: 'browser', databasePath: join(tempDir, 'mechanica.db'), launcher: launchNodeProcess, workersDir, backoff })
  await ws.servicesReady
  // Something to copy and export: run #1 a walk, run #2 a lab run with a metrics table.
  expect((await startRun({ task: 'random-walk', steps: 2000, seed: 1 })).status).toBe('completed')
  expect((await startRun({ task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: {} })).status).toBe('completed')
  digestBefore = tableDigests(ws.db)
  changesBefore = totalChanges()
}, 120_000)

afterAll(async () => {
  await ws?.close()
  rmSync(tempDir, { recursive: true, force: true })
})

function checkNothingChanged(label: string): void {
  if (totalChanges() !== changesBefore) {
    const now = tableDigests(ws.db)
    const changed = Object.keys(now).filter((t) => JSON.stringify(now[t]) !== JSON.stringify(digestBefore[t]))
    expect.fail(`${label}: rows were written (${totalChanges() - changesBefore} changes; tables ${changed.join(', ') || 'none by content'})`)
  }
}

describe('store.backup through the router', () => {
  const backup = (params: unknown): Promise<CallOutcome> => ws.router.call('store.backup', params, { transport: 'direct' })

  it('writes a verified copy next to the database as mechanica.backup-<n>.db without writing a row', async () => {
    const first = await backup({})
    expect(first).toEqual({ ok: true, value: { path: join(tempDir, 'mechanica.backup-1.db'), bytes: expect.any(Number), runs: 2 } })
    const second = await backup({})
    expect(second.ok && (second.value as { path: string }).path).toBe(join(tempDir, 'mechanica.backup-2.db'))
    const named = await backup({ name: 'named copy.db' })
    expect(named.ok && (named.value as { path: string }).path).toBe(join(tempDir, 'named copy.db'))
    checkNothingChanged('store.backup')
  })

  it('refuses a bad name specifically and leaves nothing behind: only a plain name beside the database', async () => {
    writeFileSync(join(tempDir, 'taken.db'), 'taken')
    mkdirSync(join(tempDir, 'a-folder.db'), { recursive: true })
    const outside = mkdtempSync(join(tmpdir(), 'mechanica-backup-outside-'))
    symlinkSync(join(outside, 'target.db'), join(tempDir, 'link-out.db'))
    const before = readdirSync(tempDir).sort()
    const cases: Array<[unknown, ErrorCode, string]> = [
      [{ name: '' }, 'invalid_params', 'store.backup: name: must name a file (got "")'],
      [{ name: 'x\u0000.db' }, 'invalid_params', 'store.backup: name: must not contain control characters, text-direction marks or unpaired surrogates (got "x\\u0000.db")'],
      [{ name: 42 }, 'invalid_params', 'store.backup: name: must be a file name (a string) (got 42)'],
      [{ name: 'copy.db', overwrite: true }, 'invalid_params', 'store.backup: params: unknown key "overwrite"'],
      [{ path: 'copy.db' }, 'invalid_params', 'store.backup: params: unknown key "path"'],
      [{ name: 'copy.sqlite' }, 'invalid_params', 'store.backup: name: must end in ".db" (got "copy.sqlite")'],
      [{ name: 'taken.db' }, 'conflict', `Backup refused: ${join(tempDir, 'taken.db')} already exists; choose another name.`],
      [{ name: 'link-out.db' }, 'conflict', `Backup refused: ${join(tempDir, 'link-out.db')} already exists; choose another name.`],
      [{ name: '../escape.db' }, 'invalid_params', 'store.backup: name: must be a file name, not a path: no "/" or "\\" (the workstation chooses the folder) (got "../escape.db")'],
      [{ name: '..' }, 'invalid_params', 'store.backup: name: must not start with "." (no ".", "..", or hidden files) (got "..")'],
      [{ name: '/etc/abs.db' }, 'invalid_params', 'store.backup: name: must be a file name, not a path: no "/" or "\\" (the workstation chooses the folder) (got "/etc/abs.db")'],
      [{ name: 'a-folder.db' }, 'invalid_params', `store.backup: name: ${join(tempDir, 'a-folder.db')} is a folder; give a file name`],
      [{ name: 'mechanica.db' }, 'invalid_params', `store.backup: name: a backup cannot replace the database it copies (${join(tempDir, 'mechanica.db')})`]
    ]
    for (const [params, code, message] of cases) {
      const outcome = await backup(params)
      expect(outcome.ok ? null : outcome.error.code, JSON.stringify(params)).toBe(code)
      expect(outcome.ok ? null : outcome.error.message, JSON.stringify(params)).toBe(message)
    }
    expect(readdirSync(tempDir).sort()).toEqual(before)
    expect(readFileSync(join(tempDir, 'taken.db'), 'utf8')).toBe('taken')
    expect(readdirSync(outside)).toEqual([])
    expect(existsSync(join(tempDir, '..', 'escape.db'))).toBe(false)
    checkNothingChanged('store.backup refusals')
  })
})

describe('exports through the router: a client names a file, never where it goes', () => {
  /** Every file under the workstation's folder except the database's own, with its content hash. */
  function filesOutsideExports(): Record<string, string> {
    const out: Record<string, string> = {}
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (path === join(tempDir, 'exports') || entry.name.startsWith('mechanica.db')) continue
        if (entry.isDirectory()) walk(path)
        else out[path] = entry.isSymbolicLink() ? 'link' : createHash('sha256').update(readFileSync(path)).digest('hex')
      }
    }
    walk(tempDir)
    return out
  }

  it('writes run tables only into the export folder, whatever name and overwrite a client sends', async () => {
    const exportsDir = join(tempDir, 'exports')
    mkdirSync(exportsDir, { recursive: true })
    writeFileSync(join(tempDir, 'victim.csv'), 'keep me\n')
    symlinkSync(join(tempDir, 'victim.csv'), join(exportsDir, 'link.csv'))
    const piece = fc.constantFrom('..', '.', '/', '\\', 'exports', 'victim.csv', 'link.csv', 'metrics.csv', 'x.csv', '.csv', '%2e%2e', '\u0000', '\u202e', ' ', tempDir)
    const name = fc.oneof(fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join('')), fc.string({ maxLength: 16 }).map((s) => `${s}.csv`))
    const outside = filesOutsideExports()
    const counts = { written: 0, refused: 0 }
    await fc.assert(
      fc.asyncProperty(name, fc.boolean(), async (fileName, overwrite) => {
        const params = { runId: 2, table: 'metrics', format: 'csv', name: fileName, overwrite }
        const outcome = await ws.router.call('runs.exportTable', params, { transport: 'direct' })
        const label = JSON.stringify(params)
        if (outcome.ok) {
          const { path } = outcome.value as { path: string }
          expect(dirname(path), label).toBe(exportsDir)
          expect(methods['runs.exportTable'].request.safeParse(params).success, label).toBe(true)
          counts.written++
        } else {
          expect(outcome.error.code, `${label}: ${outcome.error.message}`).toBe('invalid_params')
          expect(outcome.error.message, label).toMatch(/^runs\.exportTable: (name|overwrite|params): \S/)
          counts.refused++
        }
        expect(filesOutsideExports(), label).toEqual(outside)
        expect(readdirSync(exportsDir).filter((f) => f.startsWith('.')), label).toEqual([]) // no temporary file left
        checkNothingChanged(label)
      }),
      { seed: SEED, numRuns: 400, endOnFailure: true }
    )
    expect(counts.written).toBeGreaterThan(20)
    expect(counts.refused).toBeGreaterThan(100)
    expect(readFileSync(join(tempDir, 'victim.csv'), 'utf8')).toBe('keep me\n')
  })
})
