import { STREAM_COLUMNS, STREAM_MAX_BUCKETS, STREAM_SAMPLED_COLUMNS, type RunSeriesChunk } from '../../shared/contract'
import { StreamConflator, bucketWidth, concatConflated, type ConflatedSeries } from '../../shared/series-conflation'
import type { ChunkSink, StepChunk } from '../engine/kernel'

/** A chunk as the engine emits it; main adds the run id and batches chunks to ≤ 10 a second. */
export type SeriesChunk = Omit<RunSeriesChunk, 'runId'>

export interface SeriesStreamNames {
  regimeNames: readonly string[]
  actionNames: readonly string[]
  costComponents: readonly string[]
}

/** A run's chart series: min/max-conflated slots on one step grid (see src/shared/series-conflation.ts). */
export interface RunSeries extends ConflatedSeries {
  /** Steps per bucket. */
  bucket: number
}

/**
 * Turns a lab run's steps into conflated series while it runs: the book's diagnostics (equity,
 * drawdown, leverage, cumulative cost in total and by component, regime, action) min/max-
 * conflated into at most STREAM_MAX_BUCKETS buckets over the planned steps. Each conflated part
 * goes out as a chunk (with the constraint events logged since the last one) when `emit` is
 * given, and the parts join into the run's stored chart series: bounded in size whatever the
 * run's length. Deterministic: no clock here.
 */
export class SeriesStream implements ChunkSink {
  private readonly conflator: StreamConflator
  private readonly costNames: string[]
  private cumulativeCost = 0
  private readonly cumulativeByComponent: Float64Array
  private pendingEvents: SeriesChunk['events'] = []
  private readonly parts: ConflatedSeries[] = []
  private done = 0

  constructor(
    readonly total: number,
    private readonly names: SeriesStreamNames,
    private readonly emit?: (chunk: SeriesChunk) => void
  ) {
    this.costNames = names.costComponents.map((c) => `cost:${c}`)
    this.cumulativeByComponent = new Float64Array(names.costComponents.length)
    this.conflator = new StreamConflator(bucketWidth(total, STREAM_MAX_BUCKETS), [...STREAM_COLUMNS, ...this.costNames], new Set(STREAM_SAMPLED_COLUMNS))
  }

  onChunk(chunk: StepChunk): void {
    const { columns, count: n } = chunk
    const cumulativeCost = new Float64Array(n)
    const byComponent = this.names.costComponents.map(() => new Float64Array(n))
    const componentColumns = this.names.costComponents.map((name) => columns.costByComponent[name])
    for (let i = 0; i < n; i++) {
      this.cumulativeCost += columns.cost[i]!
      cumulativeCost[i] = this.cumulativeCost
      for (let c = 0; c < componentColumns.length; c++) {
        this.cumulativeByComponent[c]! += componentColumns[c]?.[i] ?? 0
        byComponent[c]![i] = this.cumulativeByComponent[c]!
      }
    }
    const part: Record<string, ArrayLike<number>> = {
      equity: columns.equity,
      drawdown: columns.drawdown,
      leverage: columns.leverage,
      cumulativeCost,
      regime: columns.regime,
      action: columns.action
    }
    this.costNames.forEach((name, c) => (part[name] = byComponent[c]!))
    for (const e of chunk.events) this.pendingEvents.push({ t: e.t, rule: e.rule, message: e.message })
    this.done = chunk.first + n
    this.send(this.conflator.push(chunk.first, part, n))
  }

  /** Sends what is left (the last, incomplete bucket) and returns the whole run's series. */
  finish(): RunSeries {
    this.send(this.conflator.finish())
    const whole = concatConflated(this.parts)
    return { bucket: this.conflator.width, t: whole.t, columns: whole.columns }
  }

  private send(part: ConflatedSeries | null): void {
    if (!part) return
    this.parts.push(part)
    this.emit?.({
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
