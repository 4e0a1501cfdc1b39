import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabRunSpec, RandomWalkSpec, type LabResults, type RunResults, type TaskOutput, type WalkResults } from '../../shared/contract'
import { StoreOpenError, openDatabase, type Db } from './database'
import { LATEST_SCHEMA_VERSION, migrations } from './migrations'
import { RunsRepository } from './runs-repository'
import type { StepRecordBatch } from '../engine/kernel/step-records'

let dir: string
const open: Db[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-store-'))
})

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
  rmSync(dir, { recursive: true, force: true })
})

function openTracked(file: string): Db {
  const db = openDatabase(file)
  open.push(db)
  return db
}

function spec(overrides: Record<string, unknown> = {}): RandomWalkSpec {
  return RandomWalkSpec.parse({ task: 'random-walk', steps: 1000, seed: 1, ...overrides })
}

function newRun(repo: RunsRepository, overrides: Record<string, unknown> = {}, createdAt = '2025-01-01T00:00:00.000Z') {
  const walk = spec(overrides)
  return repo.create({ spec: walk, seed: walk.seed, steps: walk.steps, configHash: 'c'.repeat(64), codeVersion: 'test-1', createdAt })
}

function results(path: Float64Array, hash = 'r'.repeat(64)): TaskOutput & { results: WalkResults } {
  return {
    results: {
      kind: 'random-walk',
      summary: { steps: 1000, final: 101.5, min: 97, max: 104, meanIncrement: 0.0001, stdevIncrement: 0.01, maxDrawdown: 0.05 },
      pathStride: 1,
      path
    },
    resultsHash: hash
  }
}

/** Stored results, which must be a random walk's. */
function walkResults(stored: RunResults | null): WalkResults {
  expect(stored?.kind).toBe('random-walk')
  return stored as WalkResults
}

const bytesOf = (series: Float64Array): Buffer => Buffer.from(series.buffer, series.byteOffset, series.byteLength)

/** A lab run's results as the engine shapes them, small enough to write out. */
function labResults(): LabResults {
  return {
    kind: 'lab',
    manifest: {
      lab: 'credit-spreads',
      preset: 'faithful',
      seed: 7,
      configHash: 'c'.repeat(64),
      codeVersion: 'test-1',
      environment: { runtime: 'Node test', platform: 'test-x64' },
      resultsHash: 'l'.repeat(64),
      verificationStatus: 'Not verified'
    },
    config: { seed: 7, T: 3, risk_params: { max_leverage: 3, drawdown_stop: 0.1 } },
    corrections: [],
    metrics: { sharpe: 1.25, max_drawdown: 0.0125, hit_rate: null },
    actions: { FLAT: 1, LONG_SPREAD: 1, SHORT_SPREAD: 0, CURVE_STEEPENER: 1 },
    regimeCounts: { calm: 2, stress: 1 },
    actionMixByRegime: { calm: { FLAT: 0.5, LONG_SPREAD: 0.5 }, stress: { CURVE_STEEPENER: 1 } },
    telemetry: { signals: [0.1, -0.2] },
    steps: 3,
    plannedSteps: 3,
    halted: false,
    regimeNames: ['calm', 'stress'],
    actionNames: ['FLAT', 'LONG_SPREAD', 'SHORT_SPREAD', 'CURVE_STEEPENER'],
    costComponents: ['proportional', 'impact', 'fixed'],
    series: {
      equity: Float64Array.of(1, 1.0125, 0.99875),
      drawdown: Float64Array.of(0, 0, 0.0125),
      regime: Float64Array.of(0, 0, 1),
      action: Float64Array.of(0, 1, 3),
      leverage: Float64Array.of(0, 1.5, 0.75),
      cumulativeCost: Float64Array.of(0, 0.003, 0.0045),
      cumulativeCostByComponent: {
        proportional: Float64Array.of(0, 0.002, 0.003),
        impact: Float64Array.of(0, 0.0005, 0.00075),
        fixed: Float64Array.of(0, 0.0005, 0.00075)
      }
    }
  }
}

/** Three steps of a three-leg lab, columnar as they cross from the engine. */
function stepRecords(): StepRecordBatch {
  return {
    legs: ['ig_level', 'hy_level', 'curve_tilt'],
    actionNames: ['FLAT', 'LONG_SPREAD', 'SHORT_SPREAD', 'CURVE_STEEPENER'],
    regimeNames: ['calm', 'stress'],
    sourceNames: ['BASELINE', 'AGENT', 'OVERRIDE', 'RISK'],
    rationales: ['no signal', 'spread wide: buy', 'drawdown stop: flatten'],
    t: Int32Array.of(0, 1, 2),
    regime: Int32Array.of(0, 0, 1),
    action: Int32Array.of(0, 1, 3),
    source: Uint8Array.of(0, 1, 3),
    rationale: Int32Array.of(0, 1, 2),
    position: Float64Array.of(0, 0, 0, 1, 0.5, 0, 0, 0.25, -0.5),
    trade: Float64Array.of(0, 0, 0, 1, 0.5, 0, -1, -0.25, -0.5),
    cost: Float64Array.of(0, 0.003, 0.0015),
    costByComponent: {
      proportional: Float64Array.of(0, 0.002, 0.001),
      impact: Float64Array.of(0, 0.0005, 0.00025),
      fixed: Float64Array.of(0, 0.0005, 0.00025)
    },
    pnlByComponent: {
      ig: Float64Array.of(0, 0.01, -0.005),
      hy: Float64Array.of(0, 0.005, -0.008),
      tilt: Float64Array.of(0, 0, 0.001),
      carry: Float64Array.of(0, 0.0005, 0.0005)
    },
    netPnl: Float64Array.of(0, 0.0125, -0.01375),
    equity: Float64Array.of(1, 1.0125, 0.99875),
    drawdown: Float64Array.of(0, 0, 0.0125),
    leverage: Float64Array.of(0, 1.5, 0.75),
    events: [
      { t: 2, rule: 'leverage_clip', message: 'gross leverage 1.75 > 1.5: clipped', before: [1, 0.75, -0.5], after: [0.9, 0.6, -0.5] },
      { t: 2, rule: 'drawdown_stop', message: 'drawdown 1.25% ≥ 1%: flattened', before: [0.9, 0.6, -0.5], after: [0, 0.25, -0.5] }
    ]
  }
}

/** Expects `fn` to throw a StoreOpenError and returns its message. */
function storeOpenErrorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError)
    return (error as Error).message
  }
  throw new Error('expected a StoreOpenError')
}

describe('openDatabase', () => {
  it('creates the file with WAL, synchronous FULL, foreign keys and the latest schema version', () => {
    const file = join(dir, 'nested', 'm.db')
    const db = openTracked(file)
    expect(existsSync(file)).toBe(true)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()
    expect(tables).toEqual(['run_events', 'run_results', 'run_series', 'run_step_chunks', 'run_step_log', 'runs'])
  })

  it('keeps existing rows when an existing database is reopened', () => {
    const file = join(dir, 'm.db')
    const first = openDatabase(file)
    const created = newRun(new RunsRepository(first))
    first.close()
    const again = openTracked(file)
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(new RunsRepository(again).get(created.id)).toEqual(created)
  })

  it('refuses a file of garbage bytes with a message naming the file and leaves it byte-for-byte unchanged', () => {
    const file = join(dir, 'notes.db')
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256))
    writeFileSync(file, garbage)
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(message).toContain(file)
    expect(message).toContain('left untouched')
    expect(readFileSync(file).equals(garbage)).toBe(true)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('refuses a foreign SQLite database (tables, user_version 0) with a StoreOpenError', () => {
    const file = join(dir, 'other-app.db')
    const foreign = new Database(file)
    foreign.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts (name) VALUES ('alice')")
    foreign.close()
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(message).toContain('not a Mechanica one')
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(0)
    expect(check.prepare('SELECT name FROM accounts').pluck().all()).toEqual(['alice'])
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'runs'").pluck().get()).toBe(0)
    check.close()
  })

  // Regression: WAL was once switched on before the foreign-file check, rewriting the header.
  it('leaves a foreign SQLite database byte-for-byte unchanged', () => {
    const file = join(dir, 'other-app.db')
    const foreign = new Database(file)
    foreign.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)')
    foreign.close()
    const before = readFileSync(file)
    expect(() => openDatabase(file)).toThrow(StoreOpenError)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a database written by a newer schema, saying so', () => {
    const file = join(dir, 'future.db')
    const future = new Database(file)
    future.pragma('journal_mode = WAL')
    future.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)')
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    future.close()
    const before = readFileSync(file)
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(message).toContain('newer')
    expect(message).toContain(`schema v${LATEST_SCHEMA_VERSION + 1}`)
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1)
    check.close()
  })

  it('migrates a v1 database, carrying its random-walk results over bit for bit', () => {
    // A v1 store as an earlier build left it: migration 1 only, one completed walk, one cancelled.
    const file = join(dir, 'v1.db')
    const v1 = new Database(file)
    v1.pragma('journal_mode = WAL')
    const first = migrations.find((m) => m.version === 1)
    if (!first) throw new Error('migration 1 is missing')
    v1.exec(first.sql)
    v1.pragma('user_version = 1')
    const insertRun = v1.prepare(
      `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, finished_at, progress_done, progress_total, results_hash)
       VALUES ('random-walk', ?, ?, 'v1-build', ?, ?, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z', ?, 10, ?)`
    )
    const walk = spec({ steps: 10, seed: 9 })
    const id = Number(insertRun.run(JSON.stringify(walk), 'c'.repeat(64), 9, 'completed', 10, 'a'.repeat(64)).lastInsertRowid)
    const cancelledId = Number(insertRun.run(JSON.stringify(spec({ steps: 10, seed: 10 })), 'd'.repeat(64), 10, 'cancelled', 4, null).lastInsertRowid)
    // Awkward doubles: the summary goes through SQLite's JSON functions in the migration.
    const summary = {
      steps: 10,
      final: 0.30000000000000004,
      min: -1.7976931348623157e308,
      max: 1e21,
      meanIncrement: 1 / 3,
      stdevIncrement: 5e-324,
      maxDrawdown: 2.2250738585072014e-308
    }
    const path = new Float64Array([0, NaN, -0, Infinity, -Infinity, 1e-310])
    v1.prepare('INSERT INTO run_results (run_id, summary_json, path_stride, path) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(summary), 2, bytesOf(path))
    v1.close()

    const db = openTracked(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const repo = new RunsRepository(db)
    expect(repo.get(id)).toMatchObject({ id, task: 'random-walk', spec: walk, seed: 9, status: 'completed', codeVersion: 'v1-build', resultsHash: 'a'.repeat(64) })

    const stored = repo.results(id)
    expect(stored).toEqual({ kind: 'random-walk', summary, pathStride: 2, path: expect.any(Float64Array) })
    const back = walkResults(stored).path
    expect(back).toBeInstanceOf(Float64Array)
    expect(bytesOf(back).equals(bytesOf(path))).toBe(true)
    expect(Object.is(back[2], -0)).toBe(true)
    expect(repo.results(cancelledId)).toBeNull()
    expect(repo.steps(id, 0, 100)).toEqual([])
    expect(repo.events(id)).toEqual([])

    // The migrated store takes new runs as a fresh one would.
    const next = newRun(repo)
    repo.complete(next.id, '2025-01-02T00:00:00.000Z', results(Float64Array.of(7, 8)))
    expect(Array.from(walkResults(repo.results(next.id)).path)).toEqual([7, 8])
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('opens an existing database read-only without migrating', () => {
    const file = join(dir, 'm.db')
    openDatabase(file).close()
    const db = openDatabase(file, { readonly: true })
    open.push(db)
    expect(db.readonly).toBe(true)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
  })

  it('refuses to open a missing file read-only, naming it', () => {
    const file = join(dir, 'missing.db')
    const message = storeOpenErrorOf(() => openDatabase(file, { readonly: true }))
    expect(message).toContain(file)
    expect(existsSync(file)).toBe(false)
  })
})

describe('RunsRepository', () => {
  let db: Db
  let repo: RunsRepository

  beforeEach(() => {
    db = openTracked(join(dir, 'runs.db'))
    repo = new RunsRepository(db)
  })

  const resultRows = (id: number) => db.prepare('SELECT count(*) FROM run_results WHERE run_id = ?').pluck().get(id)
  const seriesRows = (id: number) => db.prepare('SELECT count(*) FROM run_series WHERE run_id = ?').pluck().get(id)
  const stepRows = (id: number) => db.prepare('SELECT count(*) FROM run_step_chunks WHERE run_id = ?').pluck().get(id)

  function newLabRun(): ReturnType<RunsRepository['create']> {
    const lab = LabRunSpec.parse({ task: 'lab', lab: 'credit-spreads', seed: 7 })
    return repo.create({ spec: lab, seed: 7, steps: 3, configHash: 'c'.repeat(64), codeVersion: 'test-1', createdAt: '2025-01-01T00:00:00.000Z' })
  }

  it('creates a running row with the config hash, seed and progress_total = steps', () => {
    const run = newRun(repo, { steps: 2500, seed: 77 })
    expect(run).toEqual({
      id: 1,
      task: 'random-walk',
      spec: RandomWalkSpec.parse({ task: 'random-walk', steps: 2500, seed: 77 }),
      seed: 77,
      configHash: 'c'.repeat(64),
      codeVersion: 'test-1',
      status: 'running',
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: null,
      progressDone: 0,
      progressTotal: 2500,
      resultsHash: null,
      error: null
    })
    expect(repo.results(run.id)).toBeNull()
  })

  it('stores a seed of 2^32 - 1 exactly', () => {
    expect(newRun(repo, { seed: 0xffff_ffff }).seed).toBe(0xffff_ffff)
  })

  it('records progress on a running run only', () => {
    const run = newRun(repo)
    repo.recordProgress(run.id, 400)
    expect(repo.get(run.id)?.progressDone).toBe(400)
    repo.end(run.id, 'cancelled', '2025-01-01T00:01:00.000Z', 400, null)
    repo.recordProgress(run.id, 900)
    expect(repo.get(run.id)?.progressDone).toBe(400)
  })

  it('completes a run: status, finish time, full progress, hash and results land together', () => {
    const run = newRun(repo)
    const path = new Float64Array([100, NaN, -0, Infinity, 1e-310, 99.125])
    const done = repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(path, 'a'.repeat(64)))
    expect(done).toMatchObject({ status: 'completed', finishedAt: '2025-01-01T00:02:00.000Z', progressDone: 1000, resultsHash: 'a'.repeat(64), error: null })
    const stored = walkResults(repo.results(run.id))
    expect(stored.summary).toEqual(results(path).results.summary)
    expect(stored.pathStride).toBe(1)
    const back = stored.path
    expect(back).toBeInstanceOf(Float64Array)
    expect(bytesOf(back).equals(Buffer.from(path.buffer))).toBe(true)
    expect(Object.is(back[2], -0)).toBe(true)
  })

  it('stores only the viewed part of a path that is a subarray', () => {
    const run = newRun(repo)
    const whole = new Float64Array([1, 2, 3, 4])
    repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(whole.subarray(1, 3)))
    expect(Array.from(walkResults(repo.results(run.id)).path)).toEqual([2, 3])
  })

  it('refuses to complete a run that is not running and stores no results', () => {
    const run = newRun(repo)
    repo.end(run.id, 'cancelled', '2025-01-01T00:01:00.000Z', 10, null)
    expect(() => repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(new Float64Array([1])))).toThrow(
      `run ${run.id} is not running; its results were not stored`
    )
    expect(resultRows(run.id)).toBe(0)
    expect(seriesRows(run.id)).toBe(0)
    expect(repo.get(run.id)?.status).toBe('cancelled')
    expect(repo.get(run.id)?.resultsHash).toBeNull()
  })

  it('refuses to complete a run twice, keeping the first results', () => {
    const run = newRun(repo)
    repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(new Float64Array([1]), 'a'.repeat(64)))
    expect(() => repo.complete(run.id, '2025-01-01T00:03:00.000Z', results(new Float64Array([2]), 'b'.repeat(64)))).toThrow('is not running')
    expect(repo.get(run.id)?.resultsHash).toBe('a'.repeat(64))
    expect(Array.from(walkResults(repo.results(run.id)).path)).toEqual([1])
  })

  it('rolls back the status change when storing the results fails', () => {
    const run = newRun(repo)
    // A stray results row makes the INSERT fail after the UPDATE succeeded inside the transaction.
    db.prepare("INSERT INTO run_results (run_id, kind, results_json) VALUES (?, 'random-walk', '{}')").run(run.id)
    expect(() => repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(new Float64Array([1])))).toThrow()
    expect(repo.get(run.id)).toMatchObject({ status: 'running', resultsHash: null, finishedAt: null })
  })

  it('completes a lab run with its step records and constraint events, readable by page', () => {
    const run = newLabRun()
    expect(run).toMatchObject({ task: 'lab', seed: 7, progressTotal: 3, spec: { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 7, overrides: {} } })
    const other = newLabRun()
    const done = repo.complete(run.id, '2025-01-01T00:02:00.000Z', { results: labResults(), resultsHash: 'l'.repeat(64) }, stepRecords())
    expect(done).toMatchObject({ status: 'completed', progressDone: 3, resultsHash: 'l'.repeat(64) })

    // Every series comes back as a Float64Array in its place, nested ones included.
    expect(repo.results(run.id)).toEqual(labResults())
    expect(seriesRows(run.id)).toBe(9)

    const all = repo.steps(run.id, 0, 100)
    expect(all).toEqual([
      {
        t: 0,
        regime: 'calm',
        action: 'FLAT',
        source: 'BASELINE',
        rationale: 'no signal',
        position: [0, 0, 0],
        trade: [0, 0, 0],
        costs: { proportional: 0, impact: 0, fixed: 0 },
        pnl: { ig: 0, hy: 0, tilt: 0, carry: 0 },
        cost: 0,
        netPnl: 0,
        equity: 1,
        drawdown: 0,
        leverage: 0
      },
      {
        t: 1,
        regime: 'calm',
        action: 'LONG_SPREAD',
        source: 'AGENT',
        rationale: 'spread wide: buy',
        position: [1, 0.5, 0],
        trade: [1, 0.5, 0],
        costs: { proportional: 0.002, impact: 0.0005, fixed: 0.0005 },
        pnl: { ig: 0.01, hy: 0.005, tilt: 0, carry: 0.0005 },
        cost: 0.003,
        netPnl: 0.0125,
        equity: 1.0125,
        drawdown: 0,
        leverage: 1.5
      },
      {
        t: 2,
        regime: 'stress',
        action: 'CURVE_STEEPENER',
        source: 'RISK',
        rationale: 'drawdown stop: flatten',
        position: [0, 0.25, -0.5],
        trade: [-1, -0.25, -0.5],
        costs: { proportional: 0.001, impact: 0.00025, fixed: 0.00025 },
        pnl: { ig: -0.005, hy: -0.008, tilt: 0.001, carry: 0.0005 },
        cost: 0.0015,
        netPnl: -0.01375,
        equity: 0.99875,
        drawdown: 0.0125,
        leverage: 0.75
      }
    ])
    // Pages: from a step, at most `limit` rows, in step order.
    expect(repo.steps(run.id, 1, 1)).toEqual([all[1]])
    expect(repo.steps(run.id, 1, 100)).toEqual(all.slice(1))
    expect(repo.steps(run.id, 3, 100)).toEqual([])

    expect(repo.events(run.id)).toEqual([
      { seq: 0, t: 2, rule: 'leverage_clip', message: 'gross leverage 1.75 > 1.5: clipped', before: [1, 0.75, -0.5], after: [0.9, 0.6, -0.5] },
      { seq: 1, t: 2, rule: 'drawdown_stop', message: 'drawdown 1.25% ≥ 1%: flattened', before: [0.9, 0.6, -0.5], after: [0, 0.25, -0.5] }
    ])

    // Another run's records are its own.
    expect(repo.steps(other.id, 0, 100)).toEqual([])
    expect(repo.events(other.id)).toEqual([])
  })

  it('stores nothing of a lab run whose step records fail to insert', () => {
    const run = newLabRun()
    const records = stepRecords()
    records.t[2] = 1 // a repeated step breaks the (run_id, t) key after the results went in
    expect(() => repo.complete(run.id, '2025-01-01T00:02:00.000Z', { results: labResults(), resultsHash: 'l'.repeat(64) }, records)).toThrow()
    expect(repo.get(run.id)).toMatchObject({ status: 'running', resultsHash: null, finishedAt: null })
    expect([resultRows(run.id), seriesRows(run.id), stepRows(run.id)]).toEqual([0, 0, 0])
    expect(repo.events(run.id)).toEqual([])
  })

  it('throws for an unknown run id on complete', () => {
    expect(() => repo.complete(99, '2025-01-01T00:02:00.000Z', results(new Float64Array([1])))).toThrow('run 99 is not running')
  })

  it('ends a run as cancelled keeping its progress, and never lowers progress', () => {
    const run = newRun(repo)
    repo.recordProgress(run.id, 700)
    const ended = repo.end(run.id, 'cancelled', '2025-01-01T00:01:00.000Z', 650, null)
    expect(ended).toMatchObject({ status: 'cancelled', progressDone: 700, finishedAt: '2025-01-01T00:01:00.000Z', error: null })
    const other = newRun(repo)
    expect(repo.end(other.id, 'failed', '2025-01-01T00:01:00.000Z', 300, 'engine crashed')).toMatchObject({
      status: 'failed',
      progressDone: 300,
      error: 'engine crashed'
    })
  })

  it('does not change a run that has already ended', () => {
    const run = newRun(repo)
    repo.end(run.id, 'cancelled', '2025-01-01T00:01:00.000Z', 5, null)
    expect(repo.end(run.id, 'failed', '2025-01-01T00:09:00.000Z', 999, 'late')).toMatchObject({
      status: 'cancelled',
      finishedAt: '2025-01-01T00:01:00.000Z',
      progressDone: 5,
      error: null
    })
  })

  it('marks only running rows interrupted and says how many', () => {
    const running1 = newRun(repo)
    const completed = newRun(repo)
    repo.complete(completed.id, '2025-01-01T00:02:00.000Z', results(new Float64Array([1])))
    const cancelled = newRun(repo)
    repo.end(cancelled.id, 'cancelled', '2025-01-01T00:02:00.000Z', 1, null)
    const running2 = newRun(repo)

    expect(repo.markInterrupted('2025-01-02T00:00:00.000Z')).toBe(2)
    for (const run of [running1, running2]) {
      expect(repo.get(run.id)).toMatchObject({
        status: 'interrupted',
        finishedAt: '2025-01-02T00:00:00.000Z',
        error: 'Mechanica stopped while this run was in progress.'
      })
    }
    expect(repo.get(completed.id)).toMatchObject({ status: 'completed', finishedAt: '2025-01-01T00:02:00.000Z', error: null })
    expect(repo.get(cancelled.id)).toMatchObject({ status: 'cancelled', error: null })
    expect(repo.markInterrupted('2025-01-03T00:00:00.000Z')).toBe(0)
  })

  it('lists newest first, filters by status, paginates and counts the total', () => {
    const ids: number[] = []
    for (let i = 0; i < 7; i++) {
      const run = newRun(repo, { seed: i })
      ids.push(run.id)
      if (i % 3 === 0) repo.end(run.id, 'cancelled', '2025-01-01T00:01:00.000Z', 0, null)
    }
    // Cancelled: seeds 0, 3, 6. Running: 1, 2, 4, 5.
    const all = repo.list({ limit: 100, offset: 0 })
    expect(all.total).toBe(7)
    expect(all.runs.map((r) => r.id)).toEqual([...ids].reverse())

    const page2 = repo.list({ limit: 3, offset: 3 })
    expect(page2.total).toBe(7)
    expect(page2.runs.map((r) => r.seed)).toEqual([3, 2, 1])
    expect(repo.list({ limit: 3, offset: 6 }).runs.map((r) => r.seed)).toEqual([0])
    expect(repo.list({ limit: 3, offset: 9 })).toEqual({ runs: [], total: 7 })

    const cancelled = repo.list({ limit: 2, offset: 0, status: 'cancelled' })
    expect(cancelled.total).toBe(3)
    expect(cancelled.runs.map((r) => r.seed)).toEqual([6, 3])
    expect(repo.list({ limit: 2, offset: 2, status: 'cancelled' }).runs.map((r) => r.seed)).toEqual([0])

    const running = repo.list({ limit: 100, offset: 0, status: 'running' })
    expect(running.total).toBe(4)
    expect(running.runs.map((r) => r.seed)).toEqual([5, 4, 2, 1])
    expect(repo.list({ limit: 10, offset: 0, status: 'failed' })).toEqual({ runs: [], total: 0 })
  })

  it('returns null for a run that does not exist', () => {
    expect(repo.get(12345)).toBeNull()
    expect(repo.results(12345)).toBeNull()
  })
})
