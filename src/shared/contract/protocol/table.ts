import type { z } from 'zod'

/**
 * One method of a service process: the params main sends, the value the service answers, and
 * the events it may emit while the call runs (by name). The service validates `request` before
 * its handler runs; main validates `response` and every event before anyone reads them.
 */
export interface ServiceMethod {
  request: z.ZodType
  response: z.ZodType
  events: Readonly<Record<string, z.ZodType>>
}

/** A service process's method table: every call it answers, like `methods` for the renderer's API. */
export type ServiceTable = Readonly<Record<string, ServiceMethod>>

export type ServiceMethodName<T extends ServiceTable> = Extract<keyof T, string>
/** What a caller passes (defaults may be omitted). */
export type ServiceParams<T extends ServiceTable, M extends ServiceMethodName<T>> = z.input<T[M]['request']>
/** What a handler receives, after validation and defaults. */
export type ServiceInput<T extends ServiceTable, M extends ServiceMethodName<T>> = z.output<T[M]['request']>
/** What a handler may return. */
export type ServiceReply<T extends ServiceTable, M extends ServiceMethodName<T>> = z.input<T[M]['response']>
/** What a caller receives, after validation. */
export type ServiceResult<T extends ServiceTable, M extends ServiceMethodName<T>> = z.output<T[M]['response']>
export type ServiceEventName<T extends ServiceTable, M extends ServiceMethodName<T>> = Extract<keyof T[M]['events'], string>
/** What a handler emits as event E. */
export type ServiceEventInput<T extends ServiceTable, M extends ServiceMethodName<T>, E extends ServiceEventName<T, M>> = z.input<T[M]['events'][E]>
/** What a listener receives as event E, after validation. */
export type ServiceEventPayload<T extends ServiceTable, M extends ServiceMethodName<T>, E extends ServiceEventName<T, M>> = z.output<T[M]['events'][E]>
/** A listener per event name; events without one are validated and dropped. */
export type ServiceEventListeners<T extends ServiceTable, M extends ServiceMethodName<T>> = {
  [E in ServiceEventName<T, M>]?: (payload: ServiceEventPayload<T, M, E>) => void
}
