import { ChainCursor, type StepColumnsView } from '../audit/chain'
import { POLICY_SOURCES, STEP_CHUNK, type AnyLab, type ChunkSink, type LabRun, type StepChunk, type StepColumns, type StepLogSlice, type StepRecordBatch } from '../engine/kernel'

/** The name tables of a run's log that are fixed before its first step. */
export interface StepLogNames {
  legs: readonly string[]
  actionNames: readonly string[]
  regimeNames: readonly string[]
  costComponents: readonly string[]
  pnlComponents: readonly string[]
}

/**
 * Emits a lab run's decision log in STEP_CHUNK slices while the loop advances, each
 * hash-chained on from the one before (ChainCursor), so main can commit every full chunk as it
 * arrives and a run stopped at any point leaves a log that verifies up to its last slice. The
 * last slice (the steps after the last full chunk, possibly none) comes from `finish` and is
 * written with the results. Slices are copies: nothing of the kernel's buffers is kept, and the
 * stream holds at most one partial chunk. Deterministic: no clock here.
 */
export class StepLogStream implements ChunkSink {
  private readonly cursor = new ChainCursor()
  private rationalesSent = 0
  private tail: StepLogSlice | null = null

  constructor(
    private readonly names: StepLogNames,
    private readonly emit: (slice: StepLogSlice) => void
  ) {}

  onChunk(chunk: StepChunk): void {
    if (this.tail) throw new Error(`the decision log got steps after its last, partial chunk (step ${chunk.first})`)
    // A partial chunk is the run's last: it is held back and becomes the slice written with the results.
    if (chunk.count === STEP_CHUNK) this.emit(this.slice(chunk, false))
    else this.tail = this.slice(chunk, true)
  }

  /** The run's last slice: every step and event not emitted yet. Its head is the run's chain head. */
  finish(): StepLogSlice {
    return this.tail ?? this.slice({ first: this.cursor.steps, count: 0, columns: null, events: [], firstEvent: this.cursor.events, rationales: [] }, true)
  }

  /** Steps linked so far (the next slice starts here). */
  get emittedSteps(): number {
    return this.cursor.steps
  }

  private slice(chunk: Omit<StepChunk, 'columns' | 'rationales'> & { columns: StepColumns | null; rationales: readonly string[] }, last: boolean): StepLogSlice {
    const n = chunk.count
    const legs = this.names.legs.length
    const rationales = chunk.columns ? chunk.rationales : []
    const newRationales = rationales.slice(this.rationalesSent)
    const rationalesFrom = this.rationalesSent
    if (chunk.columns) this.rationalesSent = rationales.length
    const c = chunk.columns
    const pick = (record: Readonly<Record<string, Float64Array>> | undefined, order: readonly string[]): Record<string, Float64Array> =>
      Object.fromEntries(order.map((name) => [name, record?.[name]?.slice(0, n) ?? new Float64Array(n)]))
    const slice: StepLogSlice = {
      first: chunk.first,
      firstEvent: chunk.firstEvent,
      rationalesFrom,
      newRationales,
      last,
      legs: [...this.names.legs],
      actionNames: [...this.names.actionNames],
      regimeNames: [...this.names.regimeNames],
      sourceNames: [...POLICY_SOURCES],
      // Copies, not views: the kernel reuses its chunk buffers for the next steps.
      t: c ? c.t.slice(0, n) : new Int32Array(0),
      regime: c ? c.regime.slice(0, n) : new Int32Array(0),
      action: c ? c.action.slice(0, n) : new Int32Array(0),
      source: c ? c.source.slice(0, n) : new Uint8Array(0),
      rationale: c ? c.rationale.slice(0, n) : new Int32Array(0),
      position: c ? c.position.slice(0, n * legs) : new Float64Array(0),
      trade: c ? c.trade.slice(0, n * legs) : new Float64Array(0),
      cost: c ? c.cost.slice(0, n) : new Float64Array(0),
      costByComponent: pick(c?.costByComponent, this.names.costComponents),
      pnlByComponent: pick(c?.pnlByComponent, this.names.pnlComponents),
      netPnl: c ? c.netPnl.slice(0, n) : new Float64Array(0),
      equity: c ? c.equity.slice(0, n) : new Float64Array(0),
      drawdown: c ? c.drawdown.slice(0, n) : new Float64Array(0),
      leverage: c ? c.leverage.slice(0, n) : new Float64Array(0),
      events: chunk.events.map((e) => ({ t: e.t, rule: e.rule, message: e.message, before: [...e.before], after: [...e.after] })),
      chain: { stepLinks: new Uint8Array(0), eventLinks: new Uint8Array(0), head: '' }
    }
    const view: StepColumnsView = { ...slice, rationales }
    const links = this.cursor.advance(view, 0, n, slice.events, last, chunk.firstEvent)
    slice.chain = { stepLinks: links.stepLinks, eventLinks: links.eventLinks, head: this.cursor.head }
    return slice
  }
}

/** A whole run's decision log in one piece, as the store's one-shot writer takes it (tests, migrations). */
export function toStepRecords(lab: AnyLab, run: LabRun<unknown>): StepRecordBatch {
  const c = run.columns
  const pick = (record: Record<string, Float64Array>, names: readonly string[]): Record<string, Float64Array> =>
    Object.fromEntries(names.map((n) => [n, record[n] ?? new Float64Array(run.steps)]))
  return {
    legs: [...lab.legs],
    actionNames: [...lab.actions],
    regimeNames: [...run.regimeNames],
    sourceNames: [...POLICY_SOURCES],
    rationales: [...run.rationales],
    t: c.t,
    regime: c.regime,
    action: c.action,
    source: c.source,
    rationale: c.rationale,
    position: c.position,
    trade: c.trade,
    cost: c.cost,
    costByComponent: pick(c.costByComponent, run.costComponents),
    pnlByComponent: pick(c.pnlByComponent, lab.pnlComponents),
    netPnl: c.netPnl,
    equity: c.equity,
    drawdown: c.drawdown,
    leverage: c.leverage,
    events: run.events.map((e) => ({ t: e.t, rule: e.rule, message: e.message, before: e.before, after: e.after }))
  }
}

/** The slices of a run's log joined into one batch, with their links and the chain's head. */
export function joinSlices(slices: readonly StepLogSlice[]): StepRecordBatch {
  const first = slices[0]
  if (!first) throw new Error('a decision log has at least its last slice')
  const join = <T extends Float64Array | Int32Array | Uint8Array>(pick: (s: StepLogSlice) => T, make: (n: number) => T): T => {
    const out = make(slices.reduce((n, s) => n + pick(s).length, 0))
    let at = 0
    for (const s of slices) {
      out.set(pick(s) as never, at)
      at += pick(s).length
    }
    return out
  }
  const floats = (pick: (s: StepLogSlice) => Float64Array) => join(pick, (n) => new Float64Array(n))
  const per = (key: 'costByComponent' | 'pnlByComponent') => Object.fromEntries(Object.keys(first[key]).map((name) => [name, floats((s) => s[key][name]!)]))
  return {
    legs: first.legs,
    actionNames: first.actionNames,
    regimeNames: first.regimeNames,
    sourceNames: first.sourceNames,
    rationales: slices.flatMap((s) => s.newRationales),
    t: join((s) => s.t, (n) => new Int32Array(n)),
    regime: join((s) => s.regime, (n) => new Int32Array(n)),
    action: join((s) => s.action, (n) => new Int32Array(n)),
    source: join((s) => s.source, (n) => new Uint8Array(n)),
    rationale: join((s) => s.rationale, (n) => new Int32Array(n)),
    position: floats((s) => s.position),
    trade: floats((s) => s.trade),
    cost: floats((s) => s.cost),
    costByComponent: per('costByComponent'),
    pnlByComponent: per('pnlByComponent'),
    netPnl: floats((s) => s.netPnl),
    equity: floats((s) => s.equity),
    drawdown: floats((s) => s.drawdown),
    leverage: floats((s) => s.leverage),
    events: slices.flatMap((s) => s.events),
    chain: { stepLinks: join((s) => s.chain.stepLinks, (n) => new Uint8Array(n)), eventLinks: join((s) => s.chain.eventLinks, (n) => new Uint8Array(n)), head: slices.at(-1)!.chain.head }
  }
}
