import type { ServiceTable } from '../../shared/contract/protocol'
import type { ServiceHandlers } from '../services/protocol'

/**
 * A service's handlers whose code loads after the service has said it is ready: each method
 * waits for the module on its first call, and `warm()` starts loading it at once, off the path
 * to `ready`. A module that fails to load ends the process (`onLoadError`), so the supervisor
 * reports a broken build as it did when the module loaded before `ready`.
 */
export function deferredHandlers<T extends ServiceTable>(
  methods: T,
  load: () => Promise<ServiceHandlers<T>>,
  onLoadError: (error: unknown) => void
): { handlers: ServiceHandlers<T>; warm(): void } {
  let loading: Promise<ServiceHandlers<T>> | null = null
  const loaded = (): Promise<ServiceHandlers<T>> => (loading ??= load())
  const handlers = Object.fromEntries(
    Object.keys(methods).map((name) => [
      name,
      async (params: unknown, ctx: unknown) => ((await loaded()) as unknown as Record<string, (p: unknown, c: unknown) => unknown>)[name]!(params, ctx)
    ])
  ) as unknown as ServiceHandlers<T>
  return { handlers, warm: () => void loaded().catch(onLoadError) }
}
