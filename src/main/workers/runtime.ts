import { ApiError, type ApiErrorShape } from '../../shared/contract'
import { CancelledError } from '../engine/cancellation'
import type { FromWorker, ToWorker } from '../services/worker-protocol'

export interface TaskContext {
  signal: AbortSignal
  emit(name: string, payload: unknown): void
}

export type TaskHandler = (params: unknown, ctx: TaskContext) => Promise<unknown>

interface ParentLink {
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

/** Serves task handlers over the parent link; one AbortController per call, cancel by id. */
export function serveWorker(handlers: Record<string, TaskHandler>): void {
  const link = parentLink()
  const running = new Map<number, AbortController>()

  link.onMessage((message) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort()
      return
    }
    if (message.type !== 'call') return
    const { id, method, params } = message
    const handler = handlers[method]
    if (!handler) {
      link.send({ type: 'result', id, ok: false, error: { code: 'unknown_method', message: `the service has no task "${method}"` } })
      return
    }
    const controller = new AbortController()
    running.set(id, controller)
    const ctx: TaskContext = {
      signal: controller.signal,
      emit: (name, payload) => link.send({ type: 'event', id, name, payload })
    }
    handler(params, ctx).then(
      (value) => link.send({ type: 'result', id, ok: true, value }),
      (error: unknown) => link.send({ type: 'result', id, ok: false, error: toErrorShape(error, method) })
    ).finally(() => running.delete(id))
  })

  link.send({ type: 'ready' })
}

/** Gives the event loop a turn so that cancel messages are read mid-run. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
