import { describe, expect, it } from 'vitest'
import { ApiError, type LabRunSpec, type RunSummary, type ServiceStatus } from '../../shared/contract'
import { engineMethods, type EngineMethods } from '../../shared/contract/protocol'
import type { Clock } from '../clock'
import { STEP_CHUNK, type StepLogSlice } from '../engine/kernel'
import { executeLab, planLab } from '../labs/execute'
import { localService } from '../services/local-service'
import type { ServiceHandler } from '../services/protocol'
import type { EngineService } from '../services/service-host'
import { AuditStore } from '../store/audit-store'
import { RunsRepository } from '../store/runs-repository'
import { useStoreSandbox } from '../store/test-support'
import { engineHandlers } from '../workers/engine-handlers'
import { RunManager } from './run-manager'
import { runSurfaceHandlers } from './run-surfaces'

const sandbox = useStoreSandbox()
const clock: Clock = { nowMs: () => 0, isoNow: () => '2026-11-22T00:00:00.000Z' }
const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 10_000, 'risk_params.max_leverage': 0.5 } }

/**
 * The engine service as RunManager sees it, running the lab in this process behind the engine's
 * method table (params, events and response checked as across the process boundary): it emits
 * the log's slices as `log` events and, when told to, dies after some of them the way a killed
 * process's pending call fails (service_crashed, with the exit reason in its status).
 */
class InProcessEngine implements EngineService {
  readonly name = 'engine' as const
  dieAfterSlices: number | null = null
  private lastExit: string | null = null
  runs = 0
  private readonly local = localService('engine', engineMethods, { ...engineHandlers, 'engine.run': (params, ctx) => this.run(params, ctx) })
  readonly call = this.local.call
  readonly start = this.local.start
  readonly stop = this.local.stop
  readonly onStatus = this.local.onStatus

  status(): ServiceStatus {
    return { name: 'engine', state: 'ready', pid: 4242, restarts: 0, lastExit: this.lastExit, restartInMs: null }
  }

  private readonly run: ServiceHandler<EngineMethods, 'engine.run'> = async ({ spec, logBatches }, ctx) => {
    expect(logBatches).toBe(true)
    if (spec.task !== 'lab') throw new Error('these tests run labs')
    this.runs++
    const slices: StepLogSlice[] = []
    const output = await executeLab(spec, { onLogSlice: (slice) => slices.push(slice) })
    const dieAfter = this.dieAfterSlices
    for (const slice of dieAfter === null ? slices : slices.slice(0, dieAfter)) ctx.emit('log', slice)
    if (dieAfter !== null) {
      this.lastExit = 'killed by SIGKILL'
      throw new ApiError('service_crashed', 'The engine service stopped (killed by SIGKILL) while engine.run was running; it is restarting.')
    }
    return output
  }
}

function setup() {
  const db = sandbox.openTracked(`${sandbox.dir}/runs.db`)
  const repo = new RunsRepository(db)
  const engine = new InProcessEngine()
  const updates: RunSummary[] = []
  const manager = new RunManager(engine, repo, (event, payload) => event === 'run.updated' && updates.push((payload as { run: RunSummary }).run), clock, 'test-1')
  return { db, repo, engine, manager, updates, audit: new AuditStore(db) }
}

describe('run manager: the decision log committed batch by batch', () => {
  it('an engine that dies mid-run leaves the run interrupted, "Aborted", with its committed batches kept partial and verifiable', async () => {
    const { repo, engine, manager, audit, db } = setup()
    engine.dieAfterSlices = 2
    const run = await manager.start(spec)
    await manager.drain()
    const ended = repo.get(run.id)!
    expect(ended).toMatchObject({ status: 'interrupted', partial: true, loggedSteps: 2 * STEP_CHUNK, progressDone: 2 * STEP_CHUNK, resultsHash: null })
    expect(ended.error).toBe(
      'Aborted: the engine process stopped (killed by SIGKILL) after step 8192; the log holds steps 0…8191 (partial). ' +
        'Re-run it from the Runs view or `npm run cli -- run credit-spreads --preset faithful --seed 11 --set T=10000 --set risk_params.max_leverage=0.5`.'
    )
    const report = audit.verify(run.id, null)
    const events = db.prepare('SELECT count(*) FROM run_events WHERE run_id = ?').pluck().get(run.id) as number
    expect(report).toMatchObject({ status: 'intact', steps: 2 * STEP_CHUNK, verified: 2 * STEP_CHUNK + events })
    expect(report.head).toBe(db.prepare('SELECT chain_head FROM runs WHERE id = ?').pluck().get(run.id))
  })

  it('runs.series shows a partial run from its committed log, marked partial, without results', async () => {
    const { repo, engine, manager } = setup()
    engine.dieAfterSlices = 2
    const run = await manager.start(spec)
    await manager.drain()
    const view = runSurfaceHandlers(repo, engine, async () => ({})).series(run.id, 512)
    expect(view.summary).toBeNull()
    expect(view.partial).toBe(true)
    expect(view.series).toMatchObject({ runId: run.id, done: 2 * STEP_CHUNK, total: 9_999, costComponents: ['proportional', 'impact', 'fixed'] })
    // Conflated min/max per bucket: the partial equity's extremes are the logged steps' extremes.
    const logged = repo.steps(run.id, 0, 2 * STEP_CHUNK).map((r) => r.equity)
    const shown = Array.from(view.series.columns.equity!)
    expect(Math.max(...shown)).toBe(Math.max(...logged))
    expect(Math.min(...shown)).toBe(Math.min(...logged))
    // Cumulative cost is non-decreasing: its last conflated value is the sum over every logged step.
    const rows = repo.steps(run.id, 0, 2 * STEP_CHUNK)
    expect(view.series.columns.cumulativeCost!.at(-1)).toBe(rows.reduce((sum, r) => sum + r.cost, 0))
    expect(view.series.t.at(-1)).toBeLessThan(2 * STEP_CHUNK)
    expect(view.series.events.every((e) => e.t < 2 * STEP_CHUNK)).toBe(true)
  })

  it('runs.rerun starts a new run from the stored spec; it completes and verifies to its manifest head', async () => {
    const { repo, engine, manager, audit, updates } = setup()
    engine.dieAfterSlices = 1
    const aborted = await manager.start(spec)
    await manager.drain()
    engine.dieAfterSlices = null
    const again = await manager.rerun(aborted.id)
    expect(again.id).not.toBe(aborted.id)
    expect(again.spec).toEqual(repo.get(aborted.id)!.spec)
    await manager.drain()
    const done = repo.get(again.id)!
    expect(done).toMatchObject({ status: 'completed', partial: false, loggedSteps: 9_999 })
    const results = repo.results(again.id)
    const head = results?.kind === 'lab' ? results.manifest.chainHead! : ''
    expect(audit.verify(again.id, head)).toMatchObject({ status: 'intact', head, steps: 9_999 })
    expect(updates.at(-1)).toMatchObject({ id: again.id, status: 'completed' })
    // The aborted run is untouched by its re-run.
    expect(repo.get(aborted.id)).toMatchObject({ status: 'interrupted', loggedSteps: STEP_CHUNK })
    await expect(manager.rerun(999)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('a batch the store refuses fails the run with the reason and keeps what was committed before it', async () => {
    const { repo, manager, audit } = setup()
    const original = repo.appendStepLog.bind(repo)
    let calls = 0
    repo.appendStepLog = (id, slice) => {
      if (++calls === 2) throw new Error('disk full')
      return original(id, slice)
    }
    const run = await manager.start(spec)
    await manager.drain()
    const ended = repo.get(run.id)!
    expect(ended).toMatchObject({ status: 'failed', partial: true, loggedSteps: STEP_CHUNK })
    expect(ended.error).toBe(`Run #${run.id} failed: its decision log could not be stored: disk full`)
    expect(audit.verify(run.id, null)).toMatchObject({ status: 'intact', steps: STEP_CHUNK })
  })

  it('start-up recovery words a run left running with its committed log', async () => {
    const { repo, manager } = setup()
    const slices: StepLogSlice[] = []
    await executeLab(spec, { onLogSlice: (s) => slices.push(s) })
    const plan = planLab(spec)
    const left = repo.create({ spec, seed: plan.seed, steps: plan.steps, configHash: plan.configHash, codeVersion: 'test-1', createdAt: clock.isoNow() })
    repo.appendStepLog(left.id, slices[0]!)
    expect(manager.recoverInterrupted()).toBe(1)
    expect(repo.get(left.id)!.error).toBe(
      'Aborted: Mechanica stopped while this run was in progress, after step 4096; the log holds steps 0…4095 (partial). ' +
        'Re-run it from the Runs view or `npm run cli -- run credit-spreads --preset faithful --seed 11 --set T=10000 --set risk_params.max_leverage=0.5`.'
    )
  })
})
