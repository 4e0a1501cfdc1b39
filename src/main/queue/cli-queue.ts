import { availableParallelism } from 'node:os'
import type { Queue } from 'bullmq'
import type { Clock } from '../clock'
import type { CellOutcome } from '../../shared/contract/protocol'
import { MAX_QUEUE_JOB_CELLS } from '../../shared/contract/queue'
import { planLab, type LabPlan } from '../labs/execute'
import type { PlannedRun } from '../experiments/plan'
import { sweepRow, type SweepRow } from '../experiments/sweep-table'
import type { ProcessLauncher } from '../services/process-port'
import { openDatabase } from '../store/database'
import { QueuedSweepsRepository, type QueuedSweep } from '../store/queued-sweeps-repository'
import { CODE_VERSION } from '../version'
import { QueueConfigError, parseQueueUrl, type QueueEndpoint } from './connection'
import { collectSweep, enqueueCells, newQueuedSweepId, openQueue, queueBatchSizeFor, removeWaitingJobs, type QueueProgress } from './coordinator'
import { startQueueWorker } from './worker'

// `mechanica sweep … --queue URL`, `sweep --attach ID` and `mechanica worker`: the CLI's side of
// queue mode. The coordinator (this process) is the store's one writer; workers only compute.

export interface QueueFlags {
  queue?: string
  'allow-remote'?: boolean
  'redis-ca'?: string
}

export function endpointOf(flags: QueueFlags): QueueEndpoint {
  if (!flags.queue) throw new QueueConfigError('needs --queue redis://HOST:PORT')
  return parseQueueUrl(flags.queue, { allowRemote: flags['allow-remote'] ?? false, caFile: flags['redis-ca'], env: process.env })
}

export interface QueuedSweepOutput {
  lab: string
  preset: string
  runs: number
  queue: string
  sweep: string
  table: SweepRow[]
}

function stderrProgress(clock: Clock): (p: QueueProgress) => void {
  let last = 0
  const started = clock.nowMs()
  return (p) => {
    const now = clock.nowMs()
    if (p.done !== p.total && now - last < 1000) return
    last = now
    const rate = p.done / Math.max(0.001, (now - started) / 1000)
    const eta = p.done > 0 && p.done < p.total ? `, ETA ${Math.ceil((p.total - p.done) / rate)} s` : ''
    process.stderr.write(
      `sweep: ${p.done}/${p.total} runs${p.failed ? `, ${p.failed} failed` : ''} (queue: ${p.waiting} waiting, ${p.active} running, ${p.workers} workers${p.retries ? `, ${p.retries} retried` : ''}${eta})\n`
    )
  }
}

/** Collects until done (or Ctrl-C, which removes the sweep's waiting jobs), then builds the rows. */
async function collectAndTabulate(queue: Queue, repo: QueuedSweepsRepository, sweep: QueuedSweep, clock: Clock, endpoint: QueueEndpoint): Promise<QueuedSweepOutput> {
  const controller = new AbortController()
  const onInt = (): void => controller.abort()
  process.once('SIGINT', onInt)
  let lastError = ''
  try {
    await collectSweep(queue, repo, sweep, {
      clock,
      signal: controller.signal,
      onProgress: stderrProgress(clock),
      onError: (error) => {
        if (error.message !== lastError) process.stderr.write(`sweep: waiting for the queue (${error.message})\n`)
        lastError = error.message
      }
    })
  } finally {
    process.removeListener('SIGINT', onInt)
  }
  if (controller.signal.aborted) {
    const removed = await removeWaitingJobs(queue, sweep)
    repo.end(sweep.id, 'cancelled', clock.isoNow())
    process.stderr.write(`sweep: cancelled; removed ${removed} waiting jobs\n`)
  } else repo.end(sweep.id, 'completed', clock.isoNow())
  const results = new Map(repo.results(sweep.id).map((r) => [r.cell, r]))
  const table = sweep.plan.cells.map((cell, i) => {
    const r = results.get(i)
    const plan: LabPlan = planLab(cell.spec)
    const outcome: CellOutcome | undefined = r ? (r.ok && r.summary ? { ok: true, summary: r.summary } : { ok: false, error: { code: 'failed', message: r.error ?? 'failed' } }) : undefined
    return sweepRow({ label: cell.label, seed: plan.seed, changes: cell.changes, spec: cell.spec }, plan, outcome)
  })
  return { lab: sweep.lab, preset: sweep.preset, runs: sweep.cells, queue: endpoint.display, sweep: sweep.id, table }
}

/** Plans a sweep into the store, puts its cells on the queue and collects them. */
export async function queuedSweep(
  flags: QueueFlags & { db: string; log: boolean; batch?: string },
  lab: string,
  preset: string,
  planned: PlannedRun[],
  plans: LabPlan[],
  clock: Clock
): Promise<QueuedSweepOutput> {
  const endpoint = endpointOf(flags)
  const batch = flags.batch === undefined ? queueBatchSizeFor(planned.length) : Number(flags.batch)
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_QUEUE_JOB_CELLS) throw new QueueConfigError(`--batch must be a whole number from 1 to ${MAX_QUEUE_JOB_CELLS} (got ${JSON.stringify(flags.batch)})`)
  const needs = plans.findIndex((p) => p.requires.length > 0)
  if (needs >= 0) throw new QueueConfigError(`${planned[needs]!.label} needs the regime model (${plans[needs]!.requires.join(', ')}), which queue workers do not run; sweep it without --queue`)
  const db = openDatabase(flags.db)
  const queue = openQueue(endpoint)
  try {
    const repo = new QueuedSweepsRepository(db)
    const sweep = repo.create({
      id: newQueuedSweepId(),
      lab,
      preset,
      queue: endpoint.display,
      plan: { cells: planned.map((p) => ({ label: p.label, changes: p.changes, spec: p.spec })), log: flags.log, batch },
      codeVersion: CODE_VERSION,
      createdAt: clock.isoNow(),
      cells: planned.length
    })
    await enqueueCells(queue, sweep, Array.from({ length: sweep.cells }, (_, i) => i))
    process.stderr.write(`sweep: ${sweep.cells} cells queued on ${endpoint.display} (${batch} a job) as sweep ${sweep.id} (if this process stops: mechanica sweep --attach ${sweep.id} --queue ${endpoint.display})\n`)
    return await collectAndTabulate(queue, repo, sweep, clock, endpoint)
  } finally {
    await queue.close()
    db.close()
  }
}

/** `sweep --attach ID`: collects what finished while no coordinator ran and waits for the rest. */
export async function attachSweep(flags: QueueFlags & { db: string }, id: string, clock: Clock): Promise<QueuedSweepOutput> {
  const db = openDatabase(flags.db)
  try {
    const repo = new QueuedSweepsRepository(db)
    const sweep = repo.get(id)
    if (!sweep) throw new QueueConfigError(`there is no queued sweep ${JSON.stringify(id)} in ${flags.db}`)
    const endpoint = flags.queue ? endpointOf(flags) : parseQueueUrl(sweep.queue, { allowRemote: flags['allow-remote'] ?? false, caFile: flags['redis-ca'], env: process.env })
    const queue = openQueue(endpoint)
    try {
      process.stderr.write(`sweep: attached to ${sweep.id} on ${endpoint.display}; ${repo.written(sweep.id)}/${sweep.cells} cells already written\n`)
      return await collectAndTabulate(queue, repo, sweep, clock, endpoint)
    } finally {
      await queue.close()
    }
  } finally {
    db.close()
  }
}

/** `mechanica worker`: serves the queue until SIGINT or SIGTERM, then finishes its jobs and stops. */
export async function runWorker(flags: QueueFlags & { concurrency?: string; 'lock-ms'?: string }, engineFile: string, launcher: ProcessLauncher, clock: Clock): Promise<void> {
  const endpoint = endpointOf(flags)
  const concurrency = flags.concurrency === undefined ? availableParallelism() : Number(flags.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new QueueConfigError(`--concurrency must be a whole number from 1 to 64 (got ${JSON.stringify(flags.concurrency)})`)
  const lockMs = flags['lock-ms'] === undefined ? undefined : Number(flags['lock-ms'])
  if (lockMs !== undefined && (!Number.isInteger(lockMs) || lockMs < 1000)) throw new QueueConfigError(`--lock-ms must be a whole number ≥ 1000 (got ${JSON.stringify(flags['lock-ms'])})`)
  const log = (line: string): void => void process.stderr.write(`${line}\n`)
  const worker = await startQueueWorker({ endpoint, concurrency, engineFile, launcher, log, ...(lockMs ? { lockMs } : {}) })
  log(`worker: serving ${endpoint.display} with ${concurrency} engine processes (code version ${CODE_VERSION})`)
  const started = clock.nowMs()
  const timer = setInterval(() => {
    const seconds = (clock.nowMs() - started) / 1000
    log(`worker: ${worker.cellsDone} cells, ${(worker.cellsDone / seconds).toFixed(1)} cells/s`)
  }, 10_000)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  clearInterval(timer)
  await worker.close()
}
