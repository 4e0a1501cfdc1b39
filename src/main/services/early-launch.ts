import type { ExitInfo, ProcessLauncher, ProcessPort } from './process-port'
import type { FromWorker } from './worker-protocol'

/**
 * A launcher whose first launch of one service was made ahead of time: the browser host spawns
 * the engine as soon as it listens, so that the engine's own start-up (its modules, on the
 * other core) overlaps the host's loading of the code that supervises it. That first process
 * goes to the service's first launch; any later launch (a restart) is a fresh one. What the
 * process says before the service listens (its `ready`, or its exit) is kept and replayed.
 */
export function withEarlyLaunch(launch: ProcessLauncher, entryFile: string, serviceName: string): ProcessLauncher {
  let early: ProcessPort | null = buffered(launch(entryFile, serviceName))
  return (file, name) => {
    if (early && file === entryFile && name === serviceName) {
      const port = early
      early = null
      return port
    }
    return launch(file, name)
  }
}

function buffered(port: ProcessPort): ProcessPort {
  const messages: FromWorker[] = []
  const messageListeners: Array<(message: FromWorker) => void> = []
  let exit: ExitInfo | null = null
  const exitListeners: Array<(info: ExitInfo) => void> = []
  port.onMessage((message) => {
    if (messageListeners.length === 0) messages.push(message)
    for (const listener of messageListeners) listener(message)
  })
  port.onExit((info) => {
    exit = info
    for (const listener of exitListeners) listener(info)
  })
  return {
    get pid() {
      return port.pid
    },
    send: (message) => port.send(message),
    onMessage(listener) {
      messageListeners.push(listener)
      if (messageListeners.length === 1) for (const message of messages.splice(0)) listener(message)
    },
    onExit(listener) {
      exitListeners.push(listener)
      if (exit) listener(exit)
    },
    kill: () => port.kill()
  }
}
