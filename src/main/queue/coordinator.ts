import { randomBytes } from 'node:crypto'
import { Queue, type Job } from 'bullmq'
import { issuesFromZod, summariseIssues } from '../../shared/contract'
import type { Clock } from '../clock'
import type { QueuedResult, QueuedSweep, QueuedSweepsRepository } from '../store/queued-sweeps-repository'
import type { QueueEndpoint } from './connection'
import { QUEUE_NAME, SweepJobResult, jobIdOf, type SweepJob } from './jobs'

/** Tries a job gets on the queue (a killed worker's job goes back without using one). */
export const JOB_ATTEMPTS = 3
/** Jobs read back per poll. */
const PAGE = 500
/**
 * Cells per queue job by default: a job costs tens of ms of Redis round trips and bookkeeping
 * whatever it carries, so short runs travel in batches. `bench --queue` (1,000 × 800-step
 * fx-carry, 2 workers): 16 runs/s a cell a job, 31 with 4, 37 with 16, 43 with 32.
 */
export const DEFAULT_QUEUE_BATCH = 32
/** Jobs a sweep is cut into at least, so that every worker of a small sweep gets some. */
const MIN_JOBS = 32

export interface QueueProgress {
  done: number
  total: number
  failed: number
  waiting: number
  active: number
  workers: number
  /** Jobs that needed more than one attempt so far. */
  retries: number
}

export function newQueuedSweepId(): string {
  return randomBytes(6).toString('hex')
}

/** The default cells per job: batches for large sweeps, one cell per job for small ones. */
export function queueBatchSizeFor(cells: number): number {
  return Math.max(1, Math.min(DEFAULT_QUEUE_BATCH, Math.floor(cells / MIN_JOBS)))
}

export function openQueue(endpoint: QueueEndpoint): Queue {
  return new Queue(QUEUE_NAME, { connection: endpoint.connection })
}

function batchSizeOf(sweep: QueuedSweep): number {
  return sweep.plan.batch ?? 1
}

/** The first cell of the batch that carries `cell`. */
function batchStart(sweep: QueuedSweep, cell: number): number {
  const size = batchSizeOf(sweep)
  return cell - (cell % size)
}

/** Puts the batches of every cell given on the queue; a job that is already there is left as it is. */
export async function enqueueCells(queue: Queue, sweep: QueuedSweep, cells: readonly number[]): Promise<void> {
  const size = batchSizeOf(sweep)
  const firsts = [...new Set(cells.map((cell) => batchStart(sweep, cell)))]
  for (let i = 0; i < firsts.length; i += PAGE) {
    await queue.addBulk(
      firsts.slice(i, i + PAGE).map((first) => {
        const specs = sweep.plan.cells.slice(first, Math.min(first + size, sweep.cells)).map((c) => c.spec)
        const data: SweepJob = { kind: 'mechanica.sweep-cells', codeVersion: sweep.codeVersion, sweep: sweep.id, first, specs, log: sweep.plan.log }
        return { name: 'cells', data, opts: { jobId: jobIdOf(sweep.id, first), attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: false, removeOnFail: false } }
      })
    )
  }
}

/** The cells a job id names in this sweep (its batch), or null for another sweep's job. */
function cellsOf(sweep: QueuedSweep, jobId: string | undefined): { first: number; count: number } | null {
  if (!jobId?.startsWith(`${sweep.id}-`)) return null
  const first = Number(jobId.slice(sweep.id.length + 1))
  if (!Number.isInteger(first) || first < 0 || first >= sweep.cells || batchStart(sweep, first) !== first) return null
  return { first, count: Math.min(batchSizeOf(sweep), sweep.cells - first) }
}

type Collected = QueuedResult & { stepLog?: Buffer }

/** A finished job's cells as the coordinator writes them; an answer that does not parse fails every cell of it. */
function resultsOf(sweep: QueuedSweep, job: Job, batch: { first: number; count: number }, failed: boolean): Collected[] {
  const cells = Array.from({ length: batch.count }, (_, i) => batch.first + i)
  const base = (cell: number) => ({ jobId: jobIdOf(sweep.id, cell), cell, attempts: Math.max(1, job.attemptsMade), summary: null, worker: null, hasStepLog: false })
  const failAll = (error: string, worker: string | null = null): Collected[] => cells.map((cell) => ({ ...base(cell), worker, ok: false, error }))
  if (failed) return failAll(job.failedReason || 'failed on the queue')
  const parsed = SweepJobResult.safeParse(job.returnvalue)
  if (!parsed.success) return failAll(`a worker answered with a malformed result: ${summariseIssues(issuesFromZod(parsed.error, job.returnvalue, 'result'))}`)
  const r = parsed.data
  const worker = `${r.worker.host}:${r.worker.pid}`
  if (r.codeVersion !== sweep.codeVersion) return failAll(`worker ${worker} runs code version ${r.codeVersion}, not ${sweep.codeVersion}`, worker)
  if (r.cells.length !== batch.count) return failAll(`worker ${worker} answered ${r.cells.length} cells for a batch of ${batch.count}`, worker)
  return cells.map((cell, i) => {
    const { outcome, stepLog } = r.cells[i]!
    if (!outcome.ok) return { ...base(cell), worker, ok: false, error: outcome.error.message }
    return { ...base(cell), worker, ok: true, error: null, summary: outcome.summary, ...(stepLog ? { stepLog: Buffer.from(stepLog, 'base64'), hasStepLog: true } : {}) }
  })
}

/**
 * Collects a queued sweep into the store until every cell is written: finished jobs are read
 * back, written in one transaction per poll (idempotently, by job id), then removed from Redis.
 * Survives Redis going away (it waits and polls again) and a restart of itself (what was
 * written stays; `sweep --attach` starts here again). A cell whose job vanished from Redis (a
 * Redis without persistence restarted) is put on the queue again.
 */
export async function collectSweep(
  queue: Queue,
  repo: QueuedSweepsRepository,
  sweep: QueuedSweep,
  options: { clock: Clock; signal?: AbortSignal; pollMs?: number; onProgress?: (p: QueueProgress, workers: string[]) => void; onError?: (error: Error) => void }
): Promise<void> {
  const written = new Set(repo.results(sweep.id).map((r) => r.cell))
  const pollMs = options.pollMs ?? 100
  let retries = 0
  let lastCheck = options.clock.nowMs()
  while (written.size < sweep.cells && !options.signal?.aborted) {
    try {
      const batch: Array<QueuedResult & { stepLog?: Buffer }> = []
      const collected: Job[] = []
      for (const [state, failed] of [['completed', false], ['failed', true]] as const) {
        const jobs = (await queue.getJobs([state], 0, PAGE - 1, true)) as Job[]
        for (const job of jobs) {
          const cells = cellsOf(sweep, job.id)
          if (cells === null) continue
          collected.push(job)
          // A batch seen again (a coordinator that restarted before removing it) adds nothing.
          const fresh = resultsOf(sweep, job, cells, failed).filter((r) => !written.has(r.cell))
          if (fresh.length > 0 && job.attemptsMade > 1) retries++
          for (const result of fresh) {
            batch.push(result)
            written.add(result.cell)
          }
        }
      }
      if (batch.length > 0) repo.write(sweep.id, batch, options.clock.isoNow())
      // Removed only once written: a coordinator killed in between finds them again and skips them.
      await Promise.all(collected.map((job) => job.remove().catch(() => undefined)))
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      if (options.onProgress) {
        const workers = await workerNames(queue).catch(() => [])
        const failedCount = repo.failed(sweep.id)
        options.onProgress(
          { done: written.size, total: sweep.cells, failed: failedCount, waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, workers: workers.length, retries },
          workers
        )
      }
      const now = options.clock.nowMs()
      if (batch.length === 0 && now - lastCheck > 2000) {
        lastCheck = now
        const missing: number[] = []
        const size = batchSizeOf(sweep)
        for (let first = 0; first < sweep.cells; first += size) {
          let open = false
          for (let cell = first; cell < Math.min(first + size, sweep.cells) && !open; cell++) open = !written.has(cell)
          if (open && (await queue.getJobState(jobIdOf(sweep.id, first))) === 'unknown') missing.push(first)
        }
        if (missing.length > 0) await enqueueCells(queue, sweep, missing)
      }
    } catch (error) {
      // Redis away (restarting, network): keep what is written, poll again once it is back.
      options.onError?.(error as Error)
    }
    if (written.size < sweep.cells) await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

/** The workers connected to the queue, by the name each gives itself (`host:pid`, see worker.ts). */
export async function workerNames(queue: Queue): Promise<string[]> {
  const clients = (await queue.getWorkers()) as Array<{ rawname?: string; name?: string }>
  const names = clients.map((c) => {
    const raw = c.rawname ?? c.name ?? ''
    const at = raw.indexOf(':w:')
    return at >= 0 ? raw.slice(at + 3) : raw
  })
  return [...new Set(names.filter(Boolean))].sort()
}

/** Removes a sweep's jobs that no worker has taken yet; returns how many jobs. */
export async function removeWaitingJobs(queue: Queue, sweep: QueuedSweep): Promise<number> {
  let removed = 0
  for (;;) {
    const jobs = ((await queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, PAGE - 1, true)) as Job[]).filter((j) => cellsOf(sweep, j.id) !== null)
    if (jobs.length === 0) return removed
    const results = await Promise.all(jobs.map((j) => j.remove().then(() => 1, () => 0)))
    const n = results.reduce<number>((a, b) => a + b, 0)
    removed += n
    if (n === 0) return removed
  }
}
