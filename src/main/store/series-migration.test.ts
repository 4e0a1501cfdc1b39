// Schema v7: stored per-step chart series become the conflated series the engine now writes.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { STREAM_MAX_BUCKETS } from '../../shared/contract'
import { bucketWidth, conflateMinMax } from '../../shared/series-conflation'
import { migrate } from './database'
import { LATEST_SCHEMA_VERSION, migrations } from './migrations'
import { RunsRepository } from './runs-repository'
import { float64ToBlob } from './series-codec'
import { useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()

describe('migration 7: chart series stored conflated', () => {
  it('conflates a v6 lab result\'s per-step series to STREAM_MAX_BUCKETS buckets ', () => {
    const file = join(sandbox.dir, 'v6.db')
    const v6 = new Database(file)
    migrate(v6, migrations.filter((m) => m.version <= 6))
    expect(v6.pragma('user_version', { simple: true })).toBe(6)
    const n = 10_000
    const equity = Float64Array.from({ length: n }, (_, t) => 1000 + Math.sin(t / 50) * 10 + (t === 4321 ? 500 : 0))
    const series = {
      equity,
      drawdown: Float64Array.from({ length: n }, (_, t) => (t % 7) / 100),
      leverage: Float64Array.from({ length: n }, (_, t) => (t % 3) / 2),
      cumulativeCost: Float64Array.from({ length: n }, (_, t) => t * 0.01),
      regime: Float64Array.from({ length: n }, (_, t) => Math.floor(t / 1000) % 2),
      action: Float64Array.from({ length: n }, (_, t) => t % 4),
      'cost:fee': Float64Array.from({ length: n }, (_, t) => t * 0.01)
    }
    const spec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: {} }
    const id = Number(
      v6
        .prepare(
          `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, finished_at, progress_done, progress_total, results_hash)
           VALUES ('lab', ?, ?, 'v6-build', 7, 'completed', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', ?, ?, ?)`
        )
        .run(JSON.stringify(spec), 'c'.repeat(64), n, n, 'a'.repeat(64)).lastInsertRowid
    )
    const manifest = { lab: 'fx-carry', preset: 'faithful', seed: 7, configHash: 'c'.repeat(64), codeVersion: 'v6-build', environment: { runtime: 'Node', platform: 'linux-x64' }, resultsHash: 'a'.repeat(64), verificationStatus: 'Not verified' }
    const ref = (name: string) => ({ $series: name })
    const results = {
      kind: 'lab',
      manifest,
      config: { seed: 7 },
      corrections: [],
      metrics: { final_equity: 1.1 },
      actions: {},
      regimeCounts: {},
      actionMixByRegime: {},
      telemetry: {},
      steps: n,
      plannedSteps: n,
      halted: false,
      regimeNames: ['calm', 'risk_off'],
      actionNames: ['A', 'B', 'C', 'D'],
      costComponents: ['fee'],
      series: {
        equity: ref('series.equity'),
        drawdown: ref('series.drawdown'),
        regime: ref('series.regime'),
        action: ref('series.action'),
        leverage: ref('series.leverage'),
        cumulativeCost: ref('series.cumulativeCost'),
        cumulativeCostByComponent: { fee: ref('series.cumulativeCostByComponent.fee') }
      }
    }
    v6.prepare('INSERT INTO run_results (run_id, kind, results_json) VALUES (?, ?, ?)').run(id, 'lab', JSON.stringify(results))
    const insert = v6.prepare('INSERT INTO run_series (run_id, name, data) VALUES (?, ?, ?)')
    for (const [name, data] of Object.entries(series)) insert.run(id, name === 'cost:fee' ? 'series.cumulativeCostByComponent.fee' : `series.${name}`, float64ToBlob(data))
    v6.close()

    const db = sandbox.openTracked(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const stored = new RunsRepository(db).results(id)
    if (stored?.kind !== 'lab') throw new Error('expected lab results')
    const width = bucketWidth(n, STREAM_MAX_BUCKETS)
    const expected = conflateMinMax(series, n, { width, sampled: new Set(['regime', 'action']) })
    expect(stored.series.bucket).toBe(width)
    expect(Array.from(stored.series.t)).toEqual(Array.from(expected.t))
    for (const name of Object.keys(series)) expect(Array.from(stored.series.columns[name]!), name).toEqual(Array.from(expected.columns[name]!))
    // the spike survives conflation: a chart still shows it
    expect(Math.max(...stored.series.columns.equity!)).toBe(equity[4321])
    expect(stored.metrics).toEqual({ final_equity: 1.1 })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})
