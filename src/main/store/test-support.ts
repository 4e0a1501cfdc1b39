// Shared by the store's tests: a temporary folder per test, databases closed after it, and
// ready-made runs, results and step records.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect } from 'vitest'
import { RandomWalkSpec, type LabResults, type RunResults, type TaskOutput, type WalkResults } from '../../shared/contract'
import type { StepRecordBatch } from '../engine/kernel/step-records'
import { StoreOpenError, openDatabase, type Db } from './database'
import type { RunsRepository } from './runs-repository'

export interface StoreSandbox {
  readonly dir: string
  openTracked(file: string): Db
  /** Closes `db` after the test too. */
  track(db: Db): void
}

/** Registers hooks that give each test its own folder and close every database it opened. */
export function useStoreSandbox(): StoreSandbox {
  let dir = ''
  const open: Db[] = []
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mechanica-store-'))
  })
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return dir
    },
    openTracked(file: string): Db {
      const db = openDatabase(file)
      open.push(db)
      return db
    },
    track(db: Db): void {
      open.push(db)
    }
  }
}

export function spec(overrides: Record<string, unknown> = {}): RandomWalkSpec {
  return RandomWalkSpec.parse({ task: 'random-walk', steps: 1000, seed: 1, ...overrides })
}

export function newRun(repo: RunsRepository, overrides: Record<string, unknown> = {}, createdAt = '2025-01-01T00:00:00.000Z') {
  const walk = spec(overrides)
  return repo.create({ spec: walk, seed: walk.seed, steps: walk.steps, configHash: 'c'.repeat(64), codeVersion: 'test-1', createdAt })
}

export function results(path: Float64Array, hash = 'r'.repeat(64)): TaskOutput & { results: WalkResults } {
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
export function walkResults(stored: RunResults | null): WalkResults {
  expect(stored?.kind).toBe('random-walk')
  return stored as WalkResults
}

export const bytesOf = (series: Float64Array): Buffer => Buffer.from(series.buffer, series.byteOffset, series.byteLength)

/** A lab run's results as the engine shapes them, small enough to write out. */
export function labResults(): LabResults {
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
      bucket: 1,
      t: Float64Array.of(0, 1, 2),
      columns: {
        equity: Float64Array.of(1, 1.0125, 0.99875),
        drawdown: Float64Array.of(0, 0, 0.0125),
        regime: Float64Array.of(0, 0, 1),
        action: Float64Array.of(0, 1, 3),
        leverage: Float64Array.of(0, 1.5, 0.75),
        cumulativeCost: Float64Array.of(0, 0.003, 0.0045),
        'cost:proportional': Float64Array.of(0, 0.002, 0.003),
        'cost:impact': Float64Array.of(0, 0.0005, 0.00075),
        'cost:fixed': Float64Array.of(0, 0.0005, 0.00075)
      }
    }
  }
}

/** Three steps of a three-leg lab, columnar as they cross from the engine. */
export function stepRecords(): StepRecordBatch {
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
export function storeOpenErrorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError)
    return (error as Error).message
  }
  throw new Error('expected a StoreOpenError')
}

/**
 * Every user table of a database as its row count and a sha256 over every value of every row,
 * in column order (some tables are WITHOUT ROWID): equal databases give equal digests, and a
 * single written row changes one. For backups and bad-input tests.
 */
export function tableDigests(db: Db): Record<string, { rows: number; sha256: string }> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
  return Object.fromEntries(
    tables.map((t) => {
      const columns = db.pragma(`table_info("${t}")`) as unknown[]
      const order = columns.map((_, i) => i + 1).join(', ')
      const hash = createHash('sha256')
      let rows = 0
      for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY ${order}`).raw().iterate() as Iterable<unknown[]>) {
        rows++
        for (const value of row) {
          if (Buffer.isBuffer(value)) hash.update(`b${value.length}:`).update(value)
          else hash.update(`${typeof value}:${String(value)};`)
        }
      }
      return [t, { rows, sha256: hash.digest('hex') }]
    })
  )
}

/** tableDigests of a database file, opened read-only for the reading: what a CLI test compares before and after a refused call. */
export function fileDigests(file: string): Record<string, { rows: number; sha256: string }> {
  const db = openDatabase(file, { readonly: true })
  try {
    return tableDigests(db)
  } finally {
    db.close()
  }
}
