import type { ConstraintEvent } from './risk-gate'
import type { StepColumns } from './run'

/**
 * Steps [first, first + count) of a run as the kernel recorded them. The columns are views into
 * the kernel's chunk buffers, which the next chunk overwrites: read (or copy) what you need
 * during the call, keep nothing.
 */
export interface StepChunk {
  first: number
  count: number
  /** One entry per step (legs arrays: count × legs, step-major). */
  columns: StepColumns
  /** The constraint events of these steps, in the order they happened. */
  events: readonly ConstraintEvent[]
  /** Sequence number of events[0] in the run. */
  firstEvent: number
  /** The run's rationale table so far (append-only; columns.rationale indexes it). */
  rationales: readonly string[]
}

/** How a run ended, for observers that finish after the last chunk. */
export interface RunEnd {
  labId: string
  legs: readonly string[]
  actions: readonly string[]
  regimeNames: readonly string[]
  pnlComponents: readonly string[]
  costComponents: readonly string[]
  initialEquity: number
  /** Steps executed (fewer than planned when a drawdown stop or the lab halted the run). */
  steps: number
  plannedSteps: number
  halted: boolean
  /** Why a lab ended the run (Lab.halt); absent when the run was not halted or the drawdown stop halted it. */
  haltReason?: string
  /** After the closing mark, for labs whose P&L is marked forward. */
  finalEquity: number
  /** P&L of the closing mark by component (zeros when there was none); after an equity floor, the mark of the step it ended the run at. */
  closingMark: Float64Array
  rationales: readonly string[]
  /** Constraint events logged in the run. */
  eventCount: number
}

/** Receives a run's steps chunk by chunk while it advances (decision log, charts, metrics, hashes). */
export interface ChunkSink {
  onChunk(chunk: StepChunk): void
}

/** A sink that turns what it saw into a value once the run has ended. */
export interface RunObserver<R> extends ChunkSink {
  finish(end: RunEnd): R
}
