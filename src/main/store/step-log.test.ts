import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { StepRecordBatch } from '../engine/kernel/step-records'
import { openDatabase } from './database'
import { migrations } from './migrations'
import { RunsRepository } from './runs-repository'
import { STEP_CHUNK, encodeStepLog } from './step-log'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-steplog-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function batch(n: number): StepRecordBatch {
  return {
    legs: ['inventory'],
    actionNames: ['HOLD', 'QUOTE'],
    regimeNames: ['calm', 'stressed'],
    sourceNames: ['BASELINE', 'AGENT', 'OVERRIDE', 'RISK'],
    rationales: ['wait', 'quote both sides'],
    t: Int32Array.from({ length: n }, (_, i) => i),
    regime: Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
    action: Int32Array.from({ length: n }, (_, i) => i % 2),
    source: new Uint8Array(n),
    rationale: Int32Array.from({ length: n }, (_, i) => i % 2),
    position: Float64Array.from({ length: n }, (_, i) => i * 0.5),
    trade: Float64Array.from({ length: n }, () => 0.5),
    cost: Float64Array.from({ length: n }, (_, i) => i * 1e-4),
    costByComponent: { taker_fee: Float64Array.from({ length: n }, (_, i) => i * 1e-4) },
    pnlByComponent: { inventory: Float64Array.from({ length: n }, (_, i) => Math.sin(i)), spread_capture: Float64Array.from({ length: n }, (_, i) => i / 3) },
    netPnl: Float64Array.from({ length: n }, (_, i) => Math.cos(i)),
    equity: Float64Array.from({ length: n }, (_, i) => 1000 + i),
    drawdown: new Float64Array(n),
    leverage: Float64Array.from({ length: n }, (_, i) => i * 0.5),
    events: []
  }
}

function labRun(repo: RunsRepository, steps: number) {
  const spec = { task: 'lab' as const, lab: 'microstructure', preset: 'faithful', overrides: {} }
  return repo.create({ spec, seed: 1, steps, configHash: 'c'.repeat(64), codeVersion: 'test', createdAt: '2025-01-01T00:00:00.000Z' })
}

describe('decision log in columnar chunks', () => {
  it('pages across chunk boundaries and returns exactly the stored values', () => {
    const repo = new RunsRepository(openDatabase(join(dir, 'a.db')))
    const n = STEP_CHUNK * 2 + 17
    const run = labRun(repo, n)
    const records = batch(n)
    // complete() takes results; a lab run's results shape is not what this test is about.
    repo.complete(run.id, 'now', { results: { kind: 'random-walk', summary: { steps: n, final: 0, min: 0, max: 0, meanIncrement: 0, stdevIncrement: 0, maxDrawdown: 0 }, pathStride: 1, path: new Float64Array(1) }, resultsHash: 'h'.repeat(64) }, records)
    const page = repo.steps(run.id, STEP_CHUNK - 3, 6)
    expect(page.map((r) => r.t)).toEqual([STEP_CHUNK - 3, STEP_CHUNK - 2, STEP_CHUNK - 1, STEP_CHUNK, STEP_CHUNK + 1, STEP_CHUNK + 2])
    const t = STEP_CHUNK + 1
    expect(page[4]).toEqual({
      t,
      regime: t % 7 === 0 ? 'stressed' : 'calm',
      action: t % 2 ? 'QUOTE' : 'HOLD',
      source: 'BASELINE',
      rationale: t % 2 ? 'quote both sides' : 'wait',
      position: [t * 0.5],
      trade: [0.5],
      costs: { taker_fee: t * 1e-4 },
      pnl: { inventory: Math.sin(t), spread_capture: t / 3 },
      cost: t * 1e-4,
      netPnl: Math.cos(t),
      equity: 1000 + t,
      drawdown: 0,
      leverage: t * 0.5
    })
    expect(repo.steps(run.id, n - 2, 100).map((r) => r.t)).toEqual([n - 2, n - 1])
    expect(repo.steps(run.id, n, 10)).toEqual([])
  })

  it('refuses step records with a gap (pages are addressed by step number)', () => {
    const records = batch(5)
    records.t[3] = 7
    expect(() => encodeStepLog(records)).toThrow('record 3 has t = 7')
  })

  it('migration 3 turns version-2 step rows into chunks that read back the same', () => {
    const file = join(dir, 'v2.db')
    const raw = new Database(file)
    for (const m of migrations.filter((m) => m.version <= 2)) raw.exec(m.sql)
    raw.pragma('user_version = 2')
    raw.prepare(`INSERT INTO runs (id, task, spec_json, config_hash, code_version, seed, status, created_at, progress_total)
                 VALUES (1, 'lab', '{"task":"lab","lab":"x","preset":"faithful","overrides":{}}', 'c', 'v', 1, 'completed', 'now', 2)`).run()
    const insert = raw.prepare(`INSERT INTO run_steps VALUES (1, ?, ?, ?, 'BASELINE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    insert.run(0, 'calm', 'FLAT', 'flat', '[0,0]', '[0,0]', '{"fee":0}', '{"ig":0}', 0, 0, 1000, 0, 0)
    insert.run(1, 'stress', 'LONG', 'go long', '[1,-0.5]', '[1,-0.5]', '{"fee":0.25}', '{"ig":1.5}', 0.25, 1.25, 1001.25, 0, 1.5)
    raw.close()

    const repo = new RunsRepository(openDatabase(file))
    expect(repo.steps(1, 0, 10)).toEqual([
      { t: 0, regime: 'calm', action: 'FLAT', source: 'BASELINE', rationale: 'flat', position: [0, 0], trade: [0, 0], costs: { fee: 0 }, pnl: { ig: 0 }, cost: 0, netPnl: 0, equity: 1000, drawdown: 0, leverage: 0 },
      { t: 1, regime: 'stress', action: 'LONG', source: 'BASELINE', rationale: 'go long', position: [1, -0.5], trade: [1, -0.5], costs: { fee: 0.25 }, pnl: { ig: 1.5 }, cost: 0.25, netPnl: 1.25, equity: 1001.25, drawdown: 0, leverage: 1.5 }
    ])
  })
})
