import type { ReplayReport } from '../../shared/contract'
import type { StepLogSlice } from '../engine/kernel/step-records'
import type { ChainEvent, StepColumnsView } from './chain'

/** Where a replay first differs from the stored run. */
type Divergence = NonNullable<ReplayReport['firstDivergence']>

/** The step-by-step part of a replay's verdict (the contract's ReplayReport less the run and the results hashes). */
export type ReplayComparison = Omit<ReplayReport, 'runId' | 'storedResultsHash' | 'replayedResultsHash'>

const show = (x: number | string): string => (typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : x)
// Bit-identical or nothing: NaN equals NaN, but 0 and −0 differ (a replay must give the same bytes).
const same = (a: number, b: number): boolean => Object.is(a, b)

/**
 * Compares a replayed run with the stored one step by step as the replay's log arrives (slice
 * by slice, in order: nothing of either run is held beyond one stored chunk), in the order a
 * reader would look: decision (regime, action, source, rationale), then book (position, trade),
 * costs and P&L by component, then the account (net P&L, equity, drawdown, leverage); the
 * events are compared as they come, and reported only when every step agreed.
 */
export class ReplayComparator {
  private readonly stored: Iterator<StepColumnsView>
  private chunk: StepColumnsView | null = null
  private row = 0
  private storedSteps = 0
  private replayedSteps = 0
  private compared = 0
  private storedEnded = false
  private stepDivergence: Divergence | null = null
  private eventDivergence: Divergence | null = null
  private replayedEvents = 0

  constructor(
    stored: Iterable<StepColumnsView>,
    private readonly storedEvents: readonly ChainEvent[]
  ) {
    this.stored = stored[Symbol.iterator]()
  }

  /** The replay's next rows (a slice of its log, with the name tables it indexes into) and the events among them. */
  offer(replayed: StepColumnsView, events: readonly ChainEvent[]): void {
    const n = replayed.t.length
    for (let j = 0; j < n; j++) {
      this.replayedSteps++
      const s = this.nextStored()
      if (this.stepDivergence) continue
      if (!s) {
        this.stepDivergence = { t: replayed.t[j]!, field: 'step', stored: `the stored log ends after step ${this.storedSteps - 1}`, replayed: `step ${replayed.t[j]}` }
        continue
      }
      this.stepDivergence = compareRow(s.view, s.i, replayed, j)
      if (!this.stepDivergence) this.compared++
    }
    for (const b of events) this.compareEvent(b)
  }

  /** The verdict once the replay has ended: steps first, then events. */
  finish(): ReplayComparison {
    // Count the stored steps the replay never reached.
    while (this.nextStored()) {
      if (!this.stepDivergence) this.stepDivergence = { t: this.storedSteps - 1, field: 'step', stored: `step ${this.storedSteps - 1}`, replayed: `the replay ended after step ${this.replayedSteps - 1}` }
    }
    if (!this.stepDivergence && !this.eventDivergence && this.replayedEvents < this.storedEvents.length) {
      const a = this.storedEvents[this.replayedEvents]!
      this.eventDivergence = { t: a.t, field: `event #${this.replayedEvents}`, stored: `${a.rule}: ${a.message}`, replayed: '(none)' }
    }
    const firstDivergence = this.stepDivergence ?? this.eventDivergence
    return { identical: firstDivergence === null, stepsCompared: this.compared, storedSteps: this.storedSteps, replayedSteps: this.replayedSteps, firstDivergence }
  }

  private nextStored(): { view: StepColumnsView; i: number } | null {
    while (!this.storedEnded && (this.chunk === null || this.row >= this.chunk.t.length)) {
      const next = this.stored.next()
      if (next.done) this.storedEnded = true
      else {
        this.chunk = next.value
        this.row = 0
      }
    }
    if (this.storedEnded || !this.chunk) return null
    this.storedSteps++
    return { view: this.chunk, i: this.row++ }
  }

  private compareEvent(b: ChainEvent): void {
    const k = this.replayedEvents++
    if (this.eventDivergence) return
    const a = this.storedEvents[k]
    if (!a) {
      this.eventDivergence = { t: b.t, field: `event #${k}`, stored: '(none)', replayed: `${b.rule}: ${b.message}` }
      return
    }
    for (const field of ['t', 'rule', 'message'] as const) {
      if (a[field] !== b[field]) {
        this.eventDivergence = { t: a.t, field: `event #${k}.${field}`, stored: show(a[field]), replayed: show(b[field]) }
        return
      }
    }
    const av = [...a.before, ...a.after]
    const bv = [...b.before, ...b.after]
    // Stored event values went through JSON: −0 came back as 0 and NaN as null.
    const equalStored = (x: number | null, y: number): boolean => x === y || ((x === null || Number.isNaN(x)) && Number.isNaN(y))
    if (av.length !== bv.length || av.some((x, i) => !equalStored(x, bv[i]!))) this.eventDivergence = { t: a.t, field: `event #${k}.values`, stored: av.join(','), replayed: bv.join(',') }
  }
}

/** The first field where stored row i and replayed row j differ, or null. */
function compareRow(s: StepColumnsView, i: number, r: StepColumnsView, j: number): Divergence | null {
  const t = s.t[i]!
  if (r.t[j] !== t) return { t, field: 'step', stored: `step ${t}`, replayed: `step ${r.t[j]}` }
  const names: Array<[string, string, string]> = [
    ['regime', s.regimeNames[s.regime[i]!] ?? '', r.regimeNames[r.regime[j]!] ?? ''],
    ['action', s.actionNames[s.action[i]!] ?? '', r.actionNames[r.action[j]!] ?? ''],
    ['source', s.sourceNames[s.source[i]!] ?? '', r.sourceNames[r.source[j]!] ?? ''],
    ['rationale', s.rationales[s.rationale[i]!] ?? '', r.rationales[r.rationale[j]!] ?? '']
  ]
  for (const [field, a, b] of names) if (a !== b) return { t, field, stored: a, replayed: b }
  const legs = s.legs.length
  const numbers: Array<[string, number, number]> = []
  for (let k = 0; k < legs; k++) numbers.push([`position[${k}]`, s.position[i * legs + k]!, r.position[j * legs + k]!])
  for (let k = 0; k < legs; k++) numbers.push([`trade[${k}]`, s.trade[i * legs + k]!, r.trade[j * legs + k]!])
  numbers.push(['cost', s.cost[i]!, r.cost[j]!])
  for (const [name, values] of Object.entries(s.costByComponent)) numbers.push([`cost:${name}`, values[i]!, r.costByComponent[name]?.[j] ?? Number.NaN])
  for (const [name, values] of Object.entries(s.pnlByComponent)) numbers.push([`pnl:${name}`, values[i]!, r.pnlByComponent[name]?.[j] ?? Number.NaN])
  numbers.push(['netPnl', s.netPnl[i]!, r.netPnl[j]!], ['equity', s.equity[i]!, r.equity[j]!], ['drawdown', s.drawdown[i]!, r.drawdown[j]!], ['leverage', s.leverage[i]!, r.leverage[j]!])
  for (const [field, a, b] of numbers) if (!same(a, b)) return { t, field, stored: show(a), replayed: show(b) }
  return null
}

/** Feeds a replay's decision-log slices (in order, as the engine emits them) to a comparator, keeping the rationale table they extend. */
export function sliceFeeder(comparator: ReplayComparator): (slice: StepLogSlice) => void {
  const rationales: string[] = []
  return (slice) => {
    if (slice.rationalesFrom !== rationales.length) throw new Error(`decision-log slice at step ${slice.first} extends the rationale table from ${slice.rationalesFrom}, not ${rationales.length}`)
    rationales.push(...slice.newRationales)
    comparator.offer({ ...slice, rationales }, slice.events)
  }
}

/** A whole replay compared at once (the stored chunks and a replayed log in one piece). */
export function compareReplay(stored: Iterable<StepColumnsView>, storedEvents: readonly ChainEvent[], replayed: StepColumnsView, replayedEvents: readonly ChainEvent[]): ReplayComparison {
  const comparator = new ReplayComparator(stored, storedEvents)
  comparator.offer(replayed, replayedEvents)
  return comparator.finish()
}

/**
 * A replay's verdict: the step comparison, then the results hash — the log can agree while
 * something it does not keep (the mark-to-market columns) differs, and the hash decides.
 */
export function replayReport(runId: number, comparison: ReplayComparison, storedResultsHash: string | null, replayedResultsHash: string): ReplayReport {
  if (comparison.identical && storedResultsHash !== replayedResultsHash) {
    comparison.identical = false
    comparison.firstDivergence = { t: comparison.replayedSteps - 1, field: 'resultsHash', stored: storedResultsHash ?? '(none)', replayed: replayedResultsHash }
  }
  return { runId, ...comparison, storedResultsHash, replayedResultsHash }
}
