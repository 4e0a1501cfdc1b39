import type { LabRunSpec, RunStatus } from '../../shared/contract'
import type { CellSummary } from '../../shared/contract/protocol'
import type { Db } from './database'
import type { StoredSweepSpec } from './sweeps-repository'

/** A queued sweep's cells as planned: what `sweep --attach` needs to print the same rows again. */
export interface QueuedPlan {
  cells: Array<{ label: string; changes: Record<string, unknown>; spec: LabRunSpec; coords?: number[] }>
  log: boolean
  /** The app's sweep request (axes, seeds), for the Sweeps view; absent for the CLI's sweeps. */
  sweep?: StoredSweepSpec
  /** Cells per queue job (consecutive cells; absent in sweeps planned before batching: 1). */
  batch?: number
}

export interface QueuedSweep {
  id: string
  lab: string
  preset: string
  /** The queue's URL without its password. */
  queue: string
  plan: QueuedPlan
  codeVersion: string
  status: RunStatus
  createdAt: string
  finishedAt: string | null
  cells: number
}

/** One cell's result as the coordinator wrote it. */
export interface QueuedResult {
  /** The cell's key, `<sweep>-<cell>` (jobIdOf): one row per cell, whichever job carried it. */
  jobId: string
  cell: number
  ok: boolean
  summary: CellSummary | null
  error: string | null
  worker: string | null
  attempts: number
  hasStepLog: boolean
}

interface SweepRow {
  id: string
  lab: string
  preset: string
  queue: string
  plan_json: string
  code_version: string
  status: RunStatus
  created_at: string
  finished_at: string | null
  cells: number
}

interface ResultRow {
  job_id: string
  cell: number
  ok: number
  summary_json: string | null
  error: string | null
  worker: string | null
  attempts: number
  has_log: number
}

/**
 * Sweeps whose cells ran on queue workers. Only the coordinator writes here, and a result is
 * keyed by its job id: writing a job's result twice (a retried job, a collector that restarted)
 * keeps the first row and reports that nothing new was written.
 */
export class QueuedSweepsRepository {
  private readonly insertSweep
  private readonly insertResult
  private readonly getSweep
  private readonly resultsOf
  private readonly countOf
  private readonly endSweep
  private readonly failedOf
  private readonly byWorker
  private readonly recent

  constructor(private readonly db: Db) {
    this.insertSweep = db.prepare(
      `INSERT INTO queued_sweeps (id, lab, preset, queue, plan_json, code_version, status, created_at, cells) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)`
    )
    this.insertResult = db.prepare(
      `INSERT INTO queued_results (job_id, sweep_id, cell, ok, results_hash, summary_json, error, worker, attempts, step_log, written_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
    )
    this.getSweep = db.prepare(`SELECT * FROM queued_sweeps WHERE id = ?`)
    this.resultsOf = db.prepare(
      `SELECT job_id, cell, ok, summary_json, error, worker, attempts, step_log IS NOT NULL AS has_log FROM queued_results WHERE sweep_id = ? ORDER BY cell`
    )
    this.countOf = db.prepare(`SELECT count(*) FROM queued_results WHERE sweep_id = ?`).pluck()
    this.endSweep = db.prepare(`UPDATE queued_sweeps SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'`)
    this.failedOf = db.prepare(`SELECT count(*) FROM queued_results WHERE sweep_id = ? AND ok = 0`).pluck()
    this.byWorker = db.prepare(`SELECT worker, count(*) AS cells FROM queued_results WHERE sweep_id = ? AND worker IS NOT NULL GROUP BY worker ORDER BY worker`)
    this.recent = db.prepare(`SELECT * FROM queued_sweeps ORDER BY created_at DESC, id LIMIT ?`)
  }

  create(sweep: Omit<QueuedSweep, 'status' | 'finishedAt'>): QueuedSweep {
    this.insertSweep.run(sweep.id, sweep.lab, sweep.preset, sweep.queue, JSON.stringify(sweep.plan), sweep.codeVersion, sweep.createdAt, sweep.cells)
    return this.get(sweep.id)!
  }

  get(id: string): QueuedSweep | null {
    const row = this.getSweep.get(id) as SweepRow | undefined
    return row ? toSweep(row) : null
  }

  /**
   * Writes a batch of results in one transaction; returns how many were new. A job id already
   * written (or a cell already filled) is skipped, never doubled.
   */
  write(sweepId: string, results: Array<Omit<QueuedResult, 'hasStepLog'> & { stepLog?: Buffer }>, writtenAt: string): number {
    return this.db.transaction(() => {
      let added = 0
      for (const r of results) {
        added += this.insertResult.run(
          r.jobId,
          sweepId,
          r.cell,
          r.ok ? 1 : 0,
          r.summary?.resultsHash ?? null,
          r.summary ? JSON.stringify(r.summary) : null,
          r.error,
          r.worker,
          r.attempts,
          r.stepLog ?? null,
          writtenAt
        ).changes
      }
      return added
    })()
  }

  results(sweepId: string): QueuedResult[] {
    return (this.resultsOf.all(sweepId) as ResultRow[]).map((r) => ({
      jobId: r.job_id,
      cell: r.cell,
      ok: r.ok === 1,
      summary: r.summary_json === null ? null : (JSON.parse(r.summary_json) as CellSummary),
      error: r.error,
      worker: r.worker,
      attempts: r.attempts,
      hasStepLog: r.has_log === 1
    }))
  }

  written(sweepId: string): number {
    return this.countOf.get(sweepId) as number
  }

  failed(sweepId: string): number {
    return this.failedOf.get(sweepId) as number
  }

  /** Cells written per worker (`host:pid`), for the workers table. */
  cellsByWorker(sweepId: string): Array<{ worker: string; cells: number }> {
    return this.byWorker.all(sweepId) as Array<{ worker: string; cells: number }>
  }

  /** The newest queued sweeps first. */
  list(limit: number): QueuedSweep[] {
    return (this.recent.all(limit) as SweepRow[]).map(toSweep)
  }

  end(id: string, status: Exclude<RunStatus, 'running'>, at: string): void {
    this.endSweep.run(status, at, id)
  }
}

function toSweep(row: SweepRow): QueuedSweep {
  return {
    id: row.id,
    lab: row.lab,
    preset: row.preset,
    queue: row.queue,
    plan: JSON.parse(row.plan_json) as QueuedPlan,
    codeVersion: row.code_version,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    cells: row.cells
  }
}
