import { ChainCursor, type ChainEvent, type StepColumnsView } from '../audit/chain'
import { STEP_CHUNK, type LabLoopHost, type StepColumns, type StepLogSlice, type StepRecordBatch } from '../engine/kernel'

/** The name tables of a run's log that are fixed before its first step. */
export interface StepLogNames {
  legs: readonly string[]
  actionNames: readonly string[]
  regimeNames: readonly string[]
  sourceNames: readonly string[]
  costComponents: readonly string[]
  pnlComponents: readonly string[]
}

/**
 * Emits a lab run's decision log in STEP_CHUNK-aligned slices while the loop advances, each
 * hash-chained on from the one before (ChainCursor), so main can commit every full chunk as it
 * arrives and a run stopped at any point leaves a log that verifies up to its last slice. The
 * last slice (the steps after the last full chunk, and any events left) comes from `finish`
 * and is written with the results. Deterministic: no clock here.
 */
export class StepLogStream {
  private readonly cursor = new ChainCursor()
  private rationalesSent = 0

  constructor(
    private readonly names: StepLogNames,
    private readonly emit: (slice: StepLogSlice) => void
  ) {}

  /** The hook runLab calls with each block of recorded steps: every full chunk now complete goes out. */
  readonly onSteps: NonNullable<LabLoopHost['onSteps']> = (columns, _from, to, events, rationales) => {
    if (this.cursor.steps + STEP_CHUNK > to) return
    const view = this.liveView(columns, rationales)
    while (this.cursor.steps + STEP_CHUNK <= to) this.emit(this.slice(view, this.cursor.steps + STEP_CHUNK, events, false))
  }

  /** The run's last slice: every step and event not emitted yet. Its head is the run's chain head. */
  finish(records: StepRecordBatch): StepLogSlice {
    return this.slice(records, records.t.length, records.events, true)
  }

  /** Steps linked so far (the next slice starts here). */
  get emittedSteps(): number {
    return this.cursor.steps
  }

  /** The kernel's live columns as the chain reads them, with the cost and P&L components in the log's order. */
  private liveView(columns: StepColumns, rationales: readonly string[]): StepColumnsView {
    const n = columns.t.length
    const pick = (record: Record<string, Float64Array>, order: readonly string[]): Record<string, Float64Array> =>
      Object.fromEntries(order.map((name) => [name, record[name] ?? new Float64Array(n)]))
    return {
      ...columns,
      legs: this.names.legs,
      actionNames: this.names.actionNames,
      regimeNames: this.names.regimeNames,
      sourceNames: this.names.sourceNames,
      rationales,
      costByComponent: pick(columns.costByComponent, this.names.costComponents),
      pnlByComponent: pick(columns.pnlByComponent, this.names.pnlComponents)
    }
  }

  private slice(view: StepColumnsView, to: number, events: readonly ChainEvent[], last: boolean): StepLogSlice {
    const from = this.cursor.steps
    const { stepLinks, eventLinks, firstEvent } = this.cursor.advance(view, from, to, events, last)
    const legs = this.names.legs.length
    // Copies, not views: a view would carry the whole run's buffer across the process boundary.
    const ints = (values: ArrayLike<number>): Int32Array => (values instanceof Int32Array ? values.slice(from, to) : Int32Array.from({ length: to - from }, (_, i) => values[from + i]!))
    const floats = (values: ArrayLike<number>, width = 1): Float64Array =>
      values instanceof Float64Array ? values.slice(from * width, to * width) : Float64Array.from({ length: (to - from) * width }, (_, i) => values[from * width + i]!)
    const perComponent = (record: Readonly<Record<string, ArrayLike<number>>>): Record<string, Float64Array> =>
      Object.fromEntries(Object.entries(record).map(([name, values]) => [name, floats(values)]))
    const newRationales = view.rationales.slice(this.rationalesSent)
    const rationalesFrom = this.rationalesSent
    this.rationalesSent = view.rationales.length
    return {
      first: from,
      firstEvent,
      rationalesFrom,
      newRationales,
      last,
      legs: [...this.names.legs],
      actionNames: [...this.names.actionNames],
      regimeNames: [...this.names.regimeNames],
      sourceNames: [...this.names.sourceNames],
      t: ints(view.t),
      regime: ints(view.regime),
      action: ints(view.action),
      source: view.source instanceof Uint8Array ? view.source.slice(from, to) : Uint8Array.from({ length: to - from }, (_, i) => view.source[from + i]!),
      rationale: ints(view.rationale),
      position: floats(view.position, legs),
      trade: floats(view.trade, legs),
      cost: floats(view.cost),
      costByComponent: perComponent(view.costByComponent),
      pnlByComponent: perComponent(view.pnlByComponent),
      netPnl: floats(view.netPnl),
      equity: floats(view.equity),
      drawdown: floats(view.drawdown),
      leverage: floats(view.leverage),
      events: events.slice(firstEvent, this.cursor.events).map((e) => ({ t: e.t, rule: e.rule, message: e.message, before: [...e.before], after: [...e.after] })),
      chain: { stepLinks, eventLinks, head: this.cursor.head }
    }
  }
}
