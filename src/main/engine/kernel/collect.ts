import type { AnyLab, Lab, LabReport } from './lab'
import { ResultsHasher } from './manifest'
import type { RunEnd, RunObserver, StepChunk } from './observers'
import type { ConstraintEvent } from './risk-gate'
import { allocateColumns, columnsView, runLab, type RunLabOptions, type StepColumns } from './run'
import { STEP_CHUNK } from './step-records'

/** A whole run held in memory: every step's columns and every constraint event. */
export interface LabRun<M> extends RunEnd {
  market: M
  columns: StepColumns
  events: ConstraintEvent[]
}

/** The step columns a collector can keep (the component columns come as one name each). */
export type StepColumnName = Exclude<keyof StepColumns, never>

/**
 * Keeps the steps of a run (copied out of the kernel's chunk buffers) and every event. Its
 * memory grows with the run: for tests, the CLI's small runs, and labs whose notebook metrics
 * need the whole series (two-pass statistics in NumPy's summation order), all of which cap
 * their run length. `keep` names the columns to hold (all by default); the others stay empty.
 */
export class StepCollector implements RunObserver<{ columns: StepColumns; events: ConstraintEvent[] }> {
  private readonly columns: StepColumns
  private readonly events: ConstraintEvent[] = []
  private readonly kept: StepColumnName[]
  private steps = 0

  constructor(
    private readonly capacity: number,
    private readonly legs: number,
    pnlComponents: readonly string[],
    costComponents: readonly string[],
    keep?: readonly StepColumnName[]
  ) {
    const all = allocateColumns(0, legs, pnlComponents, costComponents)
    this.kept = (Object.keys(all) as StepColumnName[]).filter((name) => !keep || keep.includes(name))
    const full = allocateColumns(capacity, legs, this.kept.includes('pnlByComponent') ? pnlComponents : [], this.kept.includes('costByComponent') ? costComponents : [])
    for (const name of this.kept) (all as unknown as Record<string, unknown>)[name] = full[name]
    this.columns = all
  }

  onChunk(chunk: StepChunk): void {
    const at = chunk.first
    const c = chunk.columns
    const to = this.columns
    for (const name of this.kept) {
      if (name === 'pnlByComponent' || name === 'costByComponent') {
        for (const [component, values] of Object.entries(to[name])) values.set(c[name][component]!, at)
      } else {
        const width = name === 'position' || name === 'trade' ? this.legs : 1
        to[name].set(c[name], at * width)
      }
    }
    for (const e of chunk.events) this.events.push(e)
    this.steps = at + chunk.count
  }

  finish(): { columns: StepColumns; events: ConstraintEvent[] } {
    return { columns: this.steps === this.capacity ? this.columns : columnsView(this.columns, this.steps, this.legs), events: this.events }
  }
}

/** A collector sized for a lab's planned run. */
export function collectorFor<C>(lab: Lab<C, unknown, unknown, string> | AnyLab, config: C): StepCollector {
  return new StepCollector(lab.steps(config), lab.legs.length, lab.pnlComponents, lab.execution(config).components)
}

/**
 * A lab report computed from the whole run (see StepCollector): the lab's metrics and
 * telemetry read `run.columns` and `run.events` once the run has ended — only the columns in
 * `keep`, when given (the others are empty, so a read of one shows at once in the parity tests).
 */
export function wholeRunReport<C, M>(lab: Lab<C, M, unknown, string>, config: C, market: M, compute: (run: LabRun<M>) => LabReport, keep?: readonly StepColumnName[]): RunObserver<LabReport> {
  const collector = new StepCollector(lab.steps(config), lab.legs.length, lab.pnlComponents, lab.execution(config).components, keep)
  return {
    onChunk: (chunk) => collector.onChunk(chunk),
    finish: (end) => compute({ ...end, market, ...collector.finish() })
  }
}

/** Runs a lab and keeps the whole run in memory (tests, small runs, reports). */
export async function runCollected<C, M, O, A extends string>(lab: Lab<C, M, O, A>, config: C, options: RunLabOptions<O, A> = {}): Promise<LabRun<M>> {
  const collector = new StepCollector(lab.steps(config), lab.legs.length, lab.pnlComponents, lab.execution(config).components)
  const outcome = await runLab(lab, config, { ...options, sinks: [...(options.sinks ?? []), collector] })
  return { ...outcome, ...collector.finish() }
}

/** The results hash of a whole run, folded in STEP_CHUNK chunks exactly as the engine folds it while the run advances. */
export function labResultsHash(run: LabRun<unknown>): string {
  const hasher = new ResultsHasher()
  const legs = run.legs.length
  let e = 0
  for (let first = 0; first < run.steps || first === 0; first += STEP_CHUNK) {
    const count = Math.min(STEP_CHUNK, run.steps - first)
    const slice = (a: Float64Array | Int32Array | Uint8Array, width = 1) => a.subarray(first * width, (first + count) * width)
    const c = run.columns
    const per = (r: Record<string, Float64Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, slice(v) as Float64Array]))
    const columns: StepColumns = {
      t: slice(c.t) as Int32Array,
      regime: slice(c.regime) as Int32Array,
      action: slice(c.action) as Int32Array,
      source: slice(c.source) as Uint8Array,
      rationale: slice(c.rationale) as Int32Array,
      position: slice(c.position, legs) as Float64Array,
      trade: slice(c.trade, legs) as Float64Array,
      markPnl: slice(c.markPnl) as Float64Array,
      pnlByComponent: per(c.pnlByComponent),
      cost: slice(c.cost) as Float64Array,
      costByComponent: per(c.costByComponent),
      netPnl: slice(c.netPnl) as Float64Array,
      markedEquity: slice(c.markedEquity) as Float64Array,
      equity: slice(c.equity) as Float64Array,
      drawdown: slice(c.drawdown) as Float64Array,
      leverage: slice(c.leverage) as Float64Array
    }
    const last = first + count >= run.steps
    const from = e
    while (e < run.events.length && (last || run.events[e]!.t < first + count)) e++
    hasher.onChunk({ first, count, columns, events: run.events.slice(from, e), firstEvent: from, rationales: run.rationales })
    if (last) break
  }
  return hasher.finish(run)
}
