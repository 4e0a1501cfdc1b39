import { fork } from 'node:child_process'
import { describeExit, type ExitInfo, type ProcessLauncher } from './process-port'
import { isFromWorker } from './worker-protocol'

/** Service processes under the browser host and in tests: Node child processes. */
export const launchNodeProcess: ProcessLauncher = (entryFile, serviceName) => {
  const child = fork(entryFile, [], {
    serialization: 'advanced', // structured clone: typed arrays cross without copying into JSON
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
    env: { ...process.env, MECHANICA_SERVICE: serviceName }
  })
  const exitListeners: Array<(info: ExitInfo) => void> = []
  let exited = false
  const reportExit = (info: ExitInfo): void => {
    if (exited) return
    exited = true
    for (const listener of exitListeners) listener(info)
  }
  child.on('exit', (code, signal) => reportExit({ code, signal, reason: describeExit(code, signal) }))
  child.on('error', (error) => {
    // Only a failed spawn is an exit; a failed send (EPIPE while dying) is followed by 'exit' with the real reason.
    if (child.pid === undefined) reportExit({ code: null, signal: null, reason: `could not start: ${error.message}` })
  })
  return {
    get pid() {
      return child.pid ?? null
    },
    send(message) {
      if (child.connected) child.send(message)
    },
    onMessage(listener) {
      child.on('message', (message) => {
        if (isFromWorker(message)) listener(message)
      })
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
    kill() {
      if (!exited) child.kill('SIGKILL')
    }
  }
}
