import type { SweepCell, SweepCellStatus, SweepStatus, SweepSummary } from '../../shared/contract/sweeps'
import type { RunStatus } from '../../shared/contract'
import type { Db } from './database'

/** What a sweep was asked to do, stored as given (axes in order, the seed range, the shared overrides). */
export interface StoredSweepSpec {
  kind: 'grid' | 'seeds'
  axes: Array<{ path: string; values: Array<number | string | boolean> }>
  seeds: { from: number; to: number } | null
  overrides: Record<string, unknown>
  seed: number | null
}

export interface NewSweepCell {
  label: string
  seed: number | null
  coords: number[]
  changes: Record<string, unknown>
}

interface SweepRow {
  id: number
  lab: string
  preset: string
  spec_json: string
  status: SweepStatus
  created_at: string
  finished_at: string | null
  cells: number
}

interface CellRow {
  cell: number
  label: string
  seed: number | null
  changes_json: string
  coords_json: string
  run_id: number | null
  error: string | null
  run_status: RunStatus | null
  metrics_json: string | null
}

/** Sweeps and their cells; a cell's run, status and metrics are read from the runs tables. */
export class SweepsRepository {
  private readonly insertStmt
  private readonly insertCellStmt
  private readonly setRunStmt
  private readonly setErrorStmt
  private readonly endStmt
  private readonly getStmt
  private readonly listStmt
  private readonly countStmt
  private readonly cellsStmt
  private readonly progressStmt
  private readonly interruptStmt

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO sweeps (lab, preset, spec_json, status, created_at, cells) VALUES (?, ?, ?, 'running', ?, ?)`
    )
    this.insertCellStmt = db.prepare(
      `INSERT INTO sweep_cells (sweep_id, cell, label, seed, changes_json, coords_json) VALUES (?, ?, ?, ?, ?, ?)`
    )
    this.setRunStmt = db.prepare(`UPDATE sweep_cells SET run_id = ? WHERE sweep_id = ? AND cell = ?`)
    this.setErrorStmt = db.prepare(`UPDATE sweep_cells SET error = ? WHERE sweep_id = ? AND cell = ?`)
    this.endStmt = db.prepare(`UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'`)
    this.getStmt = db.prepare(`SELECT * FROM sweeps WHERE id = ?`)
    this.listStmt = db.prepare(`SELECT * FROM sweeps ORDER BY id DESC LIMIT ? OFFSET ?`)
    this.countStmt = db.prepare(`SELECT count(*) FROM sweeps`).pluck()
    this.cellsStmt = db.prepare(
      `SELECT c.cell, c.label, c.seed, c.changes_json, c.coords_json, c.run_id, c.error,
              r.status AS run_status, json_extract(rr.results_json, '$.metrics') AS metrics_json
       FROM sweep_cells c
       LEFT JOIN runs r ON r.id = c.run_id
       LEFT JOIN run_results rr ON rr.run_id = c.run_id
       WHERE c.sweep_id = ? ORDER BY c.cell`
    )
    this.progressStmt = db.prepare(
      `SELECT count(*) FILTER (WHERE c.error IS NOT NULL OR (r.status IS NOT NULL AND r.status != 'running')) AS done,
              count(*) FILTER (WHERE c.error IS NOT NULL OR r.status IN ('failed', 'interrupted')) AS failed
       FROM sweep_cells c LEFT JOIN runs r ON r.id = c.run_id WHERE c.sweep_id = ?`
    )
    this.interruptStmt = db.prepare(`UPDATE sweeps SET status = 'interrupted', finished_at = ? WHERE status = 'running'`)
  }

  create(lab: string, preset: string, spec: StoredSweepSpec, cells: NewSweepCell[], createdAt: string): SweepSummary {
    const id = this.db.transaction(() => {
      const sweepId = Number(this.insertStmt.run(lab, preset, JSON.stringify(spec), createdAt, cells.length).lastInsertRowid)
      cells.forEach((c, i) => this.insertCellStmt.run(sweepId, i, c.label, c.seed, JSON.stringify(c.changes), JSON.stringify(c.coords)))
      return sweepId
    })()
    return this.require(id)
  }

  setCellRun(sweepId: number, cell: number, runId: number): void {
    this.setRunStmt.run(runId, sweepId, cell)
  }

  setCellError(sweepId: number, cell: number, error: string): void {
    this.setErrorStmt.run(error, sweepId, cell)
  }

  end(sweepId: number, status: Exclude<SweepStatus, 'running'>, finishedAt: string): SweepSummary {
    this.endStmt.run(status, finishedAt, sweepId)
    return this.require(sweepId)
  }

  /** At start-up: sweeps a previous session left running will launch no more cells. */
  markInterrupted(at: string): number {
    return this.interruptStmt.run(at).changes
  }

  get(id: number): SweepSummary | null {
    const row = this.getStmt.get(id) as SweepRow | undefined
    return row ? this.toSummary(row) : null
  }

  list(limit: number, offset: number): { sweeps: SweepSummary[]; total: number } {
    const rows = this.listStmt.all(limit, offset) as SweepRow[]
    return { sweeps: rows.map((r) => this.toSummary(r)), total: this.countStmt.get() as number }
  }

  cells(sweepId: number): SweepCell[] {
    return (this.cellsStmt.all(sweepId) as CellRow[]).map((c) => {
      const status: SweepCellStatus = c.error !== null ? 'failed' : (c.run_status ?? 'pending')
      return {
        index: c.cell,
        label: c.label,
        seed: c.seed,
        coords: JSON.parse(c.coords_json) as number[],
        changes: JSON.parse(c.changes_json) as Record<string, unknown>,
        runId: c.run_id,
        status,
        metrics: c.run_status === 'completed' && c.metrics_json !== null ? (JSON.parse(c.metrics_json) as Record<string, number | null>) : null,
        error: c.error
      }
    })
  }

  private toSummary(row: SweepRow): SweepSummary {
    const spec = JSON.parse(row.spec_json) as StoredSweepSpec
    const progress = this.progressStmt.get(row.id) as { done: number; failed: number }
    return {
      id: row.id,
      lab: row.lab,
      preset: row.preset,
      kind: spec.kind,
      axes: spec.axes,
      seeds: spec.seeds,
      overrides: spec.overrides,
      status: row.status,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      cells: row.cells,
      done: progress.done,
      failed: progress.failed
    }
  }

  private require(id: number): SweepSummary {
    const sweep = this.get(id)
    if (!sweep) throw new Error(`sweep ${id} does not exist`)
    return sweep
  }
}
