import { BrowserWindow, app, ipcMain, net, protocol, screen, session } from 'electron'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CALL_CHANNEL, EVENT_CHANNEL } from '../shared/bridge'
import { startWorkstation, type Workstation } from './app/workstation'
import {
  APP_CSP,
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  allowNavigation,
  isTrustedSender,
  mainWindowOptions,
  permissionDecision,
  resolveAppFile,
  windowOpenDecision
} from './electron/security'
import { WindowStateStore, restoreBounds } from './electron/window-state'
import { printMemoPdf } from './electron/memo-pdf'
import { exportSaveDialog } from './electron/export-dialog'
import { resolveDatabasePath } from './paths'
import { launchUtilityProcess } from './services/electron-launcher'

// Electron entry: lifecycle, security wiring and the IPC transport. Everything else is shared
// with the browser host through startWorkstation.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
app.enableSandbox()

const rendererDir = join(__dirname, '../renderer')
let workstation: Workstation | null = null

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url)
    if (!file || !isFile(file)) return new Response('Not found', { status: 404 })
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('Content-Security-Policy', APP_CSP)
    headers.set('X-Content-Type-Options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}

function hardenSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)))
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission))
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => windowOpenDecision)
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function createWindow(): BrowserWindow {
  // The window reopens where it was closed (user-data/window-state.json), if that is still on a display.
  const windowState = new WindowStateStore(join(app.getPath('userData'), 'window-state.json'))
  const options = mainWindowOptions(join(__dirname, '../preload/index.js'))
  const restored = restoreBounds(
    windowState.load(),
    screen.getAllDisplays().map((d) => d.workArea),
    { width: options.minWidth, height: options.minHeight }
  )
  const window = new BrowserWindow({ ...options, ...(restored.bounds ?? {}) })
  window.once('ready-to-show', () => {
    if (restored.maximized) window.maximize()
    window.show()
  })
  window.once('close', () => windowState.save(window.getNormalBounds(), window.isMaximized()))
  void window.loadURL(APP_ENTRY_URL)
  return window
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  await app.whenReady()
  serveAppProtocol()
  hardenSessions()

  const databasePath = resolveDatabasePath(process.argv, process.env, app.getPath('userData'))
  workstation = await startWorkstation({
    host: 'electron',
    databasePath,
    launcher: launchUtilityProcess,
    workersDir: join(__dirname, 'workers'),
    printToPdf: printMemoPdf,
    // Exports go where the user says in main's save dialog; the renderer never gives a path.
    chooseExportPath: exportSaveDialog()
  })
  const router = workstation.router
  ipcMain.handle(CALL_CHANNEL, (event, ...args: unknown[]) => {
    if (!isTrustedSender(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from the Mechanica window.' } }
    }
    return router.handleInvoke(args, { transport: 'electron-ipc' })
  })
  workstation.events.subscribe((event, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_CHANNEL, { event, payload })
  })

  createWindow()
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
}

app.on('window-all-closed', () => {
  const closing = workstation?.close() ?? Promise.resolve()
  workstation = null
  void closing.finally(() => app.quit())
})

start().catch((error: unknown) => {
  console.error('mechanica: failed to start:', error)
  app.exit(1)
})
