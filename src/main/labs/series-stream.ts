import { STREAM_COLUMNS, STREAM_MAX_BUCKETS, STREAM_SAMPLED_COLUMNS, type LabRunSpec, type RunSeriesChunk } from '../../shared/contract'
import { StreamConflator, bucketWidth } from '../../shared/series-conflation'
import type { ConstraintEvent, LabLoopHost, StepColumns } from '../engine/kernel'
import { planLab } from './execute'

/** A chunk as the engine emits it; main adds the run id and batches chunks to ≤ 10 a second. */
export type SeriesChunk = Omit<RunSeriesChunk, 'runId'>

export interface SeriesStreamNames {
  regimeNames: readonly string[]
  actionNames: readonly string[]
  costComponents: readonly string[]
}

/**
 * Turns the kernel's recorded steps into conflated series chunks while a lab runs: the book's
 * diagnostics (equity, drawdown, leverage, cumulative cost in total and by component, regime,
 * action) min/max-conflated into at most STREAM_MAX_BUCKETS buckets over the planned steps,
 * with the constraint events logged since the last chunk. Deterministic: no clock here.
 */
export class SeriesStream {
  private readonly conflator: StreamConflator
  private readonly costNames: string[]
  private cumulativeCost = 0
  private readonly cumulativeByComponent: Float64Array
  private eventsSent = 0
  private pendingEvents: SeriesChunk['events'] = []
  private done = 0

  constructor(
    readonly total: number,
    private readonly names: SeriesStreamNames,
    private readonly emit: (chunk: SeriesChunk) => void
  ) {
    this.costNames = names.costComponents.map((c) => `cost:${c}`)
    this.cumulativeByComponent = new Float64Array(names.costComponents.length)
    this.conflator = new StreamConflator(bucketWidth(total, STREAM_MAX_BUCKETS), [...STREAM_COLUMNS, ...this.costNames], new Set(STREAM_SAMPLED_COLUMNS))
  }

  /** The hook runLab calls with each block of recorded steps. */
  readonly onSteps: NonNullable<LabLoopHost['onSteps']> = (columns, from, to, events) => {
    this.take(columns, from, to, events)
  }

  /** Sends what is left (the last, incomplete bucket) when the run has ended. */
  finish(): void {
    this.send(this.conflator.finish())
  }

  private take(columns: StepColumns, from: number, to: number, events: readonly ConstraintEvent[]): void {
    const n = to - from
    const cumulativeCost = new Float64Array(n)
    const byComponent = this.names.costComponents.map(() => new Float64Array(n))
    for (let i = 0; i < n; i++) {
      this.cumulativeCost += columns.cost[from + i]!
      cumulativeCost[i] = this.cumulativeCost
      this.names.costComponents.forEach((name, c) => {
        this.cumulativeByComponent[c]! += columns.costByComponent[name]?.[from + i] ?? 0
        byComponent[c]![i] = this.cumulativeByComponent[c]!
      })
    }
    const chunk: Record<string, ArrayLike<number>> = {
      equity: columns.equity.subarray(from, to),
      drawdown: columns.drawdown.subarray(from, to),
      leverage: columns.leverage.subarray(from, to),
      cumulativeCost,
      regime: columns.regime.subarray(from, to),
      action: columns.action.subarray(from, to)
    }
    this.costNames.forEach((name, c) => (chunk[name] = byComponent[c]!))
    for (; this.eventsSent < events.length; this.eventsSent++) {
      const e = events[this.eventsSent]!
      this.pendingEvents.push({ t: e.t, rule: e.rule, message: e.message })
    }
    this.done = to
    this.send(this.conflator.push(from, chunk, n))
  }

  private send(part: ReturnType<StreamConflator['push']>): void {
    if (!part) return
    this.emit({
      total: this.total,
      done: this.done,
      bucket: this.conflator.width,
      t: part.t,
      columns: part.columns,
      events: this.pendingEvents,
      regimeNames: [...this.names.regimeNames],
      actionNames: [...this.names.actionNames],
      costComponents: [...this.names.costComponents]
    })
    this.pendingEvents = []
  }
}

/** The stream for a lab spec: names from its plan, conflation over its planned steps. */
export function seriesStreamFor(spec: LabRunSpec, emit: (chunk: SeriesChunk) => void): SeriesStream {
  const plan = planLab(spec)
  const lab = plan.module.definition
  return new SeriesStream(plan.steps, { regimeNames: lab.regimeNames(plan.config), actionNames: lab.actions, costComponents: lab.execution(plan.config).components }, emit)
}
