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
 * `port` with its messages and exit held until someone listens. Held events are delivered in a
 * microtask after the first listener attaches, so a supervisor finishes wiring itself (listeners,
 * ready timer) before it hears a `ready` sent long before.
 */
function heldPort(port: ProcessPort): ProcessPort {
  const held: FromWorker[] = []
  const messageListeners: Array<(message: FromWorker) => void> = []
  const exitListeners: Array<(info: ExitInfo) => void> = []
  let exit: ExitInfo | null = null
  let flushing = false

  const flush = (): void => {
    if (flushing) return
    flushing = true
    queueMicrotask(() => {
      flushing = false
      if (messageListeners.length > 0) for (const message of held.splice(0)) for (const listener of messageListeners) listener(message)
      if (exit && held.length === 0) for (const listener of exitListeners.splice(0)) listener(exit)
    })
  }
  port.onMessage((message) => {
    if (messageListeners.length > 0 && held.length === 0 && !flushing) {
      for (const listener of messageListeners) listener(message)
    } else {
      held.push(message)
    }
  })
  port.onExit((info) => {
    exit = info
    if (messageListeners.length > 0 && held.length === 0 && !flushing) {
      for (const listener of exitListeners.splice(0)) listener(info)
    }
  })
  return {
    get pid() {
      return port.pid
    },
    send: (message) => port.send(message),
    kill: () => port.kill(),
    onMessage(listener) {
      messageListeners.push(listener)
      flush()
    },
    onExit(listener) {
      exitListeners.push(listener)
      if (exit) flush()
    }
  }
}
