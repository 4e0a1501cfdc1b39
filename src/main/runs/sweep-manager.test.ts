import Database from 'better-sqlite3'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiError, type LabRunSpec, type RunSummary } from '../../shared/contract'
import { SweepDetail, SweepStartRequest, type SweepStartInput } from '../../shared/contract/sweeps'
import { EventBus } from '../app/event-bus'
import type { Clock } from '../clock'
import { migrations, LATEST_SCHEMA_VERSION } from '../store/migrations'
import { RunsRepository } from '../store/runs-repository'
import { encodeStepLog } from '../store/step-log'
import { SweepsRepository } from '../store/sweeps-repository'
import { labResults, stepRecords, useStoreSandbox } from '../store/test-support'
import { SweepManager, expandSweep, metricStats, type CellRunner } from './sweep-manager'

const sandbox = useStoreSandbox()
const clock: Clock = { nowMs: () => 0, isoNow: () => '2025-01-01T00:00:00.000Z' }
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** Stands in for the RunManager: stores each run and ends it when told (or at once, in auto mode). */
class FakeRunner implements CellRunner {
  readonly started: RunSummary[] = []
  readonly cancelled: number[] = []
  auto = true
  failOn: ((spec: LabRunSpec) => string | null) | null = null

  constructor(
    private readonly repo: RunsRepository,
    private readonly bus: EventBus
  ) {}

  async start(spec: LabRunSpec): Promise<RunSummary> {
    const run = this.repo.create({ spec, seed: spec.seed ?? 23, steps: 3, configHash: 'c'.repeat(64), codeVersion: 'test', createdAt: clock.isoNow() })
    this.started.push(run)
    this.bus.emit('run.updated', { run })
    if (this.auto) setTimeout(() => this.finish(run.id), 0)
    return run
  }

  /** Completes a run with metrics that depend on its overrides, so cells are told apart. */
  finish(runId: number): void {
    const run = this.repo.get(runId)!
    const spec = run.spec as LabRunSpec
    const failure = this.failOn?.(spec)
    if (failure) {
      this.bus.emit('run.updated', { run: this.repo.end(runId, 'failed', clock.isoNow(), 1, failure) })
      return
    }
    const latency = Number(spec.overrides['latency.latency_steps'] ?? 0)
    const threshold = Number(spec.overrides['strategy.threshold_bps'] ?? 0)
    const results = labResults()
    results.metrics = { win_rate: 1 - latency / 10 + threshold / 100, arbs: (spec.seed ?? 0) * 2, sharpe: null }
    this.bus.emit('run.updated', { run: this.repo.complete(runId, clock.isoNow(), { results, resultsHash: 'h'.repeat(64) }, stepRecords()) })
  }

  cancel(runId: number): boolean {
    this.cancelled.push(runId)
    this.bus.emit('run.updated', { run: this.repo.end(runId, 'cancelled', clock.isoNow(), 0, null) })
    return true
  }
}

let repo: RunsRepository
let bus: EventBus
let runner: FakeRunner
let manager: SweepManager
let planned: LabRunSpec[]

function request(input: SweepStartInput) {
  return SweepStartRequest.parse(input)
}

beforeEach(() => {
  const db = sandbox.openTracked(join(sandbox.dir, 's.db'))
  repo = new RunsRepository(db)
  bus = new EventBus()
  runner = new FakeRunner(repo, bus)
  planned = []
  manager = new SweepManager({
    runs: runner,
    plan: async (spec) => {
      planned.push(spec)
      if (Number(spec.overrides['latency.latency_steps']) < 0) throw new ApiError('invalid_params', 'config.latency.latency_steps: must be ≥ 0 steps (got -1)')
      return {}
    },
    sweeps: new SweepsRepository(db),
    runStatus: (id) => repo.get(id)?.status ?? null,
    subscribe: (listener) => bus.subscribe(listener),
    emit: bus.emit,
    clock
  })
})

describe('sweep manager', () => {
  it('runs a 2 × 3 grid as six stored runs and collects each cell’s metrics', async () => {
    const updates: number[] = []
    bus.subscribe((event, payload) => {
      if (event === 'sweep.updated') updates.push((payload as { sweep: { done: number } }).sweep.done)
    })
    const sweep = await manager.start(request({ lab: 'latency-arb', grid: { 'latency.latency_steps': [0, 5], 'strategy.threshold_bps': [1, 2, 5] }, seed: 4 }))
    expect(sweep).toMatchObject({ kind: 'grid', cells: 6, status: 'running', axes: [{ path: 'latency.latency_steps', values: [0, 5] }, { path: 'strategy.threshold_bps', values: [1, 2, 5] }] })
    await manager.whenDone(sweep.id)
    const detail = manager.get(sweep.id)
    expect(SweepDetail.safeParse(detail).success).toBe(true)
    expect(detail.sweep).toMatchObject({ status: 'completed', done: 6, failed: 0 })
    expect(runner.started.map((r) => (r.spec as LabRunSpec).overrides)).toEqual([
      { 'latency.latency_steps': 0, 'strategy.threshold_bps': 1 },
      { 'latency.latency_steps': 0, 'strategy.threshold_bps': 2 },
      { 'latency.latency_steps': 0, 'strategy.threshold_bps': 5 },
      { 'latency.latency_steps': 5, 'strategy.threshold_bps': 1 },
      { 'latency.latency_steps': 5, 'strategy.threshold_bps': 2 },
      { 'latency.latency_steps': 5, 'strategy.threshold_bps': 5 }
    ])
    expect(runner.started.every((r) => (r.spec as LabRunSpec).seed === 4)).toBe(true)
    expect(detail.cells.map((c) => c.coords)).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
    expect(detail.cells.map((c) => c.runId)).toEqual(runner.started.map((r) => r.id))
    expect(detail.cells.every((c) => c.status === 'completed')).toBe(true)
    // Metrics are the stored runs' own: cell (5, 2) → 1 − 0.5 + 0.02.
    expect(detail.cells[4]!.metrics).toEqual({ win_rate: 0.52, arbs: 8, sharpe: null })
    expect(detail.metricNames).toEqual(['win_rate', 'arbs', 'sharpe'])
    expect(detail.stats.win_rate).toMatchObject({ n: 6, min: 0.51, max: 1.05 })
    expect(detail.stats.sharpe).toBeUndefined()
    expect(updates.at(-1)).toBe(6)
    expect(manager.list(10, 0)).toMatchObject({ total: 1, sweeps: [{ id: sweep.id, status: 'completed' }] })
  })

  it('a seed ensemble runs one cell per seed with the shared overrides', async () => {
    const sweep = await manager.start(request({ lab: 'fx-carry', preset: 'corrected', overrides: { T: 50 }, seeds: { from: 3, to: 7 } }))
    await manager.whenDone(sweep.id)
    const detail = manager.get(sweep.id)
    expect(detail.sweep).toMatchObject({ kind: 'seeds', seeds: { from: 3, to: 7 }, cells: 5, status: 'completed' })
    expect(runner.started.map((r) => r.spec)).toEqual([3, 4, 5, 6, 7].map((seed) => ({ task: 'lab', lab: 'fx-carry', preset: 'corrected', overrides: { T: 50 }, seed })))
    expect(detail.cells.map((c) => [c.label, c.seed, c.coords])).toEqual([3, 4, 5, 6, 7].map((s) => [`seed ${s}`, s, []]))
    expect(detail.stats.arbs).toMatchObject({ n: 5, mean: 10, median: 10, min: 6, max: 14, q25: 8, q75: 12 })
  })

  it('refuses a sweep with an invalid cell before writing anything, naming the cell', async () => {
    const error = await manager.start(request({ lab: 'latency-arb', grid: { 'latency.latency_steps': [1, -1] } })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).message).toBe('Sweep cell latency.latency_steps=-1: config.latency.latency_steps: must be ≥ 0 steps (got -1)')
    expect(planned.length).toBe(2)
    expect(manager.list(10, 0).total).toBe(0)
    expect(repo.list({ limit: 10, offset: 0 }).total).toBe(0)
  })

  it('cancel stops the running cell and launches no more; the rest stay pending', async () => {
    runner.auto = false
    const sweep = await manager.start(request({ lab: 'latency-arb', grid: { 'latency.latency_steps': [0, 1, 2, 3] } }))
    while (runner.started.length < 1) await tick()
    runner.finish(runner.started[0]!.id)
    while (runner.started.length < 2) await tick()
    expect(manager.cancel(sweep.id)).toBe(true)
    await manager.whenDone(sweep.id)
    const detail = manager.get(sweep.id)
    expect(detail.sweep).toMatchObject({ status: 'cancelled', done: 2 })
    expect(detail.cells.map((c) => c.status)).toEqual(['completed', 'cancelled', 'pending', 'pending'])
    expect(runner.cancelled).toEqual([runner.started[1]!.id])
    expect(runner.started.length).toBe(2)
    expect(manager.cancel(sweep.id)).toBe(false)
    expect(() => manager.cancel(999)).toThrow('There is no sweep #999.')
  })

  it('a cell whose run fails is counted as failed and the sweep goes on', async () => {
    runner.failOn = (spec) => (spec.overrides['strategy.threshold_bps'] === 2 ? 'engine crashed' : null)
    const sweep = await manager.start(request({ lab: 'latency-arb', grid: { 'strategy.threshold_bps': [1, 2, 3] } }))
    await manager.whenDone(sweep.id)
    const detail = manager.get(sweep.id)
    expect(detail.sweep).toMatchObject({ status: 'completed', done: 3, failed: 1 })
    expect(detail.cells.map((c) => [c.status, c.metrics === null])).toEqual([['completed', false], ['failed', true], ['completed', false]])
  })

  it('a sweep left running by a previous session is marked interrupted', async () => {
    runner.auto = false
    const sweep = await manager.start(request({ lab: 'latency-arb', grid: { 'strategy.threshold_bps': [1, 2] } }))
    manager.shutdown()
    await manager.drain()
    expect(manager.get(sweep.id).sweep.status).toBe('interrupted')
  })
})

describe('sweep expansion and statistics', () => {
  it('cells are row-major with coordinates on each axis', () => {
    const { cells, planned } = expandSweep(request({ lab: 'x', grid: { a: [1, 2, 3], b: ['p', 'q'] } }))
    expect(cells.map((c) => c.coords)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]])
    expect(planned.map((p) => p.spec.overrides)).toEqual([
      { a: 1, b: 'p' }, { a: 1, b: 'q' }, { a: 2, b: 'p' }, { a: 2, b: 'q' }, { a: 3, b: 'p' }, { a: 3, b: 'q' }
    ])
  })

  it('the request schema takes a grid or seeds, never both, within the cell limit', () => {
    const issues = (input: unknown) => SweepStartRequest.safeParse(input).error?.issues.map((i) => i.message) ?? []
    expect(issues({ lab: 'x' })).toEqual(['give either grid (config path → values) or seeds {from, to}, not both'])
    expect(issues({ lab: 'x', grid: { a: [1] }, seeds: { from: 1, to: 2 } })).toHaveLength(1)
    expect(issues({ lab: 'x', grid: { a: [1], b: [2], c: [3] } })).toEqual(['must have 1 or 2 config paths (got 3)'])
    expect(issues({ lab: 'x', grid: { a: Array(30).fill(1), b: Array(20).fill(1) } })).toEqual(['expands to 600 runs; at most 400 are allowed'])
    expect(issues({ lab: 'x', seeds: { from: 5, to: 4 } })).toEqual(['must be ≥ from (5)'])
  })

  it('quantiles interpolate between order statistics; non-finite values are left out', () => {
    expect(metricStats([4, 1, 3, 2, NaN])).toEqual({ n: 4, mean: 2.5, stdev: Math.sqrt(5 / 3), min: 1, q05: expect.closeTo(1.15, 12), q25: 1.75, median: 2.5, q75: 3.25, q95: expect.closeTo(3.85, 12), max: 4 })
    expect(metricStats([7])).toMatchObject({ n: 1, stdev: null, median: 7 })
    expect(metricStats([])).toBeNull()
  })
})

describe('migration 4 (sweeps)', () => {
  it('a v3 database with a logged run opens at the latest version, its run and log intact', () => {
    const file = join(sandbox.dir, 'v3.db')
    const v3 = new Database(file)
    v3.pragma('journal_mode = WAL')
    for (const m of migrations.filter((m) => m.version <= 3)) v3.exec(m.sql)
    v3.pragma('user_version = 3')
    // Written as a v3 build wrote it: plain rows, the log as columnar chunks, one constraint event.
    const spec = { task: 'lab' as const, lab: 'credit-spreads', preset: 'faithful', overrides: {} }
    const runId = Number(
      v3
        .prepare(
          `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, finished_at, progress_done, progress_total, results_hash)
           VALUES ('lab', ?, ?, 'v3', 7, 'completed', ?, ?, ?, 3, 3, ?)`
        )
        .run(JSON.stringify(spec), 'c'.repeat(64), clock.isoNow(), clock.isoNow(), clock.isoNow(), 'h'.repeat(64)).lastInsertRowid
    )
    v3.prepare('INSERT INTO run_results (run_id, kind, results_json) VALUES (?, ?, ?)').run(runId, 'lab', JSON.stringify({ ...labResults(), series: {} }))
    const log = encodeStepLog(stepRecords())
    v3.prepare('INSERT INTO run_step_log (run_id, steps, meta_json) VALUES (?, ?, ?)').run(runId, log.steps, JSON.stringify(log.meta))
    for (const chunk of log.chunks) {
      for (const c of chunk.columns) v3.prepare('INSERT INTO run_step_chunks (run_id, chunk, t0, n, name, data) VALUES (?, ?, ?, ?, ?, ?)').run(runId, chunk.index, chunk.t0, chunk.n, c.name, c.data)
    }
    v3.prepare(`INSERT INTO run_events (run_id, seq, t, rule, message, before_json, after_json) VALUES (?, 0, 2, 'leverage_clip', 'clipped', '[]', '[]')`).run(runId)
    const run = { id: runId }
    v3.close()

    const db = sandbox.openTracked(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const migrated = new RunsRepository(db)
    expect(migrated.get(run.id)).toMatchObject({ status: 'completed', codeVersion: 'v3' })
    expect(migrated.steps(run.id, 0, 10).map((r) => r.action)).toEqual(['FLAT', 'LONG_SPREAD', 'CURVE_STEEPENER'])
    // The new index serves a page's events.
    expect(migrated.stepEventsBetween(run.id, 1, 2)).toEqual([{ t: 2, rule: 'leverage_clip', message: 'clipped' }])
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'run_events_by_step'`).pluck().get()).toBe('run_events_by_step')
    const sweeps = new SweepsRepository(db)
    const sweep = sweeps.create('credit-spreads', 'faithful', { kind: 'seeds', axes: [], seeds: { from: 1, to: 1 }, overrides: {}, seed: null }, [{ label: 'seed 1', seed: 1, coords: [], changes: {} }], clock.isoNow())
    sweeps.setCellRun(sweep.id, 0, run.id)
    expect(sweeps.cells(sweep.id)[0]).toMatchObject({ runId: run.id, status: 'completed', metrics: labResults().metrics })
    expect(db.pragma('foreign_key_check')).toEqual([])
  })
})
