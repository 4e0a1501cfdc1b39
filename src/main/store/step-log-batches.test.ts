import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { STEP_CHUNK } from '../engine/kernel'
import { planLab } from '../labs/execute'
import { runLogged } from '../labs/test-support'
import { CODE_VERSION } from '../version'
import { AuditStore } from './audit-store'
import type { Db } from './database'
import { RunsRepository } from './runs-repository'
import { StepQuery } from './step-query'
import { useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()

// credit-spreads at half its leverage cap: 9,999 steps in three slices, 3,000+ constraint
// events, and rationales first used after the first slice (so the name table is rewritten).
const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 10_000, 'risk_params.max_leverage': 0.5 } }

// The run's log as slices (the last included) and joined into one piece for the one-shot writer.
let cached: ReturnType<typeof runLogged> | null = null
function runs() {
  cached ??= runLogged(spec)
  return cached
}

function open(): { db: Db; repo: RunsRepository; audit: AuditStore } {
  const db = sandbox.openTracked(`${sandbox.dir}/batches.db`)
  return { db, repo: new RunsRepository(db), audit: new AuditStore(db) }
}

function create(repo: RunsRepository) {
  const plan = planLab(spec)
  return repo.create({ spec, seed: plan.seed, steps: plan.steps, configHash: plan.configHash, codeVersion: CODE_VERSION, createdAt: '2026-11-22T00:00:00.000Z' }).id
}

/**
 * Every stored row of a run's log and results, without its id, as a digest per table (and the
 * row count): what must be the same however the log was written.
 */
function storedRows(db: Db, runId: number) {
  const digest = (sql: string) => {
    const rows = db.prepare(sql).raw().all(runId) as unknown[][]
    const hash = createHash('sha256')
    for (const row of rows) for (const value of row) hash.update(Buffer.isBuffer(value) ? value : `${typeof value}:${String(value)}`).update('|')
    return { rows: rows.length, sha256: hash.digest('hex') }
  }
  return {
    run: db.prepare(`SELECT status, progress_done, progress_total, results_hash, chain_head, error FROM runs WHERE id = ?`).get(runId),
    log: db.prepare(`SELECT steps, meta_json FROM run_step_log WHERE run_id = ?`).get(runId),
    chunks: digest(`SELECT chunk, t0, n, name, data FROM run_step_chunks WHERE run_id = ? ORDER BY chunk, name`),
    events: digest(`SELECT seq, t, rule, message, before_json, after_json, link FROM run_events WHERE run_id = ? ORDER BY seq`),
    results: digest(`SELECT kind, results_json FROM run_results WHERE run_id = ?`),
    series: digest(`SELECT name, data FROM run_series WHERE run_id = ? ORDER BY name`)
  }
}

describe('decision log committed in batches while a run advances', () => {
  it('is byte-identical on disk to the log written in one piece with the results, and verifies to the manifest head', async () => {
    const { slices, output: streamed, records } = await runs()
    const { db, repo, audit } = open()
    const whole = create(repo)
    repo.complete(whole, '2026-11-22T00:00:01.000Z', streamed, records)
    const batched = create(repo)
    for (const slice of slices.slice(0, -1)) expect(repo.appendStepLog(batched, slice)).toBe(slice.first + slice.t.length)
    repo.complete(batched, '2026-11-22T00:00:01.000Z', streamed, undefined, streamed.logTail)

    const a = storedRows(db, whole)
    const b = storedRows(db, batched)
    expect(b.chunks.rows).toBeGreaterThan(3 * 10)
    expect(b.events.rows).toBe(records.events.length)
    expect(b).toEqual(a)
    const head = streamed.results.kind === 'lab' ? streamed.results.manifest.chainHead! : ''
    for (const id of [whole, batched]) {
      expect(audit.verify(id, head)).toMatchObject({ status: 'intact', head, steps: 9_999, verified: 9_999 + records.events.length })
    }
    expect(repo.steps(batched, 4090, 20)).toEqual(repo.steps(whole, 4090, 20))
    expect(repo.get(batched)).toMatchObject({ status: 'completed', loggedSteps: 9_999, partial: false })
  })

  it('a run stopped after two batches keeps them: partial, verifiable to its last committed batch, readable page by page', async () => {
    const { slices } = await runs()
    const { db, repo, audit } = open()
    const other = create(repo)
    const runId = create(repo)
    repo.appendStepLog(runId, slices[0]!)
    repo.appendStepLog(runId, slices[1]!)
    const ended = repo.end(runId, 'interrupted', '2026-11-22T00:00:02.000Z', 2 * STEP_CHUNK, 'Aborted: test')
    expect(ended).toMatchObject({ status: 'interrupted', loggedSteps: 2 * STEP_CHUNK, partial: true, progressDone: 2 * STEP_CHUNK, progressTotal: 9_999 })

    const events = slices[0]!.events.length + slices[1]!.events.length
    const report = audit.verify(runId, null)
    expect(report).toMatchObject({ status: 'intact', steps: 2 * STEP_CHUNK, verified: 2 * STEP_CHUNK + events, head: slices[1]!.chain.head, expectedHead: slices[1]!.chain.head })

    const page = repo.steps(runId, 2 * STEP_CHUNK - 3, 100)
    expect(page.map((r) => r.t)).toEqual([8189, 8190, 8191])
    const query = new StepQuery(repo)
    const filtered = query.page(runId, 0, 5, { constraintHit: true })
    expect(filtered.logged).toBe(true)
    expect(filtered.steps).toBe(2 * STEP_CHUNK)
    expect(filtered.total).toBeGreaterThan(0)
    // The other run, still running, has nothing and says so.
    expect(repo.get(other)).toMatchObject({ status: 'running', loggedSteps: 0, partial: false })
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok')
  })

  it('refuses a batch that does not continue the log, or arrives after the run ended, and stores nothing of it', async () => {
    const { slices } = await runs()
    const { db, repo } = open()
    const runId = create(repo)
    expect(() => repo.appendStepLog(runId, slices[1]!)).toThrow(/starts at step 4096, but the log holds 0 steps/)
    repo.appendStepLog(runId, slices[0]!)
    expect(() => repo.appendStepLog(runId, slices[0]!)).toThrow(/starts at step 0, but the log holds 4096 steps/)
    expect(() => repo.appendStepLog(runId, { ...slices[1]!, firstEvent: 0 })).toThrow(/starts at event 0/)
    repo.end(runId, 'failed', '2026-11-22T00:00:02.000Z', 0, 'stopped')
    const before = storedRows(db, runId)
    expect(() => repo.appendStepLog(runId, slices[1]!)).toThrow(/is not running/)
    expect(storedRows(db, runId)).toEqual(before)
    expect(before.log).toMatchObject({ steps: STEP_CHUNK })
  })

  it('start-up marks runs left running as interrupted, wording each with its committed log', async () => {
    const { slices } = await runs()
    const { repo, audit } = open()
    const empty = create(repo)
    const logged = create(repo)
    repo.appendStepLog(logged, slices[0]!)
    const changed = repo.markInterrupted('2026-11-22T01:00:00.000Z', (run) => `#${run.id} ${run.spec.task} logged ${run.loggedSteps}`)
    expect(changed).toBe(2)
    expect(repo.get(empty)).toMatchObject({ status: 'interrupted', error: `#${empty} lab logged 0`, partial: false })
    expect(repo.get(logged)).toMatchObject({ status: 'interrupted', error: `#${logged} lab logged 4096`, partial: true, progressDone: STEP_CHUNK })
    expect(audit.verify(logged, null)).toMatchObject({ status: 'intact', steps: STEP_CHUNK })
  })
})
