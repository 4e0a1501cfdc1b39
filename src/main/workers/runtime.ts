import { ApiError, type ApiErrorShape } from '../../shared/contract'
import type { ServiceTable } from '../../shared/contract/protocol'
import { CancelledError } from '../engine/cancellation'
import { checkHandlers, handlerOf, parseParams, type ServiceHandlers } from '../services/protocol'
import type { FromWorker, ToWorker } from '../services/worker-protocol'

/** The channel to main: Electron's parentPort, Node's IPC channel, or a test's fake. */
export interface ParentLink {
  send(message: FromWorker): void
  onMessage(listener: (message: ToWorker) => void): void
}

interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

/** The same worker file runs as an Electron utility process or a Node child process. */
function parentLink(): ParentLink {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort
  if (electronPort) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data as ToWorker))
    }
  }
  if (typeof process.send === 'function') {
    // The parent is gone (killed, crashed): nothing can read this process's results any more,
    // so it stops instead of computing on as an orphan.
    process.on('disconnect', () => process.exit(0))
    return {
      send: (message) => process.send?.(message),
      onMessage: (listener) => process.on('message', (message) => listener(message as ToWorker))
    }
  }
  throw new Error('this file is a service process entry; start it through ServiceHost, not directly')
}

export function toErrorShape(error: unknown, method: string): ApiErrorShape {
  if (error instanceof ApiError) return error.toShape()
  if (error instanceof CancelledError) return { code: 'cancelled', message: `${method} was cancelled` }
  const reason = error instanceof Error ? error.message : String(error)
  return { code: 'internal', message: `${method} failed: ${reason}` }
}

/**
 * Serves a method table over the parent link: each call's params are parsed with the method's
 * request schema before its handler runs (a bad call gets `invalid_params` naming the field,
 * and the handler never sees it); one AbortController per call, cancel by id. The response and
 * the events are checked in main, which trusts nothing that crosses.
 */
export function serveWorker<T extends ServiceTable>(service: string, methods: T, handlers: ServiceHandlers<T>, link: ParentLink = parentLink()): void {
  checkHandlers(service, methods, handlers)
  const running = new Map<number, AbortController>()

  link.onMessage((message) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort()
      return
    }
    if (message.type !== 'call') return
    const { id, method } = message
    const checked = parseParams(methods, method, message.params)
    if (!checked.ok) {
      link.send({ type: 'result', id, ok: false, error: checked.error })
      return
    }
    const handler = handlerOf(handlers, method)
    const controller = new AbortController()
    running.set(id, controller)
    const ctx = {
      signal: controller.signal,
      emit: (name: string, payload: unknown) => link.send({ type: 'event', id, name, payload })
    }
    Promise.resolve()
      .then(() => handler(checked.params, ctx))
      .then(
        (value) => link.send({ type: 'result', id, ok: true, value }),
        (error: unknown) => link.send({ type: 'result', id, ok: false, error: toErrorShape(error, method) })
      )
      .finally(() => running.delete(id))
  })

  link.send({ type: 'ready' })
}

/** Gives the event loop a turn so that cancel messages are read mid-run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
