import type { FromWorker } from './worker-protocol'
import type { ExitInfo, ProcessLauncher, ProcessPort } from './process-port'

/**
 * A launcher whose first launch of one service has already begun: the process starts now, while
 * the caller goes on loading its own modules, and the service's supervisor takes it over on its
 * first `launch` of that entry, as if it had spawned it then. Later launches (restarts) and other
 * services launch as usual. What the process says or does before the supervisor attaches (its
 * `ready`, or an exit) is kept and handed over in order.
 */
export function withEarlyLaunch(launcher: ProcessLauncher, entryFile: string, serviceName: string): ProcessLauncher {
  let early: ProcessPort | null = heldPort(launcher(entryFile, serviceName))
  return (file, name) => {
    if (early && file === entryFile && name === serviceName) {
      const port = early
      early = null
      return port
    }
    return launcher(file, name)
  }
}

/**
 * `port` with what it says and its exit held, in order, until it is handed over: a microtask
 * after the first listener attaches, so a supervisor finishes wiring itself (listeners, ready
 * timer) before it hears a `ready` sent long before. From then on, events pass straight through.
 */
function heldPort(port: ProcessPort): ProcessPort {
  const messageListeners: Array<(message: FromWorker) => void> = []
  const exitListeners: Array<(info: ExitInfo) => void> = []
  const hear = (message: FromWorker): void => messageListeners.forEach((listener) => listener(message))
  const end = (info: ExitInfo): void => exitListeners.forEach((listener) => listener(info))
  /** The events before the hand-over; null after it. */
  let held: Array<() => void> | null = []
  let handingOver = false
  const handOver = (): void => {
    if (handingOver) return
    handingOver = true
    queueMicrotask(() => {
      const events = held ?? []
      held = null
      for (const event of events) event()
    })
  }
  port.onMessage((message) => (held ? held.push(() => hear(message)) : hear(message)))
  port.onExit((info) => (held ? held.push(() => end(info)) : end(info)))
  return {
    get pid() {
      return port.pid
    },
    send: (message) => port.send(message),
    kill: () => port.kill(),
    onMessage(listener) {
      messageListeners.push(listener)
      handOver()
    },
    onExit(listener) {
      exitListeners.push(listener)
      handOver()
    }
  }
}
