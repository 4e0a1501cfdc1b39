import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Queue, Worker } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, EventPayload } from '../../shared/contract'
import { systemClock } from '../clock'
import { runCell } from '../experiments/run-cell'
import { planLab } from '../labs/execute'
import { launchNodeProcess } from '../services/node-launcher'
import { openDatabase, type Db } from '../store/database'
import { QueuedSweepsRepository } from '../store/queued-sweeps-repository'
import { CODE_VERSION } from '../version'
import { parseQueueUrl } from './connection'
import { collectSweep, enqueueCells } from './coordinator'
import { QUEUE_NAME, SweepJob, type SweepJobResult } from './jobs'
import { QueueService } from './queue-service'
import { QueueSettingsStore } from './queue-settings'
import { RedisTestServer } from './redis-test-server'
import { startQueueWorker, type QueueWorker } from './worker'

// The app's coordinator (main process) against a real redis-server on a random loopback port:
// what the Sweeps view is told (depth, workers, retries, ETA), cancel, and batches that are
// retried without a doubled row.

const engineFile = join(dirname(fileURLToPath(import.meta.url)), '../../../out/main/workers/engine.js')

let redis: RedisTestServer
let dir: string
let db: Db
let service: QueueService
let frames: Array<EventPayload<'queue.progress'>['sweep']>
const closers: Array<() => Promise<unknown>> = []

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const plan = async (spec: Parameters<typeof planLab>[0]) => {
  const p = planLab(spec)
  return { seed: p.seed, steps: p.steps, configHash: p.configHash, requires: p.requires }
}

function newService(batch: number | null): QueueService {
  const settings = new QueueSettingsStore(join(dir, `queue-settings-${Math.random().toString(16).slice(2)}.json`), {})
  settings.configure({ url: redis.url, batch })
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    if (event === 'queue.progress') frames.push((payload as EventPayload<'queue.progress'>).sweep)
  }
  return new QueueService({ db, plan, emit, clock: systemClock, settings, codeVersion: CODE_VERSION, pollMs: 50 })
}

beforeAll(async () => {
  redis = await RedisTestServer.start()
  dir = mkdtempSync(join(tmpdir(), 'mechanica-queue-service-'))
  db = openDatabase(join(dir, 'store.db'))
})
afterEach(async () => {
  await service?.close()
  while (closers.length) await closers.pop()!()
  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
  await queue.obliterate({ force: true })
  await queue.close()
})
afterAll(async () => {
  db?.close()
  await redis?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the app’s queue coordinator', () => {
  it('reports the depth of a sweep no worker serves, and cancel removes only its waiting jobs', async () => {
    frames = []
    service = newService(4)
    const other = await service.start({ lab: 'fx-carry', preset: 'faithful', overrides: { T: 100 }, seeds: { from: 1, to: 6 } })
    const sweep = await service.start({ lab: 'fx-carry', preset: 'faithful', overrides: { T: 100 }, seeds: { from: 1, to: 40 } })
    expect(sweep).toMatchObject({ cells: 40, batch: 4, done: 0, status: 'running', kind: 'seeds', seeds: { from: 1, to: 40 } })
    // 10 jobs of this sweep and 2 of the other wait; no worker is connected.
    await until('a poll of the queue', () => frames.some((f) => f.id === sweep.id && f.waitingJobs !== null))
    expect(service.status(sweep.id)).toMatchObject({ waitingJobs: 12, activeJobs: 0, workers: [], etaSeconds: null, done: 0 })

    const { cancelled, removedJobs } = await service.cancel(sweep.id)
    expect(cancelled).toBe(true)
    expect(removedJobs).toBe(10)
    expect(service.status(sweep.id)).toMatchObject({ status: 'cancelled', done: 0 })
    expect(frames.at(-1)).toMatchObject({ id: sweep.id, status: 'cancelled' })
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    try {
      const waiting = await queue.getJobs(['waiting'])
      expect(waiting.map((j) => j.id).sort()).toEqual([`${other.id}-0`, `${other.id}-4`])
    } finally {
      await queue.close()
    }
    expect(service.get(sweep.id).cells.every((c) => c.status === 'cancelled')).toBe(true)
    // A second cancel, and an unknown sweep.
    expect(await service.cancel(sweep.id)).toEqual({ cancelled: false, removedJobs: 0 })
    await expect(service.cancel('0123456789ab')).rejects.toThrow('There is no queued sweep 0123456789ab.')
  }, 60_000)

  it('shows the worker that ran a sweep, its throughput and the rows the local runs give', async () => {
    frames = []
    service = newService(4)
    const worker: QueueWorker = await startQueueWorker({ endpoint: parseQueueUrl(redis.url), concurrency: 1, engineFile, launcher: launchNodeProcess, log: () => undefined, lockMs: 5000 })
    closers.push(() => worker.close())
    // Long enough (~3 s here) for several progress frames between the first cell and the last: at
    // T=2000 the sweep took 0.6 s and, on a fast poll, no frame fell between a rate and the end.
    const sweep = await service.start({ lab: 'fx-carry', preset: 'faithful', overrides: { T: 50_000 }, seeds: { from: 1, to: 32 } })
    await until('the sweep to complete', () => frames.some((f) => f.id === sweep.id && f.status === 'completed'), 120_000)
    const name = `${hostname()}:${process.pid}`
    const final = service.status(sweep.id)
    expect(final).toMatchObject({ done: 32, completed: 32, failed: 0, retries: 0, etaSeconds: null })
    expect(final.workers.map((w) => ({ name: w.name, host: w.host, cells: w.cells }))).toEqual([{ name, host: hostname(), cells: 32 }])
    // While it ran: the worker was connected, and its rate and the sweep's ETA were known.
    const live = frames.filter((f) => f.id === sweep.id && f.status === 'running' && f.runsPerSecond !== null)
    expect(live.length).toBeGreaterThan(0)
    expect(live.some((f) => f.workers.some((w) => w.name === name && w.connected && (w.cellsPerSecond ?? 0) > 0))).toBe(true)
    expect(live.some((f) => f.etaSeconds !== null && f.etaSeconds > 0)).toBe(true)

    const detail = service.get(sweep.id)
    expect(detail.cells.map((c) => c.seed)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1))
    expect(detail.stats.final_equity?.n).toBe(32)
    const stored = new QueuedSweepsRepository(db).results(sweep.id)
    for (const cell of [0, 5, 31]) {
      const local = await runCell({ spec: { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 50_000 }, seed: cell + 1 } }, false)
      expect(local.ok && local.summary.resultsHash).toBe(stored[cell]!.summary!.resultsHash)
    }
  }, 180_000)

  it('writes each cell of a retried batch once', async () => {
    const repo = new QueuedSweepsRepository(db)
    const cells = Array.from({ length: 7 }, (_, i) => ({ label: `seed ${i + 1}`, changes: {}, spec: { task: 'lab' as const, lab: 'fx-carry', preset: 'faithful', overrides: { T: 150 }, seed: i + 1 } }))
    const sweep = repo.create({ id: 'abcabcabc001', lab: 'fx-carry', preset: 'faithful', queue: redis.url, plan: { cells, log: false, batch: 3 }, codeVersion: CODE_VERSION, createdAt: systemClock.isoNow(), cells: 7 })
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } })
    closers.push(() => queue.close())
    // A worker that loses every batch on its first attempt, after running half of it.
    const attempts: string[] = []
    const flaky = new Worker(
      QUEUE_NAME,
      async (job): Promise<SweepJobResult> => {
        const data = SweepJob.parse(job.data)
        attempts.push(`${job.id}#${job.attemptsMade}`)
        const outcomes = await Promise.all(data.specs.map((spec) => runCell({ spec }, false)))
        if (job.attemptsMade === 0) throw new Error('worker lost its engine mid-batch')
        return { codeVersion: CODE_VERSION, worker: { host: 'flaky', pid: 1 }, cells: outcomes.map((o) => (o.ok ? { outcome: { ok: true, summary: o.summary } } : { outcome: o })), runMs: 1 }
      },
      { connection: { host: '127.0.0.1', port: redis.port } }
    )
    closers.push(() => flaky.close())
    await enqueueCells(queue, sweep, [0, 1, 2, 3, 4, 5, 6])
    // Enqueuing a cell again (a coordinator that restarted) adds no job.
    await enqueueCells(queue, sweep, [4])
    let retries = 0
    await collectSweep(queue, repo, sweep, { clock: systemClock, pollMs: 50, onProgress: (p) => (retries = p.retries) })
    expect(attempts.sort()).toEqual(['abcabcabc001-0#0', 'abcabcabc001-0#1', 'abcabcabc001-3#0', 'abcabcabc001-3#1', 'abcabcabc001-6#0', 'abcabcabc001-6#1'])
    expect(retries).toBe(3)
    const rows = repo.results(sweep.id)
    expect(rows.map((r) => [r.cell, r.jobId, r.attempts, r.ok])).toEqual(cells.map((_, i) => [i, `abcabcabc001-${i}`, 2, true]))
    // The same answers written again (a coordinator that saw the batch twice) add nothing.
    expect(repo.write(sweep.id, rows.map((r) => ({ ...r })), systemClock.isoNow())).toBe(0)
    expect(repo.written(sweep.id)).toBe(7)
  }, 60_000)
})
