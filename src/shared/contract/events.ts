import { z } from 'zod'
import { RunSummary } from './runs'
import { ServiceStatus } from './services'
import { SweepSummary } from './sweeps'
import { QueuedSweepStatus } from './queue'
import { RunSeriesChunk } from './surfaces'

/** Every event stream main pushes to renderers. Progress frames are throttled to ≤ 30/s. */
export const events = {
  'run.progress': z.strictObject({
    runId: z.int(),
    done: z.int(),
    total: z.int(),
    stepsPerSecond: z.number(),
    etaSeconds: z.number().nullable()
  }),
  /** A running lab run's series, conflated and batched (≤ 10 chunks/s per run). */
  'run.series': RunSeriesChunk,
  'run.updated': z.strictObject({ run: RunSummary }),
  /** Progress of a long call that is not a run (e.g. `regime.compare`), keyed by the method. */
  'task.progress': z.strictObject({ task: z.string(), done: z.int(), total: z.int(), label: z.string() }),
  'service.status': ServiceStatus,
  /** A sweep started, a cell started or ended, or the sweep ended. */
  'sweep.updated': z.strictObject({ sweep: SweepSummary }),
  /** A queued sweep's depth, workers and progress (≤ 2/s while it runs), and its end. */
  'queue.progress': z.strictObject({ sweep: QueuedSweepStatus })
} as const satisfies Record<string, z.ZodType>

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.infer<Events[E]>

export const eventNames = Object.keys(events) as EventName[]

export const MAX_PROGRESS_FRAMES_PER_SECOND = 30
