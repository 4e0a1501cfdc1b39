import { join } from 'node:path'
import type { Workstation } from './app/workstation'
import { startBrowserHost } from './host/browser-host'
import { findChromium, openInChromium } from './host/open-browser'
import { defaultDataDir, flagValue, resolveDatabasePath, resolveExportDir } from './paths'
import { withEarlyLaunch } from './services/early-launch'
import { launchNodeProcess } from './services/node-launcher'
import { openDatabase, StoreOpenError } from './store/database'

// Entry of the browser host: the workstation's router and services under plain Node, serving
// the built renderer to a browser on 127.0.0.1. Used where the Electron binary is absent and by e2e.
//
// Cold start: the store is opened first (a locked or corrupt database is refused before any
// address is printed), then the host listens and prints its address while the workstation's
// modules (the contract's schemas, the services, the router) load in the background. The
// browser opens its tab and fetches the page's scripts meanwhile; the page and API messages
// wait for the workstation.
const USAGE = `usage: node out/main/browser-host.js [--db FILE] [--export-dir DIR] [--port N] [--open | --no-open]`

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help')) {
    console.log(USAGE)
    return
  }
  const portText = flagValue(argv, '--port')
  const port = portText === undefined ? 0 : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`mechanica: --port must be a whole number from 0 to 65535 (got ${portText})`)
    process.exit(2)
  }

  let databasePath: string
  let exportDir: string
  try {
    databasePath = resolveDatabasePath(argv, process.env, defaultDataDir())
    exportDir = resolveExportDir(argv, databasePath)
  } catch (error) {
    console.error(`mechanica: ${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const db = openDatabase(databasePath)
  const workersDir = join(__dirname, 'workers')
  let launcher = launchNodeProcess
  let startNow = (): void => undefined
  const workstation = new Promise<Workstation>((resolve, reject) => {
    startNow = () => {
      // Loading the modules blocks this thread: only once the server listens.
      import('./app/workstation')
        .then(({ startWorkstation }) =>
          startWorkstation({ host: 'browser', databasePath, db, launcher, workersDir, exportDir })
        )
        .then(resolve, reject)
    }
  })
  workstation.catch(fail)
  const host = await startBrowserHost({ workstation, rendererDir: join(__dirname, '../renderer'), port })

  console.log(`Mechanica is running at ${host.url}`)
  console.log(`  database: ${databasePath}`)
  console.log(`  exports:  ${exportDir}`)
  console.log('  (the address carries this launch\'s token; press Ctrl+C to stop)')
  launcher = withEarlyLaunch(launchNodeProcess, join(workersDir, 'engine.js'), 'engine')
  startNow()

  const wantsOpen = argv.includes('--open') || (!argv.includes('--no-open') && !!process.env.DISPLAY)
  const chromium = wantsOpen ? findChromium() : null
  // Never the tokened address on Chromium's command line: a one-time hand-off file instead.
  if (chromium) {
    const opened = openInChromium(host, chromium)
    process.on('exit', () => opened.dispose())
  }

  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    console.log(`mechanica: ${signal}, shutting down`)
    void host
      .close()
      .then(() => workstation)
      .then((started) => started.close())
      .then(() => process.exit(0))
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

function fail(error: unknown): never {
  if (error instanceof StoreOpenError) console.error(`mechanica: ${error.message}`)
  else console.error('mechanica: failed to start:', error)
  process.exit(1)
}

main().catch(fail)
