import type { z } from 'zod'
import { ApiError, issuesFromZod, summariseIssues, type ApiErrorShape } from '../../shared/contract'
import type {
  ServiceEventInput,
  ServiceEventListeners,
  ServiceEventName,
  ServiceInput,
  ServiceMethodName,
  ServiceReply,
  ServiceTable
} from '../../shared/contract/protocol'

// Both ends of a service call check it against the service's method table
// (src/shared/contract/protocol): the service parses the params before its handler runs,
// main parses the response and every event before its caller sees them. One table, one
// wrapper per end, as the router does for the renderer's API.

export interface TaskContext<T extends ServiceTable, M extends ServiceMethodName<T>> {
  signal: AbortSignal
  /** Sends one of the events the method declares; main validates it before a listener sees it. */
  emit<E extends ServiceEventName<T, M>>(name: E, payload: ServiceEventInput<T, M, E>): void
}

export type ServiceHandler<T extends ServiceTable, M extends ServiceMethodName<T>> = (
  params: ServiceInput<T, M>,
  ctx: TaskContext<T, M>
) => Promise<ServiceReply<T, M>> | ServiceReply<T, M>

/** A handler for every method of the table: a missing one, or one returning the wrong shape, does not compile. */
export type ServiceHandlers<T extends ServiceTable> = { [M in ServiceMethodName<T>]: ServiceHandler<T, M> }

/** The handlers as the dispatcher sees them, once their params were validated. */
type AnyHandler = (params: unknown, ctx: { signal: AbortSignal; emit(name: string, payload: unknown): void }) => unknown

/** The types say every method has a handler; this also catches extras smuggled in at run time. */
export function checkHandlers(service: string, table: ServiceTable, handlers: object): void {
  for (const name of Object.keys(handlers)) {
    if (!Object.hasOwn(table, name)) throw new Error(`${service}: handler "${name}" has no schema in the method table`)
  }
  for (const name of Object.keys(table)) {
    if (typeof (handlers as Record<string, unknown>)[name] !== 'function') throw new Error(`${service}: method "${name}" has no handler`)
  }
}

export function handlerOf(handlers: object, method: string): AnyHandler {
  return (handlers as Record<string, AnyHandler>)[method]!
}

/** The params of a call as its handler will see them, or the error the caller gets instead. */
export function parseParams(table: ServiceTable, method: string, params: unknown): { ok: true; params: unknown } | { ok: false; error: ApiErrorShape } {
  if (!Object.hasOwn(table, method)) return { ok: false, error: { code: 'unknown_method', message: `the service has no task "${method.slice(0, 100)}"` } }
  const parsed = table[method]!.request.safeParse(params ?? {})
  if (parsed.success) return { ok: true, params: parsed.data }
  const issues = issuesFromZod(parsed.error, params)
  return { ok: false, error: { code: 'invalid_params', message: `${method}: ${summariseIssues(issues)}`, issues } }
}

/**
 * A service's answer parsed with the method's response schema. A malformed one is a bug on one
 * side of the protocol, not the caller's mistake: `internal`, naming the method and the field.
 */
export function parseReply<S extends z.ZodType>(schema: S, method: string, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new ApiError('internal', `${method} returned a malformed response: ${summariseIssues(issuesFromZod(parsed.error, value, 'response'))}`)
}

/**
 * Validates each event a call emits and hands it to the caller's listener for that name.
 * Returns the error that ends the call when an event is undeclared or malformed.
 */
export function eventDispatcher<T extends ServiceTable, M extends ServiceMethodName<T>>(
  table: T,
  method: M,
  listeners: ServiceEventListeners<T, M> | undefined
): (name: string, payload: unknown) => ApiError | null {
  const schemas: Readonly<Record<string, z.ZodType>> = table[method]!.events
  // Each listener's payload type is its own event's schema; the payload was parsed with it.
  const byName = (listeners ?? {}) as Record<string, ((payload: unknown) => void) | undefined>
  return (name, payload) => {
    if (!Object.hasOwn(schemas, name)) return new ApiError('internal', `${method} sent an event it does not declare: "${name.slice(0, 100)}"`)
    const parsed = schemas[name]!.safeParse(payload)
    if (!parsed.success) {
      return new ApiError('internal', `${method} sent a malformed "${name}" event: ${summariseIssues(issuesFromZod(parsed.error, payload, 'payload'))}`)
    }
    byName[name]?.(parsed.data)
    return null
  }
}
