import { z } from 'zod'
import { LabRunSpec } from '../../shared/contract'
import { CellSummary } from '../../shared/contract/protocol'

// What travels through Redis between a sweep's coordinator and its workers. Both ends parse it
// with these schemas (the cell's spec with the router's LabRunSpec) before anything runs or is
// written: Redis is shared, and anything may have put a job on the queue.

/** The one BullMQ queue every sweep uses; a job's id says which sweep and cell it is. */
export const QUEUE_NAME = 'mechanica-sweeps'

/** A queued sweep's id: 12 lowercase hex digits. */
export const QueuedSweepId = z.string().regex(/^[0-9a-f]{12}$/, { error: 'must be 12 lowercase hex digits' })

export function jobIdOf(sweep: string, cell: number): string {
  return `${sweep}-${cell}`
}

export const SweepJob = z.strictObject({
  kind: z.literal('mechanica.sweep-cell'),
  /** The code version that planned the job: a worker on another version refuses it. */
  codeVersion: z.string().min(1).max(200),
  sweep: QueuedSweepId,
  cell: z.int().min(0).max(10_000_000),
  spec: LabRunSpec,
  /** Send back the decision log, compressed. */
  log: z.boolean()
})
export type SweepJob = z.infer<typeof SweepJob>

export const WorkerIdentity = z.strictObject({ host: z.string().max(255), pid: z.int() })
export type WorkerIdentity = z.infer<typeof WorkerIdentity>

/** A worker's answer for one job: the cell's summary or why the run failed, and who ran it. */
export const SweepJobResult = z.strictObject({
  codeVersion: z.string(),
  worker: WorkerIdentity,
  outcome: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), summary: CellSummary }),
    z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.string(), message: z.string() }) })
  ]),
  /** The decision log's slices, v8-serialised and gzipped, base64 (when the job asked for it). */
  stepLog: z.string().optional(),
  /** Milliseconds the engine spent on the cell (the rest of a job's time is queue overhead). */
  runMs: z.number().min(0)
})
export type SweepJobResult = z.infer<typeof SweepJobResult>
