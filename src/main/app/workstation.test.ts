import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { RandomWalkSpec, type EventName, type LabResults, type RegimeReport, type RunDetail, type RunResults, type RunSummary, type ServiceStatus, type WalkResults } from '../../shared/contract'
import type { CallOutcome } from '../api/router'
import { configHash } from '../engine/hashing'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { openDatabase } from '../store/database'
import { CODE_VERSION } from '../version'
import { startWorkstation, type Workstation } from './workstation'

// Integration tests: the whole workstation (store, supervised services from the BUILT worker
// files, run manager, router), driven through the router as a renderer would.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 5000 }

const walk = (steps: number, seed: number): RandomWalkSpec => ({ task: 'random-walk', steps, seed, start: 100, drift: 0, volatility: 0.01 })

interface Recorded {
  event: EventName
  payload: unknown
  atMs: number
}

let tempDirs: string[] = []
let open: Workstation[] = []

function newDatabasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-'))
  tempDirs.push(dir)
  return join(dir, 'mechanica.db')
}

/** A started workstation whose events are all recorded from the first moment. */
async function start(databasePath: string): Promise<{ ws: Workstation; events: Recorded[] }> {
  const ws = await startWorkstation({ host: 'browser', databasePath, launcher: launchNodeProcess, workersDir, backoff })
  open.push(ws)
  const events: Recorded[] = []
  ws.events.subscribe((event, payload) => events.push({ event, payload, atMs: performance.now() }))
  await ws.servicesReady
  return { ws, events }
}

async function close(ws: Workstation): Promise<void> {
  open = open.filter((w) => w !== ws)
  await ws.close()
}

async function call(ws: Workstation, method: string, params: unknown): Promise<CallOutcome> {
  return ws.router.call(method, params, { transport: 'direct' })
}

async function value<T>(ws: Workstation, method: string, params: unknown): Promise<T> {
  const outcome = await call(ws, method, params)
  if (!outcome.ok) throw new Error(`${method} failed: ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}

function waitFor<T>(ws: Workstation, pick: (event: EventName, payload: unknown) => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`timed out waiting for ${what}`))
    }, timeoutMs)
    const unsubscribe = ws.events.subscribe((event, payload) => {
      const picked = pick(event, payload)
      if (picked !== undefined) {
        clearTimeout(timer)
        unsubscribe()
        resolve(picked)
      }
    })
  })
}

const runEnded = (ws: Workstation, runId: number): Promise<RunSummary> =>
  waitFor(
    ws,
    (event, payload) => {
      if (event !== 'run.updated') return undefined
      const { run } = payload as { run: RunSummary }
      return run.id === runId && run.status !== 'running' ? run : undefined
    },
    `run #${runId} to end`
  )

const firstProgress = (ws: Workstation, runId: number): Promise<number> =>
  waitFor(ws, (event, payload) => (event === 'run.progress' && (payload as { runId: number }).runId === runId ? (payload as { done: number }).done : undefined), `progress of run #${runId}`)

const engineReady = (ws: Workstation): Promise<ServiceStatus> =>
  ws.services.engine.status().state === 'ready'
    ? Promise.resolve(ws.services.engine.status())
    : waitFor(
        ws,
        (event, payload) => (event === 'service.status' && (payload as ServiceStatus).name === 'engine' && (payload as ServiceStatus).state === 'ready' ? (payload as ServiceStatus) : undefined),
        'the engine to be ready'
      )

/** Starts a run and waits for its end, subscribing before the start so no event is missed. */
async function runToEnd(ws: Workstation, spec: RandomWalkSpec): Promise<RunSummary> {
  let resolveId!: (id: number) => void
  const id = new Promise<number>((resolve) => (resolveId = resolve))
  const ended = waitFor(
    ws,
    (event, payload) => {
      if (event !== 'run.updated') return undefined
      const { run } = payload as { run: RunSummary }
      return run.status !== 'running' ? run : undefined
    },
    'a run to end'
  )
  const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec })
  resolveId(run.id)
  const end = await ended
  expect(end.id).toBe(await id)
  return end
}

/** A run's results, which must be a random walk's. */
function walkResults(results: RunResults | null | undefined): WalkResults {
  expect(results?.kind).toBe('random-walk')
  return results as WalkResults
}

const countRuns = (ws: Workstation): number => ws.db.prepare('SELECT count(*) FROM runs').pluck().get() as number

afterEach(async () => {
  const toClose = open
  open = []
  await Promise.all(toClose.map((ws) => ws.close()))
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs = []
})

describe('workstation vertical slice through the router', () => {
  it('runs.start runs a walk in the engine service, streams throttled progress and stores a reproducible result', async () => {
    const { ws, events } = await start(newDatabasePath())
    const input = { task: 'random-walk', steps: 300_000, seed: 42 } as const
    const spec = RandomWalkSpec.parse(input) // the contract's defaults filled in
    const startedAtMs = performance.now()
    const outcome = await call(ws, 'runs.start', { spec: input })

    expect(outcome.ok).toBe(true)
    const { run } = (outcome as { ok: true; value: { run: RunSummary } }).value
    expect(run).toMatchObject({
      task: 'random-walk',
      spec, // defaults applied
      seed: 42,
      configHash: configHash(spec),
      codeVersion: CODE_VERSION,
      status: 'running',
      progressDone: 0,
      progressTotal: 300_000,
      resultsHash: null,
      error: null,
      finishedAt: null
    })
    expect(run.configHash).toMatch(/^[0-9a-f]{64}$/)

    const ended = await runEnded(ws, run.id)
    const elapsedMs = performance.now() - startedAtMs
    const expected = await runRandomWalk(spec)
    expect(ended).toMatchObject({ id: run.id, status: 'completed', progressDone: 300_000, resultsHash: expected.resultsHash, error: null })
    expect(ended.finishedAt).not.toBeNull()

    const mine = events.filter((e) => (e.payload as { runId?: number; run?: RunSummary }).runId === run.id || (e.payload as { run?: RunSummary }).run?.id === run.id)
    const progress = mine.filter((e) => e.event === 'run.progress').map((e) => e.payload as { done: number; total: number })
    expect(progress.length).toBeGreaterThanOrEqual(1)
    // At most 30 frames a second (one every 33 ms), plus the final frame which always passes.
    expect(progress.length).toBeLessThanOrEqual(Math.floor((elapsedMs * 30) / 1000) + 2)
    expect(progress.at(-1)).toMatchObject({ done: 300_000, total: 300_000 })
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.done).toBeGreaterThan(progress[i - 1]?.done ?? Infinity)
    // The stream starts with the running row and ends with the completed one.
    expect(mine[0]).toMatchObject({ event: 'run.updated', payload: { run: { status: 'running' } } })
    expect(mine.at(-1)).toMatchObject({ event: 'run.updated', payload: { run: { status: 'completed' } } })

    const detail = await value<RunDetail>(ws, 'runs.get', { runId: run.id })
    expect(detail.run).toEqual(ended)
    const results = walkResults(detail.results)
    expect(results.path).toBeInstanceOf(Float64Array)
    expect(results.pathStride).toBe(74) // ceil(300000 / 4095)
    expect(results.path.length).toBe(4055) // floor(300000 / 74) + 1
    expect(results.path[0]).toBe(spec.start)
    expect(Array.from(results.path)).toEqual(Array.from(expected.results.path))
    expect(results.summary).toEqual(expected.results.summary)

    const again = await runToEnd(ws, spec)
    expect(again.id).not.toBe(run.id)
    expect(again.configHash).toBe(run.configHash)
    expect(again.resultsHash).toBe(ended.resultsHash)
  })

  it('runs.cancel stops a long run: it ends cancelled, short of its total, with no results', async () => {
    const { ws, events } = await start(newDatabasePath())
    const startedAtMs = performance.now()
    const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec: walk(10_000_000, 3) })
    const ended = runEnded(ws, run.id)
    await firstProgress(ws, run.id)

    expect(await value(ws, 'runs.cancel', { runId: run.id })).toEqual({ cancelled: true })
    const end = await ended
    const elapsedMs = performance.now() - startedAtMs

    expect(end).toMatchObject({ id: run.id, status: 'cancelled', resultsHash: null, error: null, progressTotal: 10_000_000 })
    expect(end.progressDone).toBeGreaterThan(0)
    expect(end.progressDone).toBeLessThan(end.progressTotal)
    expect(end.finishedAt).not.toBeNull()
    const frames = events.filter((e) => e.event === 'run.progress').length
    expect(frames).toBeLessThanOrEqual(Math.floor((elapsedMs * 30) / 1000) + 2)

    const detail = await value<RunDetail>(ws, 'runs.get', { runId: run.id })
    expect(detail).toEqual({ run: end, results: null })
    // Cancelling a run that has ended is not an error; it just did nothing.
    expect(await value(ws, 'runs.cancel', { runId: run.id })).toEqual({ cancelled: false })
    expect(ws.services.engine.status()).toMatchObject({ state: 'ready', restarts: 0 })
  })
})

describe('workstation persistence', () => {
  it('a reopened workstation lists the earlier runs with their hashes and results', async () => {
    const databasePath = newDatabasePath()
    const first = await start(databasePath)
    const a = await runToEnd(first.ws, walk(100_000, 1))
    const b = await runToEnd(first.ws, walk(100_000, 2))
    const aDetail = await value<RunDetail>(first.ws, 'runs.get', { runId: a.id })
    await close(first.ws)

    const second = await start(databasePath)
    const listed = await value<{ runs: RunSummary[]; total: number }>(second.ws, 'runs.list', {})
    expect(listed).toEqual({ runs: [b, a], total: 2 })
    expect(a.resultsHash).toMatch(/^[0-9a-f]{64}$/)
    expect(b.resultsHash).not.toBe(a.resultsHash)
    const reread = await value<RunDetail>(second.ws, 'runs.get', { runId: a.id })
    expect(reread.run).toEqual(aDetail.run)
    expect(Array.from(walkResults(reread.results).path)).toEqual(Array.from(walkResults(aDetail.results).path))
    expect(await value(second.ws, 'runs.list', { status: 'running' })).toEqual({ runs: [], total: 0 })
  })

  it('a run still running when the workstation closes ends interrupted, as the reopened store shows', async () => {
    const databasePath = newDatabasePath()
    const first = await start(databasePath)
    const { run } = await value<{ run: RunSummary }>(first.ws, 'runs.start', { spec: walk(10_000_000, 5) })
    const ended = runEnded(first.ws, run.id)
    await firstProgress(first.ws, run.id)
    const enginePid = first.ws.services.engine.status().pid
    await close(first.ws)

    const end = await ended
    expect(end).toMatchObject({ status: 'interrupted', error: 'Mechanica was closed while this run was in progress.', resultsHash: null })
    if (enginePid === null) throw new Error('the engine had no pid while the run was running')
    expect(() => process.kill(enginePid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' })) // no such process

    const second = await start(databasePath)
    const detail = await value<RunDetail>(second.ws, 'runs.get', { runId: run.id })
    expect(detail).toEqual({ run: end, results: null })
    expect(detail.run.progressDone).toBeLessThan(10_000_000)
    expect(detail.run.finishedAt).not.toBeNull()
  })

  it('runs a crashed previous session left running are marked interrupted at start-up; finished rows are untouched', async () => {
    const databasePath = newDatabasePath()
    openDatabase(databasePath).close() // a migrated, empty store
    const raw = new Database(databasePath)
    const insert = raw.prepare(
      `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, finished_at, progress_done, progress_total, results_hash)
       VALUES ('random-walk', ?, ?, 'old', ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', ?, ?, ?, ?)`
    )
    const doneSpec = walk(1000, 11)
    const doneId = Number(insert.run(JSON.stringify(doneSpec), configHash(doneSpec), 11, 'completed', '2026-01-01T00:00:01.000Z', 1000, 1000, 'ab'.repeat(32)).lastInsertRowid)
    const runningSpec = walk(5_000_000, 12)
    const runningId = Number(insert.run(JSON.stringify(runningSpec), configHash(runningSpec), 12, 'running', null, 123, 5_000_000, null).lastInsertRowid)
    raw.close()

    const { ws } = await start(databasePath)
    const crashed = (await value<RunDetail>(ws, 'runs.get', { runId: runningId })).run
    expect(crashed).toMatchObject({
      id: runningId,
      status: 'interrupted',
      error: 'Mechanica stopped while this run was in progress.',
      progressDone: 123,
      resultsHash: null
    })
    expect(crashed.finishedAt).not.toBeNull()
    const finished = (await value<RunDetail>(ws, 'runs.get', { runId: doneId })).run
    expect(finished).toMatchObject({
      status: 'completed',
      finishedAt: '2026-01-01T00:00:01.000Z',
      resultsHash: 'ab'.repeat(32),
      error: null,
      codeVersion: 'old'
    })
  })
})

describe('workstation under an engine crash', () => {
  it('a SIGKILLed engine aborts its run (interrupted, with the reason), leaves other rows intact, and the next run completes after the restart', async () => {
    const { ws } = await start(newDatabasePath())
    const spec = walk(100_000, 9)
    const before = await runToEnd(ws, spec)
    const beforeDetail = await value<RunDetail>(ws, 'runs.get', { runId: before.id })

    const pid = ws.services.engine.status().pid
    if (pid === null) throw new Error('engine has no pid')
    const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec: walk(10_000_000, 10) })
    const ended = runEnded(ws, run.id)
    await firstProgress(ws, run.id)
    process.kill(pid, 'SIGKILL')
    const end = await ended

    // A random walk keeps no decision log: nothing partial, only how far it got (crash safety: src/main/runs/crash-safety.test.ts).
    expect(end).toMatchObject({ status: 'interrupted', resultsHash: null, partial: false })
    expect(end.error).toBe(`Aborted: the engine process stopped (killed by SIGKILL) after step ${end.progressDone}; a random walk keeps no decision log. Re-run it from the Runs view.`)
    expect(end.progressDone).toBeGreaterThan(0)
    expect(end.progressDone).toBeLessThan(10_000_000)

    // While the engine is restarting, a new run is refused and nothing is written.
    expect(ws.services.engine.status()).toMatchObject({ state: 'restarting', lastExit: 'killed by SIGKILL', restarts: 1 })
    const rows = countRuns(ws)
    expect(await call(ws, 'runs.start', { spec })).toEqual({
      ok: false,
      error: { code: 'service_unavailable', message: 'The engine service is restarting; the run was not started.' }
    })
    expect(countRuns(ws)).toBe(rows)

    const ready = await engineReady(ws)
    expect(ready.pid).not.toBe(pid)
    expect(await value<RunDetail>(ws, 'runs.get', { runId: before.id })).toEqual(beforeDetail)
    expect(await value<RunDetail>(ws, 'runs.get', { runId: run.id })).toEqual({ run: end, results: null })

    const after = await runToEnd(ws, spec)
    expect(after).toMatchObject({ status: 'completed', resultsHash: before.resultsHash, configHash: before.configHash })
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})

describe('workstation input validation', () => {
  const base = { task: 'random-walk', steps: 1000, seed: 1 }

  it('invalid runs.start params are refused as invalid_params with a specific message, and nothing is written', async () => {
    const { ws } = await start(newDatabasePath())
    await runToEnd(ws, walk(1000, 1))
    const rows = countRuns(ws)
    expect(rows).toBe(1)

    const cases: Array<[unknown, string]> = [
      [{ spec: { ...base, steps: 0 } }, 'runs.start: spec.steps: must be at least 1 (got 0)'],
      [{ spec: { ...base, steps: 1e8 } }, 'runs.start: spec.steps: must be at most 10,000,000 (got 100000000)'],
      [{ spec: { ...base, steps: 1.5 } }, 'runs.start: spec.steps: must be a whole number (got 1.5)'],
      [{ spec: { ...base, seed: -1 } }, 'runs.start: spec.seed: must be ≥ 0 (got -1)'],
      [{ spec: { ...base, colour: 'red' } }, 'runs.start: spec: unknown key "colour"'],
      [{ spec: base, extra: 1 }, 'runs.start: params: unknown key "extra"'],
      [{ spec: { ...base, task: 'moon-walk' } }, 'runs.start: spec.task: task must be one of: "random-walk", "lab" (got "moon-walk")'],
      [{}, 'runs.start: spec: Invalid input: expected object, received undefined (got nothing)']
    ]
    for (const [params, message] of cases) {
      const outcome = await call(ws, 'runs.start', params)
      expect(outcome, JSON.stringify(params)).toMatchObject({ ok: false, error: { code: 'invalid_params', message } })
    }
    expect(countRuns(ws)).toBe(rows)
    expect(ws.runs.isActive(2)).toBe(false)
  })

  it('runs.get and runs.cancel for a missing run are not_found', async () => {
    const { ws } = await start(newDatabasePath())
    expect(await call(ws, 'runs.get', { runId: 9999 })).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no run #9999.' } })
    expect(await call(ws, 'runs.cancel', { runId: 9999 })).toEqual({ ok: false, error: { code: 'not_found', message: 'There is no run #9999.' } })
    expect(countRuns(ws)).toBe(0)
  })
})

describe('regime inference through the services', () => {
  it('classifies a heston-regime path in the inference process and evaluates it against the true labels', async () => {
    const { ws } = await start(newDatabasePath())
    const report = await value<RegimeReport>(ws, 'regime.classify', {
      source: { kind: 'lab', spec: { task: 'lab', lab: 'heston-regime', preset: 'corrected', seed: 3, overrides: { n_steps: 1500 } } }
    })
    expect(report.source).toBe('heston-regime simulated Heston price (corrected, seed 3)')
    expect(report.firstBar).toBe(101)
    expect(report.pStable).toHaveLength(report.bars - 101)
    expect(report.executionProvider).toMatch(/^(cuda|webgpu|cpu)$/)
    expect(report.evaluation?.accuracy).toBeGreaterThan(0.5)
    // Same series, same bytes: the service is deterministic across calls.
    const again = await value<RegimeReport>(ws, 'regime.classify', {
      source: { kind: 'lab', spec: { task: 'lab', lab: 'heston-regime', preset: 'corrected', seed: 3, overrides: { n_steps: 1500 } } }
    })
    expect(again.pStable).toEqual(report.pStable)
  })

  it('refuses a broken CSV naming the rows, and changes nothing', async () => {
    const { ws } = await start(newDatabasePath())
    const outcome = await call(ws, 'regime.classify', { source: { kind: 'csv', name: 'mine.csv', text: 'date,close\n2024-01-02,100\n2024-01-01,x\n' } })
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('invalid_params')
      expect(outcome.error.message).toContain('mine.csv')
      expect(outcome.error.message).toMatch(/row 3/)
    }
  })
})

describe('the regime model inside runs and comparisons', () => {
  it('runs heston-regime with classifier "ssm": the inference service computes P(stable), the engine trades on it', async () => {
    const { ws } = await start(newDatabasePath())
    const spec = { task: 'lab', lab: 'heston-regime', preset: 'corrected', seed: 3003, overrides: { 'classifier.kind': 'ssm', n_steps: 2000 } }
    const ending = waitFor(ws, (event, payload) => (event === 'run.updated' && (payload as { run: RunSummary }).run.status !== 'running' ? (payload as { run: RunSummary }).run : undefined), 'the ssm run to end', 30_000)
    const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec })
    const ended = await ending
    expect(ended.id).toBe(run.id)
    expect(ended.status).toBe('completed')
    const detail = await value<RunDetail>(ws, 'runs.get', { runId: run.id })
    const results = detail.results as LabResults
    const regime = (results.telemetry as { regime: { classifier: string; model: { sha256: string; executionProvider: string } } }).regime
    expect(regime.classifier).toBe('ssm')
    expect(regime.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(regime.model.executionProvider).toMatch(/^(cuda|webgpu|cpu)$/)
    expect(results.metrics.accuracy).toBeGreaterThan(0.5)
  })

  it('classifies any lab\'s price series, and compares the classifiers with progress frames', async () => {
    const { ws, events } = await start(newDatabasePath())
    const fx = await value<RegimeReport>(ws, 'regime.classify', { source: { kind: 'lab', spec: { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: {} } } })
    expect(fx.source).toBe('fx-carry high-yield basket vs USD (index, 100 at bar 0) (faithful, seed 7)')
    expect(fx.evaluation?.switches).toBeGreaterThan(0)
    const credit = await call(ws, 'regime.classify', { source: { kind: 'lab', spec: { task: 'lab', lab: 'credit-spreads', preset: 'faithful', overrides: {} } } })
    expect(credit.ok).toBe(false)
    if (!credit.ok) expect(credit.error.message).toBe('credit-spreads trades no single price series the regime model could read')
    const comparison = await value<{ rows: Array<{ classifier: string }>; seeds: number[] }>(ws, 'regime.compare', { seeds: 1, seedFrom: 3005, overrides: { n_steps: 2000 } })
    expect(comparison.seeds).toEqual([3005])
    expect(comparison.rows.map((r) => r.classifier)).toEqual(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching'])
    expect(events.filter((e) => e.event === 'task.progress').map((e) => e.payload)).toContainEqual({ task: 'regime.compare', done: 1, total: 1, label: 'held-out seed 1 of 1' })
  })
})

describe('audit trail: verify, review and replay a stored run', () => {
  it('verifies the chain, records a sign-off, and replays the run to the identical results hash', async () => {
    const { ws } = await start(newDatabasePath())
    const ending = waitFor(ws, (event, payload) => (event === 'run.updated' && (payload as { run: RunSummary }).run.status !== 'running' ? (payload as { run: RunSummary }).run : undefined), 'the run to end')
    const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec: { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: {} } })
    expect((await ending).status).toBe('completed')
    const before = await value<{ verificationStatus: string; chain: { status: string; verified: number; steps: number } }>(ws, 'runs.audit', { runId: run.id })
    expect(before.verificationStatus).toBe('Not verified')
    expect(before.chain.status).toBe('intact')
    expect(before.chain.verified).toBeGreaterThanOrEqual(before.chain.steps)
    const refused = await call(ws, 'runs.review', { runId: run.id, reviewer: '  ', verdict: 'sign-off' })
    expect(refused.ok).toBe(false)
    const signed = await value<{ verificationStatus: string; reviews: Array<{ reviewer: string; at: string }> }>(ws, 'runs.review', { runId: run.id, reviewer: 'R. Committee', verdict: 'sign-off', notes: 'replayed' })
    expect(signed.verificationStatus).toBe('Verified')
    expect(signed.reviews[0]?.reviewer).toBe('R. Committee')
    expect(signed.reviews[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T/)
    const replay = await value<{ identical: boolean; stepsCompared: number; storedResultsHash: string; replayedResultsHash: string }>(ws, 'runs.replay', { runId: run.id })
    expect(replay.identical).toBe(true)
    expect(replay.stepsCompared).toBe(before.chain.steps)
    expect(replay.replayedResultsHash).toBe(replay.storedResultsHash)
    // Tamper with the stored log behind the app's back: the audit says where, and a sign-off is refused.
    ws.db.prepare(`UPDATE run_step_chunks SET data = zeroblob(length(data)) WHERE run_id = ? AND chunk = 0 AND name = 'equity'`).run(run.id)
    const tampered = await value<{ verificationStatus: string; chain: { firstBreak: { kind: string; index: number; problem: string } | null } }>(ws, 'runs.audit', { runId: run.id })
    expect(tampered.verificationStatus).toBe('Chain broken')
    expect(tampered.chain.firstBreak).toMatchObject({ kind: 'step', index: 0, problem: 'changed' })
    const blocked = await call(ws, 'runs.review', { runId: run.id, reviewer: 'R. Committee', verdict: 'sign-off' })
    expect(blocked.ok).toBe(false)
  })
})

describe('regime report for the phase-space view', () => {
  it('carries the latent PCA coordinates per bar, the centroids and the OOD distances', async () => {
    const { ws } = await start(newDatabasePath())
    const report = await value<RegimeReport>(ws, 'regime.classify', {
      source: { kind: 'lab', spec: { task: 'lab', lab: 'heston-regime', preset: 'corrected', seed: 4, overrides: { n_steps: 1200 } } }
    })
    const bars = report.pStable.length
    expect(report.phase.dims).toBe(3)
    expect(report.phase.values).toHaveLength(bars * 3)
    expect(report.phase.centroids).toHaveLength(2)
    expect(report.ood.distance).toHaveLength(bars)
    expect(report.ood.barsOutside).toBe(report.ood.distance.filter((d) => d > report.ood.radius).length)
  })
})
