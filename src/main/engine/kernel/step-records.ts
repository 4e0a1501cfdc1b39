
/**
 * Steps per chunk of the stored decision log. The engine emits the log in slices of this many
 * steps while a run advances (so every slice is whole chunks on disk); the store keeps one
 * BLOB per column per chunk.
 */
export const STEP_CHUNK = 4096

/**
 * A lab run's steps as they cross from the engine process to the store, whole (StepRecordBatch)
 * or in STEP_CHUNK slices while the run advances (StepLogSlice). They cross a process boundary,
 * so they are declared once, in the engine's method table, and validated there.
 */
export type { StepLogSlice, StepRecordBatch } from '../../../shared/contract/protocol'
