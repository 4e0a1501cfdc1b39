import { ApiError, type ServiceName, type ServiceStatus } from '../../shared/contract'
import type { ServiceMethodName, ServiceParams, ServiceResult, ServiceTable } from '../../shared/contract/protocol'
import { toErrorShape } from '../workers/runtime'
import { checkHandlers, eventDispatcher, handlerOf, parseParams, parseReply, type ServiceHandlers } from './protocol'
import type { CallOptions, ServiceHost } from './service-host'

/**
 * A service whose handlers run in this process, behind the same checks as a service process:
 * params parsed before the handler, every value structured-cloned as it would be across the
 * boundary, events and the response parsed before the caller sees them. For tests of what sits
 * on top of a service (RunManager, the audit) without starting processes.
 */
export function localService<T extends ServiceTable>(name: ServiceName, methods: T, handlers: ServiceHandlers<T>): ServiceHost<T> {
  checkHandlers(`local ${name} service`, methods, handlers)
  return {
    name,
    start: async () => undefined,
    stop: async () => undefined,
    status: (): ServiceStatus => ({ name, state: 'ready', pid: process.pid, restarts: 0, lastExit: null, restartInMs: null }),
    onStatus: () => () => undefined,
    async call<M extends ServiceMethodName<T>>(method: M, params: ServiceParams<T, M>, options: CallOptions<T, M> = {}): Promise<ServiceResult<T, M>> {
      if (options.signal?.aborted) throw new ApiError('cancelled', `${method} was cancelled`)
      const checked = parseParams(methods, method, structuredClone(params))
      if (!checked.ok) throw ApiError.fromShape(checked.error)
      const dispatch = eventDispatcher(methods, method, options.on)
      let malformed: ApiError | null = null
      const controller = new AbortController()
      const abort = (): void => controller.abort()
      options.signal?.addEventListener('abort', abort, { once: true })
      const ctx = {
        signal: controller.signal,
        emit: (event: string, payload: unknown) => {
          malformed ??= dispatch(event, structuredClone(payload))
          if (malformed) controller.abort()
        }
      }
      let value: unknown
      try {
        value = await handlerOf(handlers, method)(checked.params, ctx)
      } catch (error) {
        if (error instanceof ApiError) throw malformed ?? error
        throw malformed ?? ApiError.fromShape(toErrorShape(error, method))
      } finally {
        options.signal?.removeEventListener('abort', abort)
      }
      if (malformed) throw malformed
      const response: T[M]['response'] = methods[method]!.response
      return parseReply(response, method, structuredClone(value))
    }
  }
}
