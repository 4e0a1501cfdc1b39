// The runs repository: rows, results, series, step records and events.
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { LabRunSpec, RandomWalkSpec } from '../../shared/contract'
import { type Db } from './database'
import { RunsRepository } from './runs-repository'
import { useStoreSandbox, newRun, results, walkResults, bytesOf, labResults, stepRecords } from './test-support'

const sandbox = useStoreSandbox()

describe('RunsRepository', () => {
  let db: Db
  let repo: RunsRepository

  beforeEach(() => {
    db = sandbox.openTracked(join(sandbox.dir, 'runs.db'))
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
      error: null,
      loggedSteps: 0,
      partial: false
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
    expect(() => repo.complete(run.id, '2025-01-01T00:02:00.000Z', results(new Float64Array([1])))).toThrow('UNIQUE constraint failed: run_results.run_id')
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
    // the chart series' step grid and its nine columns (six diagnostics, three cost components)
    expect(seriesRows(run.id)).toBe(10)

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
    records.t[2] = 1 // a repeated step: the log's encoder refuses it after the results and series went in
    expect(() => repo.complete(run.id, '2025-01-01T00:02:00.000Z', { results: labResults(), resultsHash: 'l'.repeat(64) }, records)).toThrow(
      'step records must run 0…2 without gaps (record 2 has t = 1)'
    )
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
