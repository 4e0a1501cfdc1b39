import { ApiError, type EventName, type EventPayload, type RunSeriesChunk, type RunSpec, type RunSummary, type TaskOutput } from '../../shared/contract'
import type { Clock } from '../clock'
import type { EngineService } from '../services/service-host'
import type { RunsRepository } from '../store/runs-repository'
import type { RunInputs, RunPlan, StepLogSlice } from '../../shared/contract/protocol'
import { ProgressThrottle } from './progress-throttle'
import { SeriesBatcher } from './series-batcher'
import type { InputResolver } from './run-inputs'
import { closedError, engineAbortedError, sessionAbortedError } from './abort-notice'
import { executeWithAgent, type AgentRunSupport } from './agent-run'
import type { PreparedAgentRun } from '../agent/settings/workstation-agent'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** Progress is written to the database at most this often; the UI gets its own, faster frames. */
const PROGRESS_PERSIST_INTERVAL_MS = 1000

/**
 * Owns the life of a run: row in the store, task in the engine service, progress frames out,
 * the decision log committed batch by batch as the engine emits it, results and status back in
 * one transaction. Runs on the main thread but never computes — except a run with the book's
 * agent, whose lab steps here between the model's answers (agent-run.ts says why).
 */
export class RunManager {
  private readonly active = new Map<number, AbortController>()
  private readonly streams = new Map<number, SeriesBatcher>()
  private closing = false

  constructor(
    private readonly engine: EngineService,
    private readonly runs: RunsRepository,
    private readonly emit: Emit,
    private readonly clock: Clock,
    private readonly codeVersion: string,
    /** Computes a plan's required inputs (the regime model's output); none needed when absent. */
    private readonly resolveInputs?: InputResolver,
    /** Runs with the book's agent (checked model, agent service, stored calls); none: such runs are refused. */
    private readonly agent?: AgentRunSupport
  ) {}

  /** Marks runs a previous session left running as interrupted; their committed logs stay, partial. */
  recoverInterrupted(): number {
    return this.runs.markInterrupted(this.clock.isoNow(), (run) => sessionAbortedError(run.spec, run.loggedSteps))
  }

  /**
   * Starts a new run from a stored run's spec (resuming from its last committed step is not
   * offered). A run that asked the agent asks it again: the saved model, checked first.
   */
  async rerun(runId: number): Promise<RunSummary> {
    const run = this.runs.get(runId)
    if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
    if (run.status === 'running') throw new ApiError('invalid_params', `Run #${runId} is still running; re-run it once it has ended.`)
    const results = run.status === 'completed' ? this.runs.results(runId) : null
    const askedAgent = results?.kind === 'lab' && results.manifest.agent !== undefined && !results.manifest.agent.replayed
    return this.start(run.spec, { agent: askedAgent })
  }

  /**
   * The engine plans the run first (resolving presets and validating overrides), so a bad
   * spec is refused before any row is written.
   */
  async start(requested: RunSpec, options: { agent?: boolean } = {}): Promise<RunSummary> {
    const engineStatus = this.engine.status()
    if (engineStatus.state !== 'ready' && engineStatus.state !== 'starting') {
      throw new ApiError('service_unavailable', `The engine service is ${engineStatus.state}; the run was not started.`)
    }
    // With the agent, its model is checked before anything is written: a failing model starts nothing.
    let spec = requested
    let agentRun: PreparedAgentRun | null = null
    if (options.agent) {
      if (spec.task !== 'lab') throw new ApiError('invalid_params', 'Only a book lab runs with the agent (a random walk has no decisions).', [{ path: 'spec.task', message: 'is not a lab' }])
      if (!this.agent) throw new ApiError('service_unavailable', 'This workstation has no agent runtime; the run was not started.')
      agentRun = await this.agent.prepare(spec)
      spec = agentRun.spec
    }
    const plan = await this.engine.call('engine.plan', { spec })
    const run = this.runs.create({
      spec,
      seed: plan.seed,
      steps: plan.steps,
      configHash: plan.configHash,
      codeVersion: this.codeVersion,
      createdAt: this.clock.isoNow()
    })
    this.emit('run.updated', { run })
    void this.execute(run, spec, plan.requires, agentRun)
    return run
  }

  cancel(runId: number): boolean {
    const controller = this.active.get(runId)
    if (!controller) {
      if (!this.runs.get(runId)) throw new ApiError('not_found', `There is no run #${runId}.`)
      return false
    }
    controller.abort()
    return true
  }

  /** Resolves when every active run has ended (for shutdown and tests). */
  async drain(): Promise<void> {
    while (this.active.size > 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  /** On quit: active runs end as interrupted, not failed. */
  shutdown(): void {
    this.closing = true
    for (const controller of this.active.values()) controller.abort()
  }

  /** A running lab run's series streamed so far (null when it is not running or nothing was streamed yet). */
  liveSeries(runId: number): RunSeriesChunk | null {
    return this.streams.get(runId)?.snapshot() ?? null
  }

  isActive(runId: number): boolean {
    return this.active.has(runId)
  }

  private async execute(run: RunSummary, spec: RunSpec, requires: RunPlan['requires'], agentRun: PreparedAgentRun | null = null): Promise<void> {
    const controller = new AbortController()
    this.active.set(run.id, controller)
    const throttle = new ProgressThrottle(this.clock)
    const series = new SeriesBatcher(run.id, (chunk) => this.emit('run.series', chunk), this.clock)
    this.streams.set(run.id, series)
    let done = 0
    let lastPersistMs = this.clock.nowMs()
    // Steps of the decision log committed so far, and why committing stopped (the run then fails).
    let logged = 0
    let logError: Error | null = null
    // Set once engine.run is under way: a service_crashed before it came from the inference service.
    let inEngine = false
    try {
      let inputs: RunInputs = {}
      if (spec.task === 'lab' && requires.length > 0) {
        if (!this.resolveInputs) throw new ApiError('service_unavailable', `Run #${run.id} needs ${requires.join(', ')}, which this workstation cannot compute.`)
        inputs = await this.resolveInputs(spec, requires, controller.signal)
      }
      const log = (slice: StepLogSlice): void => {
        if (logError) return
        try {
          logged = this.runs.appendStepLog(run.id, slice)
        } catch (error) {
          logError = error as Error
          controller.abort()
        }
      }
      const progress = (progress: { done: number; total: number }): void => {
        done = progress.done
        const frame = throttle.offer(progress.done, progress.total)
        if (frame) this.emit('run.progress', { runId: run.id, ...frame })
        const now = this.clock.nowMs()
        if (now - lastPersistMs >= PROGRESS_PERSIST_INTERVAL_MS) {
          lastPersistMs = now
          this.runs.recordProgress(run.id, done)
        }
      }
      // A lab run's decision log comes as `log` slices, each committed as it arrives.
      let output: TaskOutput & { logTail?: StepLogSlice }
      if (agentRun && spec.task === 'lab') {
        const model = agentRun.identity.model
        output = await executeWithAgent(run.id, spec, inputs, agentRun, this.agent!.store, {
          signal: controller.signal,
          onLoad: (fraction) => this.emit('task.progress', { task: 'agent.load', done: Math.round(fraction * 100), total: 100, label: `Run #${run.id}: loading ${model}` }),
          onProgress: (d, total) => progress({ done: d, total }),
          onSeries: (chunk) => series.offer(chunk),
          onLogSlice: log
        })
      } else {
        inEngine = true
        output = await this.engine.call('engine.run', spec.task === 'lab' ? { spec, inputs, logBatches: true } : { spec }, {
          signal: controller.signal,
          on: { series: (chunk) => series.offer(chunk), log, progress }
        })
      }
      if (logError) throw logError
      series.flush()
      // A lab run's log came in slices (the last with the results); a random walk has none.
      const completed = this.runs.complete(run.id, this.clock.isoNow(), output, undefined, output.logTail)
      this.emit('run.updated', { run: completed })
    } catch (caught) {
      const error = logError ? new ApiError('internal', `Run #${run.id} failed: its decision log could not be stored: ${(logError as Error).message}`) : caught
      const apiError = error instanceof ApiError ? error : new ApiError('internal', `Run #${run.id} failed: ${(error as Error).message}`)
      const at = this.clock.isoNow()
      const reached = Math.max(done, logged)
      // The engine process died under the run: interrupted, its committed batches kept (partial).
      const aborted = inEngine && apiError.code === 'service_crashed'
      const ended = this.closing
        ? this.runs.end(run.id, 'interrupted', at, reached, closedError(spec, logged))
        : aborted
          ? this.runs.end(run.id, 'interrupted', at, reached, engineAbortedError(spec, this.engine.status().lastExit ?? 'for an unknown reason', logged, done))
          : apiError.code === 'cancelled'
            ? this.runs.end(run.id, 'cancelled', at, reached, null)
            : this.runs.end(run.id, 'failed', at, reached, apiError.message)
      this.emit('run.updated', { run: ended })
    } finally {
      series.dispose()
      this.streams.delete(run.id)
      this.active.delete(run.id)
    }
  }
}
