import { ApiError, type EventName, type LabRunSpec, type RunStatus, type RunSummary } from '../../shared/contract'
import type { MetricStats, SweepCell, SweepDetail, SweepStartRequest, SweepSummary } from '../../shared/contract/sweeps'
import type { Clock } from '../clock'
import { expandExperiment, type PlannedRun } from '../experiments/plan'
import type { NewSweepCell, StoredSweepSpec, SweepsRepository } from '../store/sweeps-repository'
import type { Emit } from './run-manager'

/** The part of the RunManager a sweep drives: every cell is an ordinary run. */
export interface CellRunner {
  start(spec: LabRunSpec): Promise<RunSummary>
  cancel(runId: number): boolean
}

export interface SweepManagerDeps {
  runs: CellRunner
  /** Validates a cell's spec before anything is written (the engine's `engine.plan`). */
  plan(spec: LabRunSpec): Promise<unknown>
  sweeps: SweepsRepository
  /** The stored status of a run (null when there is no such run). */
  runStatus(runId: number): RunStatus | null
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void
  emit: Emit
  clock: Clock
  /** Cells run at once (default 1: the workstation has one engine process). */
  concurrency?: number
}

interface ActiveSweep {
  cancelled: boolean
  runIds: Set<number>
  done: Promise<void>
}

/** Quantile by linear interpolation between order statistics (NumPy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q
  const lo = Math.floor(position)
  const hi = Math.ceil(position)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo)
}

/** A metric's distribution over cells: the ensemble view's mean, median and quantiles. */
export function metricStats(values: readonly number[]): MetricStats | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  const n = finite.length
  if (n === 0) return null
  const mean = finite.reduce((s, v) => s + v, 0) / n
  const stdev = n > 1 ? Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null
  return {
    n,
    mean,
    stdev,
    min: finite[0]!,
    q05: quantile(finite, 0.05),
    q25: quantile(finite, 0.25),
    median: quantile(finite, 0.5),
    q75: quantile(finite, 0.75),
    q95: quantile(finite, 0.95),
    max: finite[n - 1]!
  }
}

/** Expands a sweep request into its cells, in row-major order (the last axis varies fastest). */
export function expandSweep(request: SweepStartRequest): { spec: StoredSweepSpec; planned: PlannedRun[]; cells: NewSweepCell[] } {
  const axes = Object.entries(request.grid ?? {}).map(([path, values]) => ({ path, values }))
  const seeds = request.seeds ? Array.from({ length: request.seeds.to - request.seeds.from + 1 }, (_, i) => request.seeds!.from + i) : request.seed !== undefined ? [request.seed] : []
  const planned = expandExperiment({ lab: request.lab, preset: request.preset, base: request.overrides, seeds, grid: axes, stress: [] })
  const sizes = axes.map((a) => a.values.length)
  const cells = planned.map((p, k): NewSweepCell => {
    const coords: number[] = []
    let rest = k
    for (let a = sizes.length - 1; a >= 0; a--) {
      coords[a] = rest % sizes[a]!
      rest = Math.floor(rest / sizes[a]!)
    }
    return { label: request.seeds ? `seed ${p.seed}` : p.label, seed: p.seed >= 0 ? p.seed : null, coords, changes: p.changes }
  })
  const spec: StoredSweepSpec = {
    kind: request.seeds ? 'seeds' : 'grid',
    axes,
    seeds: request.seeds ?? null,
    overrides: request.overrides,
    seed: request.seed ?? null
  }
  return { spec, planned, cells }
}

/**
 * Runs a sweep's cells one after another through the RunManager, so each is a stored run in
 * the runs list with its own progress, step log and metrics; the sweep row only links them.
 */
export class SweepManager {
  private readonly active = new Map<number, ActiveSweep>()
  private readonly waiters = new Map<number, (status: RunStatus) => void>()
  private readonly unsubscribe: () => void
  private closing = false

  constructor(private readonly deps: SweepManagerDeps) {
    this.unsubscribe = deps.subscribe((event, payload) => {
      if (event !== 'run.updated') return
      const run = (payload as { run: RunSummary }).run
      if (run.status === 'running') return
      const waiter = this.waiters.get(run.id)
      if (waiter) {
        this.waiters.delete(run.id)
        waiter(run.status)
      }
    })
  }

  recoverInterrupted(): number {
    return this.deps.sweeps.markInterrupted(this.deps.clock.isoNow())
  }

  /** Every cell is planned (validated) first: a bad value fails the call and nothing is written. */
  async start(request: SweepStartRequest): Promise<SweepSummary> {
    let expanded: ReturnType<typeof expandSweep>
    try {
      expanded = expandSweep(request)
    } catch (error) {
      throw new ApiError('invalid_params', (error as Error).message)
    }
    await Promise.all(
      expanded.planned.map((p) =>
        this.deps.plan(p.spec).catch((error: unknown) => {
          if (error instanceof ApiError && (error.code === 'invalid_params' || error.code === 'not_found')) {
            const where = p.label === 'base' ? `seed ${p.seed}` : p.label
            throw new ApiError(error.code, `Sweep cell ${where}: ${error.message}`, error.issues)
          }
          throw error
        })
      )
    )
    const sweep = this.deps.sweeps.create(request.lab, request.preset, expanded.spec, expanded.cells, this.deps.clock.isoNow())
    const state: ActiveSweep = { cancelled: false, runIds: new Set(), done: Promise.resolve() }
    this.active.set(sweep.id, state)
    state.done = this.execute(sweep.id, expanded.planned, state)
    this.deps.emit('sweep.updated', { sweep })
    return sweep
  }

  cancel(sweepId: number): boolean {
    const state = this.active.get(sweepId)
    if (!state) {
      if (!this.deps.sweeps.get(sweepId)) throw new ApiError('not_found', `There is no sweep #${sweepId}.`)
      return false
    }
    state.cancelled = true
    for (const runId of state.runIds) this.deps.runs.cancel(runId)
    return true
  }

  get(sweepId: number): SweepDetail {
    const sweep = this.deps.sweeps.get(sweepId)
    if (!sweep) throw new ApiError('not_found', `There is no sweep #${sweepId}.`)
    const cells = this.deps.sweeps.cells(sweepId)
    return { sweep, cells, ...summariseMetrics(cells) }
  }

  list(limit: number, offset: number): { sweeps: SweepSummary[]; total: number } {
    return this.deps.sweeps.list(limit, offset)
  }

  isActive(sweepId: number): boolean {
    return this.active.has(sweepId)
  }

  /** Resolves when the sweep launches no more cells and its last run has ended. */
  async whenDone(sweepId: number): Promise<void> {
    await this.active.get(sweepId)?.done
  }

  /** Resolves when no sweep is launching cells any more (for shutdown and tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.active.values()].map((s) => s.done))
  }

  /** On quit: no further cells start; runs in flight end as the RunManager ends them. */
  shutdown(): void {
    this.closing = true
    for (const state of this.active.values()) state.cancelled = true
    this.unsubscribe()
    for (const waiter of this.waiters.values()) waiter('interrupted')
    this.waiters.clear()
  }

  private async execute(sweepId: number, planned: PlannedRun[], state: ActiveSweep): Promise<void> {
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < planned.length && !state.cancelled) {
        const cell = next++
        await this.runCell(sweepId, cell, planned[cell]!.spec, state)
        if (!this.closing) this.deps.emit('sweep.updated', { sweep: this.deps.sweeps.get(sweepId)! })
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.max(1, Math.min(this.deps.concurrency ?? 1, planned.length)) }, lane))
    } finally {
      this.active.delete(sweepId)
      const status = this.closing ? 'interrupted' : state.cancelled ? 'cancelled' : 'completed'
      const ended = this.deps.sweeps.end(sweepId, status, this.deps.clock.isoNow())
      if (!this.closing) this.deps.emit('sweep.updated', { sweep: ended })
    }
  }

  private async runCell(sweepId: number, cell: number, spec: LabRunSpec, state: ActiveSweep): Promise<void> {
    let run: RunSummary
    try {
      run = await this.deps.runs.start(spec)
    } catch (error) {
      this.deps.sweeps.setCellError(sweepId, cell, (error as Error).message)
      return
    }
    this.deps.sweeps.setCellRun(sweepId, cell, run.id)
    state.runIds.add(run.id)
    this.deps.emit('sweep.updated', { sweep: this.deps.sweeps.get(sweepId)! })
    if (state.cancelled) this.deps.runs.cancel(run.id)
    await new Promise<void>((resolve) => {
      this.waiters.set(run.id, () => resolve())
      // The run may have ended before the waiter was in place.
      const status = this.deps.runStatus(run.id)
      if (status !== null && status !== 'running') {
        this.waiters.delete(run.id)
        resolve()
      }
    })
    state.runIds.delete(run.id)
  }
}

/** The metrics the completed cells reported, and each one's distribution. */
export function summariseMetrics(cells: SweepCell[]): Pick<SweepDetail, 'metricNames' | 'stats'> {
  const names: string[] = []
  const seen = new Set<string>()
  for (const cell of cells) {
    for (const name of Object.keys(cell.metrics ?? {})) {
      if (!seen.has(name)) {
        seen.add(name)
        names.push(name)
      }
    }
  }
  const stats: Record<string, MetricStats> = {}
  for (const name of names) {
    const s = metricStats(cells.flatMap((c) => (typeof c.metrics?.[name] === 'number' ? [c.metrics[name]] : [])))
    if (s) stats[name] = s
  }
  return { metricNames: names, stats }
}
