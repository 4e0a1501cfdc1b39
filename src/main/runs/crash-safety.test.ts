import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { LabRunSpec, RunAudit, RunDetail, RunSummary, ServiceStatus } from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { STEP_CHUNK } from '../engine/kernel'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { mulberry32 } from '../store/synthetic-step-log'

// Crash safety (issue 7): the engine process is killed with SIGKILL at seeded random moments
// while lab runs write their decision log batch by batch. After every kill the killed run must
// be interrupted ("Aborted") with a partial log that verifies up to its last committed batch,
// every other run's row unchanged (fingerprint) and the engine back for the next run; the store
// as a whole (integrity_check, foreign_key_check, every run's bytes re-hashed: deepCheck) is
// checked after every DEEP_CHECK_EVERY-th kill and the last, and after every main-process kill. The suite
// runs a few trials; `npm run crash-test` (tools/crash-safety.mjs) runs ≥ 100 through this file:
//   MECHANICA_CRASH_TRIALS   trials (12 here)          MECHANICA_CRASH_SEED    PRNG seed
//   MECHANICA_CRASH_BUDGET_S time bound for the trials  MECHANICA_CRASH_REPORT  JSON report file
//   MECHANICA_CRASH_MAIN_TRIALS  kills of the main process (the writer) itself (2 here)
//   MECHANICA_CRASH_MAX_DELAY_MS kills land 0…this many ms after the run starts (900 here)

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const TRIALS = Number(process.env.MECHANICA_CRASH_TRIALS ?? 12)
const SEED = Number(process.env.MECHANICA_CRASH_SEED ?? 20261122)
const BUDGET_MS = Number(process.env.MECHANICA_CRASH_BUDGET_S ?? 150) * 1000
const REPORT = process.env.MECHANICA_CRASH_REPORT
const MAIN_TRIALS = Number(process.env.MECHANICA_CRASH_MAIN_TRIALS ?? 2)
/** Kills land this long after runs.start returns, at most: through planning, the market simulation and the first batches. */
const MAX_KILL_DELAY_MS = Number(process.env.MECHANICA_CRASH_MAX_DELAY_MS ?? 900)
/** Integrity and foreign-key checks and a full re-hash of every run's rows every this many trials (and after the last). */
const DEEP_CHECK_EVERY = 10
// Restart at once, never give up: the crash-loop guard is service-host's concern, tested there.
const backoff: BackoffPolicy = { initialMs: 10, maxMs: 40, maxRestarts: 1_000_000, stableMs: 60_000, readyTimeoutMs: 15_000 }


// Long enough that no kill within MAX_KILL_DELAY_MS finds the run finished (each takes seconds);
// microstructure held to a position limit of 2 lots logs constraint events in its batches.
const longRuns: LabRunSpec[] = [
  { task: 'lab', lab: 'microstructure', preset: 'faithful', seed: 3, overrides: { steps: 1_000_000, 'risk.position_limit': 2, 'strategy.target_inventory': 1 } },
  { task: 'lab', lab: 'latency-arb', preset: 'faithful', seed: 3, overrides: { T: 1_000_000 } },
  { task: 'lab', lab: 'funding-basis', preset: 'corrected', seed: 7, overrides: { T: 1_000_000 } }
]
// Completed before the trials; their rows must never change.
const seededRuns: LabRunSpec[] = [
  { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 10_000, 'risk_params.max_leverage': 0.5 } },
  { task: 'lab', lab: 'microstructure', preset: 'faithful', seed: 5, overrides: { steps: 9_000 } },
  { task: 'lab', lab: 'latency-arb', preset: 'corrected', seed: 4, overrides: { T: 5_000 } }
]

/** What the trials measured, written to MECHANICA_CRASH_REPORT after the last test. */
const report: Record<string, unknown> = { seed: SEED }
afterAll(() => {
  if (REPORT) writeFileSync(REPORT, JSON.stringify(report, null, 2))
})

const tempDirs: string[] = []
const cleanups: Array<() => Promise<void> | void> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-crash-'))
  tempDirs.push(dir)
  return join(dir, 'crash.db')
}

const closed = new WeakSet<Workstation>()
async function closeWorkstation(ws: Workstation): Promise<void> {
  if (closed.has(ws)) return
  closed.add(ws)
  await ws.close()
}

async function openWorkstation(databasePath: string): Promise<Workstation> {
  const ws = await startWorkstation({ host: 'browser', databasePath, launcher: launchNodeProcess, workersDir, backoff })
  cleanups.push(() => closeWorkstation(ws))
  await ws.servicesReady
  return ws
}

async function value<T>(ws: Workstation, method: string, params: unknown): Promise<T> {
  const outcome = await ws.router.call(method, params, { transport: 'direct' })
  if (!outcome.ok) throw new Error(`${method} failed: ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}

function waitForEvent<T>(ws: Workstation, pick: (event: string, payload: unknown) => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out waiting for ${what}`))
    }, timeoutMs)
    const off = ws.events.subscribe((event, payload) => {
      const picked = pick(event, payload)
      if (picked === undefined) return
      clearTimeout(timer)
      off()
      resolve(picked)
    })
  })
}

const runEnded = (ws: Workstation, runId: number): Promise<RunSummary> =>
  waitForEvent(ws, (event, payload) => (event === 'run.updated' && (payload as { run: RunSummary }).run.id === runId && (payload as { run: RunSummary }).run.status !== 'running' ? (payload as { run: RunSummary }).run : undefined), `run #${runId} to end`)

const engineReady = (ws: Workstation): Promise<ServiceStatus> =>
  ws.services.engine.status().state === 'ready'
    ? Promise.resolve(ws.services.engine.status())
    : waitForEvent(ws, (event, payload) => (event === 'service.status' && (payload as ServiceStatus).name === 'engine' && (payload as ServiceStatus).state === 'ready' ? (payload as ServiceStatus) : undefined), 'the engine to be ready')

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** What must not change about a run once it has ended: its row, log size and results, cheap to read. */
function fingerprint(ws: Workstation, runId: number): string {
  const row = ws.db
    .prepare(
      `SELECT status, progress_done, progress_total, results_hash, chain_head, error, finished_at,
              (SELECT steps || ':' || meta_json FROM run_step_log WHERE run_id = runs.id) AS log,
              (SELECT count(*) FROM run_step_chunks WHERE run_id = runs.id) AS chunk_columns,
              (SELECT count(*) FROM run_events WHERE run_id = runs.id) AS events,
              (SELECT count(*) FROM run_results WHERE run_id = runs.id) AS results,
              (SELECT count(*) FROM run_series WHERE run_id = runs.id) AS series
       FROM runs WHERE id = ?`
    )
    .get(runId)
  return JSON.stringify(row)
}

/** Every byte of a run's log, events and results. */
function contentHash(ws: Workstation, runId: number): string {
  const hash = createHash('sha256')
  const tables = [
    `SELECT chunk, name, data FROM run_step_chunks WHERE run_id = ? ORDER BY chunk, name`,
    `SELECT seq, t, rule, message, before_json, after_json, link FROM run_events WHERE run_id = ? ORDER BY seq`,
    `SELECT kind, results_json FROM run_results WHERE run_id = ?`,
    `SELECT name, data FROM run_series WHERE run_id = ? ORDER BY name`
  ]
  for (const sql of tables) {
    for (const row of ws.db.prepare(sql).raw().iterate(runId) as Iterable<unknown[]>) {
      for (const v of row) hash.update(Buffer.isBuffer(v) ? v : `${typeof v}:${String(v)}`).update('|')
    }
  }
  return hash.digest('hex')
}

const loggedSteps = (db: Database.Database, runId: number): number => (db.prepare(`SELECT steps FROM run_step_log WHERE run_id = ?`).pluck().get(runId) as number | undefined) ?? 0

function deepCheck(ws: Workstation, expected: Map<number, { fingerprint: string; content: string }>): void {
  expect(ws.db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok'])
  expect(ws.db.prepare('PRAGMA foreign_key_check').all()).toEqual([])
  for (const [runId, saved] of expected) {
    expect(fingerprint(ws, runId), `run #${runId}'s row changed`).toBe(saved.fingerprint)
    expect(contentHash(ws, runId), `run #${runId}'s stored bytes changed`).toBe(saved.content)
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/**
 * Frames of the write-ahead log after its last commit frame, in the log's current generation
 * (salts matching the header): a transaction the writer had begun and not committed when it
 * was killed. SQLite ignores them on the next open; they show the kill landed mid-write.
 */
function uncommittedWalFrames(databasePath: string): number {
  const wal = `${databasePath}-wal`
  if (!existsSync(wal)) return 0
  const bytes = readFileSync(wal)
  if (bytes.length < 32) return 0
  const pageSize = bytes.readUInt32BE(8)
  const [salt1, salt2] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
  let frames = 0
  let sinceCommit = 0
  for (let at = 32; at + 24 + pageSize <= bytes.length; at += 24 + pageSize) {
    if (bytes.readUInt32BE(at + 8) !== salt1 || bytes.readUInt32BE(at + 12) !== salt2) break
    frames++
    sinceCommit = bytes.readUInt32BE(at + 4) !== 0 ? 0 : sinceCommit + 1
  }
  return frames === 0 ? 0 : sinceCommit
}

/** Whether a process exists and is not a zombie (an orphan's exit is reaped by init, or not). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  if (existsSync(stat)) return !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'))
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('crash safety: the engine killed with SIGKILL at random points during runs', () => {
  it(
    `after each of ${TRIALS} kills the store is intact, the killed run aborted with a verifiable partial log, no other run changed, and the engine back`,
    async () => {
      const random = mulberry32(SEED)
      const ws = await openWorkstation(tempDatabase())
      const saved = new Map<number, { fingerprint: string; content: string }>()
      for (const spec of seededRuns) {
        const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec })
        const ended = await runEnded(ws, run.id)
        expect(ended.status).toBe('completed')
        saved.set(run.id, { fingerprint: fingerprint(ws, run.id), content: contentHash(ws, run.id) })
      }

      const trials: Array<{ lab: string; delayMs: number; logged: number; events: number; kind: 'before the first batch' | 'batch in flight' | 'between batches'; endMs: number; recoveryMs: number }> = []
      /** The kills (1-based) after which deepCheck ran: integrity_check, foreign_key_check, every run re-hashed. */
      const deepChecked: number[] = []
      const startedAt = performance.now()
      for (let trial = 0; trial < TRIALS; trial++) {
        expect(performance.now() - startedAt, `only ${trial} of ${TRIALS} trials fit in ${BUDGET_MS / 1000} s`).toBeLessThan(BUDGET_MS)
        await engineReady(ws)
        const spec = longRuns[Math.floor(random() * longRuns.length)]!
        const delayMs = Math.round(random() * MAX_KILL_DELAY_MS)
        const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec })
        const ended = runEnded(ws, run.id)
        await sleep(delayMs)
        expect(ws.db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run.id), 'the run must still be running when it is killed').toBe('running')
        const before = loggedSteps(ws.db, run.id)
        const pid = ws.services.engine.status().pid!
        const killedAt = performance.now()
        process.kill(pid, 'SIGKILL')
        const end = await ended
        const endMs = performance.now() - killedAt
        const back = await engineReady(ws)
        const recoveryMs = performance.now() - killedAt
        expect(back.pid).not.toBe(pid)

        // The killed run: interrupted, "Aborted", only whole batches, verifiable to the last one.
        const logged = loggedSteps(ws.db, run.id)
        expect(end).toMatchObject({ id: run.id, status: 'interrupted', resultsHash: null, loggedSteps: logged, partial: logged > 0 })
        expect(end.error).toMatch(/^Aborted: the engine process stopped \(killed by SIGKILL\) /)
        expect(end.error).toContain(logged > 0 ? `after step ${logged}; the log holds steps 0…${logged - 1} (partial)` : 'before its first logged step')
        expect(logged % STEP_CHUNK).toBe(0)
        const events = ws.db.prepare('SELECT count(*) FROM run_events WHERE run_id = ?').pluck().get(run.id) as number
        const audit = await value<RunAudit>(ws, 'runs.audit', { runId: run.id })
        expect(audit.chain).toMatchObject({ status: 'intact', steps: logged, verified: logged + events, firstBreak: null })
        if (logged > 0) expect(audit.chain.head).toBe(ws.db.prepare('SELECT chain_head FROM runs WHERE id = ?').pluck().get(run.id))

        // Every other run: unchanged.
        for (const [runId, s] of saved) expect(fingerprint(ws, runId), `run #${runId} changed in trial ${trial}`).toBe(s.fingerprint)
        saved.set(run.id, { fingerprint: fingerprint(ws, run.id), content: contentHash(ws, run.id) })
        if ((trial + 1) % DEEP_CHECK_EVERY === 0 || trial + 1 === TRIALS) {
          deepCheck(ws, saved)
          deepChecked.push(trial + 1)
        }

        const kind = logged === 0 ? 'before the first batch' : logged > before ? 'batch in flight' : 'between batches'
        trials.push({ lab: spec.lab, delayMs, logged, events, kind, endMs, recoveryMs })
      }
      const trialsMs = performance.now() - startedAt

      // The engine that was killed TRIALS times runs the next run to completion, verifiably.
      const { run } = await value<{ run: RunSummary }>(ws, 'runs.start', { spec: seededRuns[0] })
      expect(await runEnded(ws, run.id)).toMatchObject({ status: 'completed', partial: false })
      const audit = await value<RunAudit>(ws, 'runs.audit', { runId: run.id })
      expect(audit.chain).toMatchObject({ status: 'intact', steps: 9_999 })
      expect(ws.services.engine.status()).toMatchObject({ state: 'ready', restarts: TRIALS })

      const count = (kind: string) => trials.filter((t) => t.kind === kind).length
      const engineKills = {
        trials: trials.length,
        trialsSeconds: Math.round(trialsMs) / 1000,
        kills: { beforeFirstBatch: count('before the first batch'), batchInFlight: count('batch in flight'), betweenBatches: count('between batches') },
        loggedSteps: { min: Math.min(...trials.map((t) => t.logged)), p50: percentile(trials.map((t) => t.logged), 50), max: Math.max(...trials.map((t) => t.logged)) },
        runEndMs: { p50: Math.round(percentile(trials.map((t) => t.endMs), 50)), p95: Math.round(percentile(trials.map((t) => t.endMs), 95)) },
        recoveryMs: { p50: Math.round(percentile(trials.map((t) => t.recoveryMs), 50)), p95: Math.round(percentile(trials.map((t) => t.recoveryMs), 95)) },
        deepCheckedAfterKills: deepChecked,
        databaseMB: Math.round((ws.db.prepare('PRAGMA page_count').pluck().get() as number) * (ws.db.prepare('PRAGMA page_size').pluck().get() as number) / 1e5) / 10,
        perTrial: trials
      }
      report.engineKills = engineKills
      console.log(`crash safety: ${engineKills.trials} engine kills in ${engineKills.trialsSeconds} s — ${JSON.stringify(engineKills.kills)}; recovery p50 ${engineKills.recoveryMs.p50} ms, p95 ${engineKills.recoveryMs.p95} ms`)
      expect(trials.length).toBe(TRIALS)
    },
    BUDGET_MS + 60_000
  )

  it(`after each of ${MAIN_TRIALS} kills of the MAIN process mid-run, the next start marks the run interrupted and its partial log verifies`, async () => {
    const random = mulberry32(SEED + 1)
    const databasePath = tempDatabase()
    const saved = new Map<number, { fingerprint: string; content: string }>()
    const mainTrials: Array<{ lab: string; batches: number; extraMs: number; committed: number; uncommittedFrames: number }> = []
    const startedAt = performance.now()
    for (let trial = 0; trial < MAIN_TRIALS; trial++) {
      const host = await startHostProcess(databasePath)
      const services = await host.servicesReady()
      const spec = longRuns[trial % longRuns.length]!
      const { run } = await host.call<{ run: RunSummary }>('runs.start', { spec })
      // Kill main once a seeded number of batches is committed, a seeded moment later: often while it writes the next.
      const reader = new Database(databasePath, { readonly: true, fileMustExist: true })
      const batches = 1 + Math.floor(random() * 4)
      const deadline = performance.now() + 20_000
      while (loggedSteps(reader, run.id) < batches * STEP_CHUNK) {
        expect(performance.now(), `${batches} batches were not committed in time`).toBeLessThan(deadline)
        await sleep(2)
      }
      const extraMs = Math.round(random() * 60)
      await sleep(extraMs)
      await host.kill()
      const torn = uncommittedWalFrames(databasePath)
      // Its service processes lose their parent's channel and stop on their own.
      for (const pid of services.map((s) => s.pid).filter((p): p is number => p !== null)) {
        const until = performance.now() + 10_000
        while (alive(pid) && performance.now() < until) await sleep(20)
        const orphaned = alive(pid)
        if (orphaned) process.kill(pid, 'SIGKILL')
        expect(orphaned, `service process ${pid} outlived its parent`).toBe(false)
      }
      expect(reader.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(run.id)).toBe('running')
      reader.close()

      // The next start recovers: interrupted, "Aborted", the committed log intact, nothing else changed.
      const ws = await openWorkstation(databasePath)
      const committed = loggedSteps(ws.db, run.id)
      const detail = await value<RunDetail>(ws, 'runs.get', { runId: run.id })
      expect(detail.results).toBeNull()
      expect(detail.run).toMatchObject({ status: 'interrupted', partial: true, loggedSteps: committed })
      expect(detail.run.error).toMatch(new RegExp(`^Aborted: Mechanica stopped while this run was in progress, after step ${committed}; the log holds steps 0…${committed - 1} \\(partial\\)\\. Re-run it from the Runs view or \`npm run cli -- run ${spec.lab} `))
      expect(committed % STEP_CHUNK).toBe(0)
      expect(committed).toBeGreaterThanOrEqual(batches * STEP_CHUNK)
      const events = ws.db.prepare('SELECT count(*) FROM run_events WHERE run_id = ?').pluck().get(run.id) as number
      const audit = await value<RunAudit>(ws, 'runs.audit', { runId: run.id })
      expect(audit.chain).toMatchObject({ status: 'intact', steps: committed, verified: committed + events })
      deepCheck(ws, saved)
      saved.set(run.id, { fingerprint: fingerprint(ws, run.id), content: contentHash(ws, run.id) })
      mainTrials.push({ lab: spec.lab, batches, extraMs, committed, uncommittedFrames: torn })
      if (trial === 0) {
        // The dashboard's series of the partial run come from its log; re-running it starts afresh.
        const series = await value<{ summary: unknown; partial: boolean; series: { done: number } }>(ws, 'runs.series', { runId: run.id, maxBuckets: 256 })
        expect(series).toMatchObject({ summary: null, partial: true, series: { done: committed } })
        const rerun = await value<{ run: RunSummary }>(ws, 'runs.rerun', { runId: run.id })
        expect(rerun.run).toMatchObject({ status: 'running', spec: detail.run.spec })
        const ended = runEnded(ws, rerun.run.id)
        await value(ws, 'runs.cancel', { runId: rerun.run.id })
        const cancelled = await ended
        expect(cancelled).toMatchObject({ status: 'cancelled', error: null })
        saved.set(cancelled.id, { fingerprint: fingerprint(ws, cancelled.id), content: contentHash(ws, cancelled.id) })
      }
      await closeWorkstation(ws)
    }
    const midWrite = mainTrials.filter((t) => t.uncommittedFrames > 0).length
    report.mainKills = { trials: mainTrials.length, seconds: Math.round(performance.now() - startedAt) / 1000, midBatchWrite: midWrite, betweenWrites: mainTrials.length - midWrite, perTrial: mainTrials }
    console.log(`crash safety: ${mainTrials.length} main-process kills — ${midWrite} mid-batch-write (uncommitted WAL frames discarded on reopen), ${mainTrials.length - midWrite} between writes`)
  }, 60_000 + MAIN_TRIALS * 45_000)
})

/** `node out/main/browser-host.js` on a database, driven over its WebSocket API like the renderer. */
async function startHostProcess(databasePath: string) {
  const child = spawn(process.execPath, [join(root, 'out/main/browser-host.js'), '--db', databasePath, '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true
      resolve()
    })
  )
  const kill = async (): Promise<void> => {
    if (!exited) child.kill('SIGKILL')
    await exit
  }
  cleanups.push(kill)
  const address = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`the browser host did not start: ${text}`)), 30_000)
    child.stdout!.on('data', (data: Buffer) => {
      text += data.toString()
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-zA-Z_-]+)/.exec(text)
      if (match) {
        clearTimeout(timer)
        resolve({ port: Number(match[1]), token: match[2]! })
      }
    })
  })
  const socket = new WebSocket(`ws://127.0.0.1:${address.port}/api?token=${address.token}`, { headers: { origin: `http://127.0.0.1:${address.port}` } })
  cleanups.push(() => socket.terminate())
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  let nextId = 1
  const pending = new Map<number, (message: { ok: boolean; value?: unknown; error?: { message: string } }) => void>()
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id: number; ok: boolean }
    if (message.type === 'result') pending.get(message.id)?.(message)
  })
  const call = <T>(method: string, params: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, (m) => (m.ok ? resolve(m.value as T) : reject(new Error(m.error?.message))))
      socket.send(JSON.stringify({ type: 'call', id, method, params }))
    })
  // The engine ready, and every other service ready or not yet started (inference starts on its
  // first call); the processes that exist are the ones whose orphaning is checked.
  const servicesReady = async (): Promise<ServiceStatus[]> => {
    const settled = (s: ServiceStatus): boolean => s.state === 'ready' || (s.name !== 'engine' && s.state === 'stopped' && s.pid === null)
    for (let i = 0; i < 200; i++) {
      const { services } = await call<{ services: ServiceStatus[] }>('services.status', {})
      if (services.every(settled)) return services
      await sleep(50)
    }
    throw new Error('the browser host\'s services did not become ready')
  }
  return { call, servicesReady, kill }
}
