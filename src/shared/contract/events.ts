import { z } from 'zod'
import { RunSummary } from './runs'
import { ServiceStatus } from './services'

/** Every event stream main pushes to renderers. Progress frames are throttled to ≤ 30/s. */
export const events = {
  'run.progress': z.strictObject({
    runId: z.int(),
    done: z.int(),
    total: z.int(),
    stepsPerSecond: z.number(),
    etaSeconds: z.number().nullable()
  }),
  'run.updated': z.strictObject({ run: RunSummary }),
  'service.status': ServiceStatus
} as const satisfies Record<string, z.ZodType>

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.infer<Events[E]>

export const eventNames = Object.keys(events) as EventName[]

export const MAX_PROGRESS_FRAMES_PER_SECOND = 30
