import { RunResults, RunSpec, type RunStatus, type RunSummary, type TaskOutput } from '../../shared/contract'
import type { Db } from './database'
import { blobToFloat64, float64ToBlob, joinSeries, splitSeries } from './series-codec'
import { STEP_CHUNK, decodeChunkRows, encodeStepChunks, encodeStepLog, stepLogMeta, type StepLogMeta, type StepRow } from './step-log'

export type { StepRow } from './step-log'
import type { StepLogSlice, StepRecordBatch } from '../engine/kernel/step-records'
import { LINK_BYTES } from '../audit/chain'

/** Statuses a run ends in without results; its committed decision log is kept, marked partial. */
const UNFINISHED: ReadonlySet<RunStatus> = new Set(['cancelled', 'failed', 'interrupted'])

/** Every runs row is read with the size of its stored decision log (null: none). */
const RUN_COLUMNS = `runs.*, (SELECT steps FROM run_step_log WHERE run_id = runs.id) AS logged_steps`

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
  logged_steps: number | null
}

export interface NewRun {
  spec: RunSpec
  /** The seed the run really uses (a lab spec may leave it to the preset). */
  seed: number
  /** Steps the run will take, for progress. */
  steps: number
  configHash: string
  codeVersion: string
  createdAt: string
}

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
    error: row.error,
    loggedSteps: row.logged_steps ?? 0,
    partial: UNFINISHED.has(row.status) && (row.logged_steps ?? 0) > 0
  }
}

/** A run left `running` by a session that stopped, as recoverInterrupted sees it. */
export interface InterruptedRun {
  id: number
  spec: RunSpec
  loggedSteps: number
}

/** Every query about runs, as prepared statements on the one writer connection. */
export class RunsRepository {
  private readonly insertStmt
  private readonly progressStmt
  private readonly finishStmt
  private readonly endStmt
  private readonly insertResultsStmt
  private readonly insertSeriesStmt
  private readonly insertStepLogStmt
  private readonly insertStepChunkStmt
  private readonly stepLogStmt
  private readonly stepChunkStmt
  private readonly stepColumnStmt
  private readonly stepEventsStmt
  private readonly stepEventsBetweenStmt
  private readonly insertEventStmt
  private readonly chainHeadStmt
  private readonly getStmt
  private readonly resultsStmt
  private readonly seriesStmt
  private readonly eventsStmt
  private readonly listAllStmt
  private readonly listByStatusStmt
  private readonly countAllStmt
  private readonly countByStatusStmt
  private readonly interruptStmt
  private readonly runningStmt
  private readonly interruptOneStmt
  private readonly updateStepLogStmt
  private readonly eventCountStmt
  private readonly sliceProgressStmt

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
    this.insertResultsStmt = db.prepare(`INSERT INTO run_results (run_id, kind, results_json) VALUES (?, ?, ?)`)
    this.insertSeriesStmt = db.prepare(`INSERT INTO run_series (run_id, name, data) VALUES (?, ?, ?)`)
    this.insertStepLogStmt = db.prepare(`INSERT INTO run_step_log (run_id, steps, meta_json) VALUES (?, ?, ?)`)
    this.insertStepChunkStmt = db.prepare(`INSERT INTO run_step_chunks (run_id, chunk, t0, n, name, data) VALUES (?, ?, ?, ?, ?, ?)`)
    this.stepLogStmt = db.prepare(`SELECT steps, meta_json FROM run_step_log WHERE run_id = ?`)
    this.stepChunkStmt = db.prepare(`SELECT name, data FROM run_step_chunks WHERE run_id = ? AND chunk = ?`)
    this.stepColumnStmt = db.prepare(`SELECT data FROM run_step_chunks WHERE run_id = ? AND chunk = ? AND name = ?`).pluck()
    this.stepEventsStmt = db.prepare(`SELECT t, rule, message FROM run_events WHERE run_id = ? ORDER BY seq`)
    this.stepEventsBetweenStmt = db.prepare(`SELECT t, rule, message FROM run_events WHERE run_id = ? AND t BETWEEN ? AND ? ORDER BY seq`)
    this.insertEventStmt = db.prepare(
      `INSERT INTO run_events (run_id, seq, t, rule, message, before_json, after_json, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
    )
    this.chainHeadStmt = db.prepare(`UPDATE runs SET chain_head = ? WHERE id = ?`)
    this.getStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`)
    this.resultsStmt = db.prepare(`SELECT kind, results_json FROM run_results WHERE run_id = ?`)
    this.seriesStmt = db.prepare(`SELECT name, data FROM run_series WHERE run_id = ?`)
    this.eventsStmt = db.prepare(`SELECT * FROM run_events WHERE run_id = ? ORDER BY seq`)
    this.listAllStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.listByStatusStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = ? ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.countAllStmt = db.prepare(`SELECT count(*) AS n FROM runs`).pluck()
    this.countByStatusStmt = db.prepare(`SELECT count(*) AS n FROM runs WHERE status = ?`).pluck()
    this.interruptStmt = db.prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, error = 'Mechanica stopped while this run was in progress.'
       WHERE status = 'running'`
    )
    this.runningStmt = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'running' ORDER BY id`)
    this.interruptOneStmt = db.prepare(
      `UPDATE runs SET status = 'interrupted', finished_at = ?, progress_done = max(progress_done, ?), error = ? WHERE id = ? AND status = 'running'`
    )
    this.updateStepLogStmt = db.prepare(`UPDATE run_step_log SET steps = ?, meta_json = ? WHERE run_id = ?`)
    this.eventCountStmt = db.prepare(`SELECT count(*) FROM run_events WHERE run_id = ?`).pluck()
    this.sliceProgressStmt = db.prepare(`UPDATE runs SET chain_head = ?, progress_done = max(progress_done, ?) WHERE id = ? AND status = 'running'`)
  }

  create(run: NewRun): RunSummary {
    const result = this.insertStmt.run({
      task: run.spec.task,
      spec_json: JSON.stringify(run.spec),
      config_hash: run.configHash,
      code_version: run.codeVersion,
      seed: run.seed,
      created_at: run.createdAt,
      progress_total: run.steps
    })
    return this.require(Number(result.lastInsertRowid))
  }

  recordProgress(id: number, done: number): void {
    this.progressStmt.run(done, id)
  }

  /**
   * Results, series, step records, events and the status land together or not at all. A run
   * whose log was committed slice by slice (appendStepLog) passes its last slice as `logTail`
   * instead of `records`; it lands in the same transaction.
   */
  complete(id: number, finishedAt: string, output: TaskOutput, records?: StepRecordBatch, logTail?: StepLogSlice): RunSummary {
    const { json, series } = splitSeries(output.results)
    if (logTail && output.results.kind === 'lab' && output.results.manifest.chainHead !== logTail.chain.head) {
      throw new Error(`run ${id}: the decision log's last slice ends on chain head ${logTail.chain.head.slice(0, 12)}…, not on the manifest's`)
    }
    this.db.transaction(() => {
      if (logTail) this.writeSlice(id, logTail)
      const changed = this.finishStmt.run(finishedAt, output.resultsHash, id).changes
      if (changed !== 1) throw new Error(`run ${id} is not running; its results were not stored`)
      this.insertResultsStmt.run(id, output.results.kind, json)
      for (const s of series) this.insertSeriesStmt.run(id, s.name, float64ToBlob(s.data))
      if (records) this.insertRecords(id, records)
    })()
    return this.require(id)
  }

  /**
   * Commits one slice of a running run's decision log in its own transaction: its chunks, its
   * events with their links, the step count and name tables, and the chain head so far. A
   * run stopped at any point keeps a log that verifies up to its last committed slice.
   * Returns the steps now stored.
   */
  appendStepLog(id: number, slice: StepLogSlice): number {
    return this.db.transaction(() => this.writeSlice(id, slice))()
  }

  /**
   * The name tables are written with the first slice and rewritten (same row, same
   * transaction) only when a slice brings rationales the table lacks; the table is
   * append-only, so every chunk committed earlier decodes through any later one.
   */
  private writeSlice(id: number, slice: StepLogSlice): number {
    const log = this.stepLogStmt.get(id) as { steps: number; meta_json: string } | undefined
    const stored = log?.steps ?? 0
    if (slice.first !== stored) throw new Error(`run ${id}: a slice of the decision log starts at step ${slice.first}, but the log holds ${stored} steps`)
    const events = this.eventCountStmt.get(id) as number
    if (slice.firstEvent !== events) throw new Error(`run ${id}: a slice of the decision log starts at event ${slice.firstEvent}, but the log holds ${events} events`)
    const steps = stored + slice.t.length
    if (!log) {
      if (slice.rationalesFrom !== 0) throw new Error(`run ${id}: the first slice of the decision log starts its rationales at ${slice.rationalesFrom}`)
      this.insertStepLogStmt.run(id, steps, JSON.stringify(stepLogMeta(slice, slice.newRationales)))
    } else {
      const meta = JSON.parse(log.meta_json) as StepLogMeta
      if (slice.rationalesFrom !== meta.rationales.length) throw new Error(`run ${id}: a slice adds rationales from ${slice.rationalesFrom}, but the table holds ${meta.rationales.length}`)
      meta.rationales.push(...slice.newRationales)
      this.updateStepLogStmt.run(steps, slice.newRationales.length > 0 ? JSON.stringify(meta) : log.meta_json, id)
    }
    for (const chunk of encodeStepChunks(slice, slice.first)) {
      for (const column of chunk.columns) this.insertStepChunkStmt.run(id, chunk.index, chunk.t0, chunk.n, column.name, column.data)
    }
    const links = slice.chain.eventLinks
    slice.events.forEach((e, k) =>
      this.insertEventStmt.run(id, slice.firstEvent + k, e.t, e.rule, e.message, JSON.stringify(e.before), JSON.stringify(e.after), Buffer.from(links.subarray(k * LINK_BYTES, (k + 1) * LINK_BYTES)))
    )
    if (this.sliceProgressStmt.run(slice.chain.head, steps, id).changes !== 1) throw new Error(`run ${id} is not running; a slice of its decision log was not stored`)
    return steps
  }

  private insertRecords(id: number, r: StepRecordBatch): void {
    const { meta, steps, chunks } = encodeStepLog(r)
    this.insertStepLogStmt.run(id, steps, JSON.stringify(meta))
    for (const chunk of chunks) {
      for (const column of chunk.columns) this.insertStepChunkStmt.run(id, chunk.index, chunk.t0, chunk.n, column.name, column.data)
    }
    const links = r.chain?.eventLinks
    r.events.forEach((e, seq) =>
      this.insertEventStmt.run(id, seq, e.t, e.rule, e.message, JSON.stringify(e.before), JSON.stringify(e.after), links ? Buffer.from(links.subarray(seq * LINK_BYTES, (seq + 1) * LINK_BYTES)) : null)
    )
    if (r.chain) this.chainHeadStmt.run(r.chain.head, id)
  }

  end(id: number, status: Exclude<RunStatus, 'running' | 'completed'>, finishedAt: string, done: number, error: string | null): RunSummary {
    this.endStmt.run(status, finishedAt, done, error, id)
    return this.require(id)
  }

  /**
   * At start-up: runs left 'running' by a previous session can never finish. `describe` words
   * the error of each (its committed log is kept, partial); without it every one gets the
   * plain message.
   */
  markInterrupted(at: string, describe?: (run: InterruptedRun) => string): number {
    if (!describe) return this.interruptStmt.run(at).changes
    return this.db.transaction(() => {
      let changed = 0
      for (const row of this.runningStmt.all() as RunRow[]) {
        const run = { id: row.id, spec: RunSpec.parse(JSON.parse(row.spec_json)), loggedSteps: row.logged_steps ?? 0 }
        changed += this.interruptOneStmt.run(at, run.loggedSteps, describe(run), row.id).changes
      }
      return changed
    })()
  }

  get(id: number): RunSummary | null {
    const row = this.getStmt.get(id) as RunRow | undefined
    return row ? toSummary(row) : null
  }

  results(id: number): RunResults | null {
    const row = this.resultsStmt.get(id) as { kind: string; results_json: string } | undefined
    if (!row) return null
    const series = new Map((this.seriesStmt.all(id) as Array<{ name: string; data: Buffer }>).map((s) => [s.name, blobToFloat64(s.data)]))
    const parsed = RunResults.safeParse(joinSeries(row.results_json, series))
    if (!parsed.success) throw new Error(`the stored results of run #${id} do not match this build's schema (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')})`)
    return parsed.data
  }

  /** A page of step records from step `fromT`, in step order: reads only the chunks the page spans. */
  steps(id: number, fromT: number, limit: number): StepRow[] {
    const log = this.stepLogStmt.get(id) as { steps: number; meta_json: string } | undefined
    if (!log || limit <= 0) return []
    const meta = JSON.parse(log.meta_json) as StepLogMeta
    const rows: StepRow[] = []
    const end = Math.min(log.steps, Math.max(0, fromT) + limit)
    for (let t = Math.max(0, fromT); t < end; ) {
      const chunk = Math.floor(t / STEP_CHUNK)
      const columns = new Map((this.stepChunkStmt.all(id, chunk) as Array<{ name: string; data: Buffer }>).map((c) => [c.name, c.data]))
      const to = Math.min(end, (chunk + 1) * STEP_CHUNK)
      rows.push(...decodeChunkRows(meta, columns, t - chunk * STEP_CHUNK, to - chunk * STEP_CHUNK))
      t = to
    }
    return rows
  }

  /** The decision log's header (step count and name tables), or null when the run logged no steps. */
  stepLog(id: number): { steps: number; meta: StepLogMeta } | null {
    const log = this.stepLogStmt.get(id) as { steps: number; meta_json: string } | undefined
    return log ? { steps: log.steps, meta: JSON.parse(log.meta_json) as StepLogMeta } : null
  }

  /** One column of one chunk of the decision log, as stored (filters decode only what they test). */
  stepColumn(id: number, chunk: number, name: string): Buffer | null {
    return (this.stepColumnStmt.get(id, chunk, name) as Buffer | undefined) ?? null
  }

  /** Every column of one chunk of the decision log, in one read. */
  stepChunk(id: number, chunk: number): Map<string, Buffer> {
    return new Map((this.stepChunkStmt.all(id, chunk) as Array<{ name: string; data: Buffer }>).map((c) => [c.name, c.data]))
  }

  /** Constraint events of steps [from, to], without their before/after vectors, in logged order. */
  stepEventsBetween(id: number, from: number, to: number): Array<{ t: number; rule: string; message: string }> {
    return this.stepEventsBetweenStmt.all(id, from, to) as Array<{ t: number; rule: string; message: string }>
  }

  /** Constraint events without their before/after vectors, in step order, for filtering the log. */
  stepEvents(id: number): Array<{ t: number; rule: string; message: string }> {
    return this.stepEventsStmt.all(id) as Array<{ t: number; rule: string; message: string }>
  }

  events(id: number): Array<{ seq: number; t: number; rule: string; message: string; before: number[]; after: number[] }> {
    return (this.eventsStmt.all(id) as Array<{ seq: number; t: number; rule: string; message: string; before_json: string; after_json: string }>).map(
      (e) => ({ seq: e.seq, t: e.t, rule: e.rule, message: e.message, before: JSON.parse(e.before_json), after: JSON.parse(e.after_json) })
    )
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
