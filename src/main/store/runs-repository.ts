import { RandomWalkSummary, RunSpec, type RunResults, type RunStatus, type RunSummary } from '../../shared/contract'
import type { Db } from './database'

interface RunRow {
  id: number
  task: string
  spec_json: string
  config_hash: string
  code_version: string
  seed: number
  status: RunStatus
  created_at: string
  started_at: string | null
  finished_at: string | null
  progress_done: number
  progress_total: number
  results_hash: string | null
  error: string | null
}

interface ResultRow {
  summary_json: string
  path_stride: number
  path: Buffer
}

export interface NewRun {
  spec: RunSpec
  configHash: string
  codeVersion: string
  createdAt: string
}

export type StoredResults = Omit<RunResults, 'resultsHash'>

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    task: row.task,
    spec: RunSpec.parse(JSON.parse(row.spec_json)),
    seed: row.seed,
    configHash: row.config_hash,
    codeVersion: row.code_version,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
    resultsHash: row.results_hash,
    error: row.error
  }
}

/** Every query about runs, as prepared statements on the one writer connection. */
export class RunsRepository {
  private readonly insertStmt
  private readonly progressStmt
  private readonly finishStmt
  private readonly endStmt
  private readonly insertResultsStmt
  private readonly getStmt
  private readonly resultsStmt
  private readonly listAllStmt
  private readonly listByStatusStmt
  private readonly countAllStmt
  private readonly countByStatusStmt
  private readonly interruptStmt

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, progress_total)
       VALUES (@task, @spec_json, @config_hash, @code_version, @seed, 'running', @created_at, @created_at, @progress_total)`
    )
    this.progressStmt = db.prepare(`UPDATE runs SET progress_done = ? WHERE id = ? AND status = 'running'`)
    this.finishStmt = db.prepare(
      `UPDATE runs SET status = 'completed', finished_at = ?, progress_done = progress_total, results_hash = ?
       WHERE id = ? AND status = 'running'`
    )
    this.endStmt = db.prepare(
      `UPDATE runs SET status = ?, finished_at = ?, progress_done = max(progress_done, ?), error = ?
       WHERE id = ? AND status = 'running'`
    )
    this.insertResultsStmt = db.prepare(
      `INSERT INTO run_results (run_id, summary_json, path_stride, path) VALUES (?, ?, ?, ?)`
    )
    this.getStmt = db.prepare(`SELECT * FROM runs WHERE id = ?`)
    this.resultsStmt = db.prepare(`SELECT summary_json, path_stride, path FROM run_results WHERE run_id = ?`)
    this.listAllStmt = db.prepare(`SELECT * FROM runs ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.listByStatusStmt = db.prepare(`SELECT * FROM runs WHERE status = ? ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.countAllStmt = db.prepare(`SELECT count(*) AS n FROM runs`).pluck()
    this.countByStatusStmt = db.prepare(`SELECT count(*) AS n FROM runs WHERE status = ?`).pluck()
    this.interruptStmt = db.prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'Mechanica stopped while this run was in progress.'
       WHERE status = 'running'`
    )
  }

  create(run: NewRun): RunSummary {
    const result = this.insertStmt.run({
      task: run.spec.task,
      spec_json: JSON.stringify(run.spec),
      config_hash: run.configHash,
      code_version: run.codeVersion,
      seed: run.spec.seed,
      created_at: run.createdAt,
      progress_total: run.spec.steps
    })
    return this.require(Number(result.lastInsertRowid))
  }

  recordProgress(id: number, done: number): void {
    this.progressStmt.run(done, id)
  }

  /** Results and status land together or not at all. */
  complete(id: number, finishedAt: string, results: RunResults): RunSummary {
    this.db.transaction(() => {
      const changed = this.finishStmt.run(finishedAt, results.resultsHash, id).changes
      if (changed !== 1) throw new Error(`run ${id} is not running; its results were not stored`)
      const path = results.path
      this.insertResultsStmt.run(
        id,
        JSON.stringify(results.summary),
        results.pathStride,
        Buffer.from(path.buffer, path.byteOffset, path.byteLength)
      )
    })()
    return this.require(id)
  }

  end(id: number, status: Exclude<RunStatus, 'running' | 'completed'>, finishedAt: string, done: number, error: string | null): RunSummary {
    this.endStmt.run(status, finishedAt, done, error, id)
    return this.require(id)
  }

  /** At start-up: runs left 'running' by a previous session can never finish. */
  markInterrupted(at: string): number {
    return this.interruptStmt.run(at).changes
  }

  get(id: number): RunSummary | null {
    const row = this.getStmt.get(id) as RunRow | undefined
    return row ? toSummary(row) : null
  }

  results(id: number): StoredResults | null {
    const row = this.resultsStmt.get(id) as ResultRow | undefined
    if (!row) return null
    // Copy into an aligned buffer: SQLite's blob memory need not be 8-byte aligned.
    const path = new Float64Array(row.path.byteLength / 8)
    new Uint8Array(path.buffer).set(row.path)
    const summary = RandomWalkSummary.safeParse(JSON.parse(row.summary_json))
    if (!summary.success) throw new Error(`the stored results of run #${id} do not match this build's schema`)
    return { summary: summary.data, pathStride: row.path_stride, path }
  }

  list(options: { limit: number; offset: number; status?: RunStatus | undefined }): { runs: RunSummary[]; total: number } {
    const rows = (
      options.status
        ? this.listByStatusStmt.all(options.status, options.limit, options.offset)
        : this.listAllStmt.all(options.limit, options.offset)
    ) as RunRow[]
    const total = (options.status ? this.countByStatusStmt.get(options.status) : this.countAllStmt.get()) as number
    return { runs: rows.map(toSummary), total }
  }

  private require(id: number): RunSummary {
    const run = this.get(id)
    if (!run) throw new Error(`run ${id} does not exist`)
    return run
  }
}
