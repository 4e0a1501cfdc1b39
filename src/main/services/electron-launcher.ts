import { app, utilityProcess } from 'electron'
import { describeExit, type ExitInfo, type ProcessLauncher } from './process-port'
import { isFromWorker } from './worker-protocol'

// Electron reports *why* a utility process went (crashed, oom, killed…) on the app, by service
// name, not on the child; remember the latest reason per name.
const goneReasons = new Map<string, string>()
let watchingGone = false

function watchGoneReasons(): void {
  if (watchingGone) return
  watchingGone = true
  app.on('child-process-gone', (_event, details) => {
    if (details.type === 'Utility' && details.serviceName) {
      goneReasons.set(details.serviceName, `${details.reason}, exit code ${details.exitCode}`)
    }
  })
}

/** Service processes under Electron: utilityProcess children (Node without a window). */
export const launchUtilityProcess: ProcessLauncher = (entryFile, serviceName) => {
  watchGoneReasons()
  const displayName = `Mechanica ${serviceName}`
  goneReasons.delete(displayName)
  const child = utilityProcess.fork(entryFile, [], {
    serviceName: displayName,
    stdio: 'inherit',
    env: { ...process.env, MECHANICA_SERVICE: serviceName }
  })
  const exitListeners: Array<(info: ExitInfo) => void> = []
  let exited = false
  child.on('exit', (code) => {
    if (exited) return
    exited = true
    // 'child-process-gone' may arrive just after 'exit': give it a turn before reporting.
    setImmediate(() => {
      const reason = goneReasons.get(displayName) ?? describeExit(code, null)
      for (const listener of exitListeners) listener({ code, signal: null, reason })
    })
  })
  return {
    get pid() {
      return child.pid ?? null
    },
    send(message) {
      if (!exited) child.postMessage(message)
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => {
        if (isFromWorker(message)) listener(message)
      })
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
    kill() {
      if (!exited) child.kill()
    }
  }
}
