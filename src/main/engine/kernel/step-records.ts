import type { StepColumns } from './run'

/**
 * Steps per chunk of the stored decision log. The engine emits the log in slices of this many
 * steps while a run advances (so every slice is whole chunks on disk); the store keeps one
 * BLOB per column per chunk.
 */
export const STEP_CHUNK = 4096

/**
 * Every step of a lab run as it crosses from the engine process to the store: the run's
 * columns (less the mark-only ones, which the store does not keep) plus the name tables their
 * integer codes index into, and the constraint events.
 */
export type StepRecordBatch = Omit<StepColumns, 'markPnl' | 'markedEquity'> & {
  legs: string[]
  actionNames: string[]
  regimeNames: string[]
  sourceNames: string[]
  rationales: string[]
  events: Array<{ t: number; rule: string; message: string; before: number[]; after: number[] }>
  /** The log's hash chain: 32 bytes per step and per event, and its head (src/main/audit). */
  chain?: { stepLinks: Uint8Array; eventLinks: Uint8Array; head: string }
}

/**
 * A run's decision log as the engine emits it while the run advances: STEP_CHUNK-aligned
 * steps [first, first + t.length) with the constraint events at or before them, chained on
 * from the previous slice. The slices of a run, in order, hold the same rows, codes and links
 * as the run's whole StepRecordBatch (src/main/labs/log-stream.ts).
 */
export type StepLogSlice = Omit<StepRecordBatch, 'rationales' | 'chain'> & {
  /** Step number of the first step (a multiple of STEP_CHUNK). */
  first: number
  /** Sequence number of the first event in `events`. */
  firstEvent: number
  /** The run's rationale table is append-only: the entries this slice adds, from index `rationalesFrom`. */
  rationalesFrom: number
  newRationales: string[]
  /** Links of this slice's steps and events, and the chain head after them. */
  chain: { stepLinks: Uint8Array; eventLinks: Uint8Array; head: string }
  /** The run's last slice (it may hold any number of steps, including none). */
  last: boolean
}
