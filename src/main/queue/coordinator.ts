import { randomBytes } from 'node:crypto'
import { Queue, type Job } from 'bullmq'
import { issuesFromZod, summariseIssues } from '../../shared/contract'
import type { Clock } from '../clock'
import type { QueuedResult, QueuedSweep, QueuedSweepsRepository } from '../store/queued-sweeps-repository'
import type { QueueEndpoint } from './connection'
import { QUEUE_NAME, SweepJobResult, jobIdOf, type SweepJob } from './jobs'

/** Tries a cell gets on the queue (a killed worker's job goes back without using one). */
export const JOB_ATTEMPTS = 3
/** Jobs read back per poll. */
const PAGE = 500

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

export function openQueue(endpoint: QueueEndpoint): Queue {
  return new Queue(QUEUE_NAME, { connection: endpoint.connection })
}

/** Puts every cell not yet written on the queue; a job that is already there is left as it is. */
export async function enqueueCells(queue: Queue, sweep: QueuedSweep, cells: readonly number[]): Promise<void> {
  for (let i = 0; i < cells.length; i += PAGE) {
    await queue.addBulk(
      cells.slice(i, i + PAGE).map((cell) => {
        const planned = sweep.plan.cells[cell]!
        const data: SweepJob = { kind: 'mechanica.sweep-cell', codeVersion: sweep.codeVersion, sweep: sweep.id, cell, spec: planned.spec, log: sweep.plan.log }
        return { name: 'cell', data, opts: { jobId: jobIdOf(sweep.id, cell), attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: false, removeOnFail: false } }
      })
    )
  }
}

/** The cell a job id names in this sweep, or null for another sweep's job. */
function cellOf(sweep: QueuedSweep, jobId: string | undefined): number | null {
  if (!jobId?.startsWith(`${sweep.id}-`)) return null
  const cell = Number(jobId.slice(sweep.id.length + 1))
  return Number.isInteger(cell) && cell >= 0 && cell < sweep.cells ? cell : null
}

/** A finished job as the coordinator writes it; an answer that does not parse is the cell's failure. */
function resultOf(sweep: QueuedSweep, job: Job, cell: number, failed: boolean): QueuedResult & { stepLog?: Buffer } {
  const base = { jobId: job.id!, cell, attempts: Math.max(1, job.attemptsMade), summary: null, worker: null, hasStepLog: false }
  if (failed) return { ...base, ok: false, error: job.failedReason || 'failed on the queue' }
  const parsed = SweepJobResult.safeParse(job.returnvalue)
  if (!parsed.success) return { ...base, ok: false, error: `a worker answered with a malformed result: ${summariseIssues(issuesFromZod(parsed.error, job.returnvalue, 'result'))}` }
  const r = parsed.data
  const worker = `${r.worker.host}:${r.worker.pid}`
  if (r.codeVersion !== sweep.codeVersion) return { ...base, worker, ok: false, error: `worker ${worker} runs code version ${r.codeVersion}, not ${sweep.codeVersion}` }
  if (!r.outcome.ok) return { ...base, worker, ok: false, error: r.outcome.error.message }
  return { ...base, worker, ok: true, error: null, summary: r.outcome.summary, ...(r.stepLog ? { stepLog: Buffer.from(r.stepLog, 'base64'), hasStepLog: true } : {}) }
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
  options: { clock: Clock; signal?: AbortSignal; pollMs?: number; onProgress?: (p: QueueProgress) => void; onError?: (error: Error) => void }
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
          const cell = cellOf(sweep, job.id)
          if (cell === null) continue
          collected.push(job)
          if (written.has(cell)) continue
          const result = resultOf(sweep, job, cell, failed)
          if (result.attempts > 1) retries++
          batch.push(result)
          written.add(cell)
        }
      }
      if (batch.length > 0) repo.write(sweep.id, batch, options.clock.isoNow())
      // Removed only once written: a coordinator killed in between finds them again and skips them.
      await Promise.all(collected.map((job) => job.remove().catch(() => undefined)))
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      if (options.onProgress) {
        const workers = await queue.getWorkersCount().catch(() => 0)
        const failedCount = repo.results(sweep.id).filter((r) => !r.ok).length
        options.onProgress({ done: written.size, total: sweep.cells, failed: failedCount, waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, workers, retries })
      }
      const now = options.clock.nowMs()
      if (batch.length === 0 && now - lastCheck > 2000) {
        lastCheck = now
        const missing: number[] = []
        for (let cell = 0; cell < sweep.cells; cell++) {
          if (!written.has(cell) && (await queue.getJobState(jobIdOf(sweep.id, cell))) === 'unknown') missing.push(cell)
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

/** Removes a sweep's jobs that no worker has taken yet; returns how many. */
export async function removeWaitingJobs(queue: Queue, sweep: QueuedSweep): Promise<number> {
  let removed = 0
  for (;;) {
    const jobs = ((await queue.getJobs(['waiting', 'delayed', 'prioritized'], 0, PAGE - 1, true)) as Job[]).filter((j) => cellOf(sweep, j.id) !== null)
    if (jobs.length === 0) return removed
    const results = await Promise.all(jobs.map((j) => j.remove().then(() => 1, () => 0)))
    const n = results.reduce<number>((a, b) => a + b, 0)
    removed += n
    if (n === 0) return removed
  }
}
