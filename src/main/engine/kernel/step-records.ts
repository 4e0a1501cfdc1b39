import type { StepColumns } from './run'

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
