import { z } from 'zod'
import { LabRunSpec, QueuedSweepId } from '../../shared/contract'
import { CellSummary, MAX_CELLS_PER_BATCH } from '../../shared/contract/protocol'

// What travels through Redis between a sweep's coordinator and its workers. Both ends parse it
// with these schemas (the cells' specs with the router's LabRunSpec) before anything runs or is
// written: Redis is shared, and anything may have put a job on the queue.

/** The one BullMQ queue every sweep uses; a job's id says which sweep and cells it is. */
export const QUEUE_NAME = 'mechanica-sweeps'


/**
 * A job's id, and the key of each cell's stored result: `<sweep>-<cell>`. A job carries the
 * batch of consecutive cells that starts at its first cell; batches are fixed when the sweep is
 * planned, so a job re-queued after Redis lost it gets the same id (and is never run twice).
 */
export function jobIdOf(sweep: string, cell: number): string {
  return `${sweep}-${cell}`
}

export const SweepJob = z.strictObject({
  kind: z.literal('mechanica.sweep-cells'),
  /** The code version that planned the job: a worker on another version refuses it. */
  codeVersion: z.string().min(1).max(200),
  sweep: QueuedSweepId,
  /** The batch's first cell: its cells are first, first + 1, … in the order of `specs`. */
  first: z.int().min(0).max(10_000_000),
  specs: z.array(LabRunSpec).min(1).max(MAX_CELLS_PER_BATCH),
  /** Send back each cell's decision log, compressed. */
  log: z.boolean()
})
export type SweepJob = z.infer<typeof SweepJob>

export const WorkerIdentity = z.strictObject({ host: z.string().max(255), pid: z.int() })
export type WorkerIdentity = z.infer<typeof WorkerIdentity>

/** One cell's answer: its summary or why the run failed, and its compressed log when asked. */
export const SweepCellResult = z.strictObject({
  outcome: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), summary: CellSummary }),
    z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) })
  ]),
  /** The decision log's slices, v8-serialised and gzipped, base64 (when the job asked for it). */
  stepLog: z.string().optional()
})
export type SweepCellResult = z.infer<typeof SweepCellResult>

/** A worker's answer for one job: a result per cell, in the job's order, and who ran them. */
export const SweepJobResult = z.strictObject({
  codeVersion: z.string(),
  worker: WorkerIdentity,
  cells: z.array(SweepCellResult).max(MAX_CELLS_PER_BATCH),
  /** Milliseconds the engine spent on the batch (the rest of a job's time is queue overhead). */
  runMs: z.number().min(0)
})
export type SweepJobResult = z.infer<typeof SweepJobResult>
