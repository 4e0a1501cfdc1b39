import { z } from 'zod'
import { SweepDetail, SweepSummary } from './sweeps'

// Queue mode from the app: the Redis a sweep's cells go to (settings), and a queued sweep's
// state as its coordinator in main sees it (depth, workers, retries, ETA). The URL itself is
// checked in main (loopback unless allowed, TLS files readable): the same rules as the CLI.

/** Cells a queue job may carry (the CLI's --batch): a retry reruns the whole batch. */
export const MAX_QUEUE_JOB_CELLS = 64

export const QueueSettingsInput = z.strictObject({
  url: z.string().trim().min(1, { error: 'must be a redis:// or rediss:// URL' }).max(2000),
  /** A Redis on another machine is refused unless this is set. */
  allowRemote: z.boolean().default(false),
  /** The Redis password (or the ACL user's): kept in memory for this session, never written. Absent keeps the current one; "" clears it. */
  password: z.string().max(512).optional(),
  /** For rediss:// only: a CA certificate file, the server name to verify, or no verification (test set-ups). */
  tls: z
    .strictObject({
      caFile: z.string().max(4096).optional(),
      servername: z.string().max(255).optional(),
      insecure: z.boolean().default(false)
    })
    .default({ insecure: false }),
  /** Cells per queue job; null: chosen from the sweep's size. */
  batch: z.int().min(1).max(MAX_QUEUE_JOB_CELLS).nullable().default(null)
})
export type QueueSettingsInput = z.input<typeof QueueSettingsInput>

export const QueueSettings = z.strictObject({
  url: z.string(),
  allowRemote: z.boolean(),
  passwordSet: z.boolean(),
  tls: z.strictObject({ caFile: z.string().optional(), servername: z.string().optional(), insecure: z.boolean() }),
  batch: z.int().nullable(),
  /** The URL as shown: never the password. */
  display: z.string()
})
export type QueueSettings = z.infer<typeof QueueSettings>

export const QueuedSweepId = z.string().regex(/^[0-9a-f]{12}$/, { error: 'must be 12 lowercase hex digits' })

/** A worker serving the queue, and what it did for this sweep. */
export const QueueWorker = z.strictObject({
  /** `host:pid` as the worker names itself. */
  name: z.string(),
  host: z.string(),
  /** Connected to Redis now (a worker that answered and left is listed with its cells). */
  connected: z.boolean(),
  cells: z.int(),
  /** Cells per second over the last few seconds; null until it has been seen twice. */
  cellsPerSecond: z.number().nullable()
})
export type QueueWorker = z.infer<typeof QueueWorker>

/** A queued sweep as the Sweeps view shows it: a local sweep's description, plus the queue's view. */
export const QueuedSweepStatus = SweepSummary.pick({ lab: true, preset: true, kind: true, axes: true, seeds: true, overrides: true, status: true, createdAt: true, finishedAt: true, cells: true }).extend({
  id: QueuedSweepId,
  queue: z.string(),
  /** Cells per job. */
  batch: z.int(),
  /** Cells written (completed or failed). */
  done: z.int(),
  completed: z.int(),
  failed: z.int(),
  /** Jobs on the queue not yet taken, and taken by a worker now (null: not known, no coordinator). */
  waitingJobs: z.int().nullable(),
  activeJobs: z.int().nullable(),
  /** Jobs that needed more than one attempt. */
  retries: z.int(),
  workers: z.array(QueueWorker),
  runsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** Why the coordinator cannot reach the queue right now (it keeps trying), else null. */
  problem: z.string().nullable()
})
export type QueuedSweepStatus = z.infer<typeof QueuedSweepStatus>

/** As a local sweep's detail; a cell's runId is null (its result is stored with the queued sweep, not as a run). */
export const QueuedSweepDetail = SweepDetail.omit({ sweep: true }).extend({ sweep: QueuedSweepStatus })
export type QueuedSweepDetail = z.infer<typeof QueuedSweepDetail>
