import { beforeAll, describe, expect, it, vi } from 'vitest'
import { exportDialog, type ChooseExportPath } from '../memo/export-destination'

// Drives src/main/index.ts against a recording fake of the `electron` module: the thin
// Electron layer is checked without the binary (which cannot be downloaded everywhere).
const h = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown
  const appListeners = new Map<string, Listener[]>()
  const contentsListeners = new Map<string, Listener>()
  const state = {
    schemes: [] as unknown[],
    windows: [] as Array<{ options: Record<string, unknown>; url: string | null }>,
    ipcHandlers: new Map<string, Listener>(),
    protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    windowOpenHandler: null as null | (() => unknown),
    sandboxEnabled: false,
    instances: [] as unknown[],
    saveDialogs: [] as unknown[][],
    saveDialogAnswer: { canceled: true, filePath: '' } as { canceled: boolean; filePath: string },
    workstationOptions: null as null | Record<string, unknown>,
    appListeners,
    contentsListeners
  }
  const contents = {
    setWindowOpenHandler: (fn: () => unknown) => (state.windowOpenHandler = fn),
    on: (event: string, fn: Listener) => contentsListeners.set(event, fn)
  }
  class BrowserWindow {
    webContents = { send: vi.fn() }
    record: { options: Record<string, unknown>; url: string | null }
    constructor(options: Record<string, unknown>) {
      this.record = { options, url: null }
      state.windows.push(this.record)
      state.instances.push(this)
    }
    once() {}
    loadURL(url: string) {
      this.record.url = url
      return Promise.resolve()
    }
    focus() {}
    static getAllWindows = () => []
    static getFocusedWindow = () => state.instances[0] ?? null
  }
  const electron = {
    app: {
      enableSandbox: () => (state.sandboxEnabled = true),
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      getPath: () => '/tmp/mechanica-electron-test',
      on: (event: string, fn: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), fn]),
      quit: vi.fn(),
      exit: vi.fn()
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.schemes.push(...schemes),
      handle: (scheme: string, fn: (request: { url: string }) => Promise<Response>) => state.protocolHandlers.set(scheme, fn)
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: Listener) => (state.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => (state.permissionCheck = fn)
      }
    },
    ipcMain: { handle: (channel: string, fn: Listener) => state.ipcHandlers.set(channel, fn) },
    dialog: {
      showSaveDialog: async (...args: unknown[]) => {
        state.saveDialogs.push(args)
        return state.saveDialogAnswer
      }
    },
    net: { fetch: vi.fn(async () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } })) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    BrowserWindow,
    utilityProcess: { fork: vi.fn() }
  }
  return { state, electron, contents }
})

vi.mock('electron', () => ({ ...h.electron, default: h.electron }))
vi.mock('../app/workstation', () => ({
  startWorkstation: vi.fn(async (options: Record<string, unknown>) => (h.state.workstationOptions = options) && ({
    router: { handleInvoke: vi.fn(async () => ({ ok: true, value: 'routed' })) },
    events: { subscribe: vi.fn() },
    close: vi.fn(async () => undefined)
  }))
}))

describe('Electron main process wiring', () => {
  beforeAll(async () => {
    await import('../index')
    await vi.waitFor(() => expect(h.state.windows).toHaveLength(1))
    for (const fn of h.state.appListeners.get('web-contents-created') ?? []) fn({}, h.contents)
  })

  it('registers the app scheme as privileged before ready and enables the sandbox for every renderer', () => {
    expect(h.state.sandboxEnabled).toBe(true)
    expect(h.state.schemes).toEqual([expect.objectContaining({ scheme: 'mechanica', privileges: expect.objectContaining({ standard: true, secure: true }) })])
  })

  it('opens one window from the custom protocol with isolation, sandbox and no Node', () => {
    const [window] = h.state.windows
    expect(window?.url).toBe('mechanica://app/index.html')
    const prefs = window?.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.js$/)
  })

  it('serves app files with the CSP header and refuses paths outside the renderer', async () => {
    const handler = h.state.protocolHandlers.get('mechanica')
    expect(handler).toBeDefined()
    const ok = await handler!({ url: 'mechanica://app/index.html' })
    expect(ok.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    const escape = await handler!({ url: 'mechanica://app/..%2f..%2fpackage.json' })
    expect(escape.status).toBe(404)
  })

  it('answers IPC only from the app frame and hands the arguments to the router', async () => {
    const handler = h.state.ipcHandlers.get('mechanica:call')
    expect(handler).toBeDefined()
    const foreign = (await handler!({ senderFrame: { url: 'https://example.com/' } }, 'app.info', {})) as { ok: boolean; error: { code: string } }
    expect(foreign).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const noFrame = (await handler!({ senderFrame: null }, 'app.info', {})) as { ok: boolean }
    expect(noFrame.ok).toBe(false)
    const trusted = await handler!({ senderFrame: { url: 'mechanica://app/index.html' } }, 'app.info', {})
    expect(trusted).toEqual({ ok: true, value: 'routed' })
  })

  it('denies new windows, navigation away, webviews and every permission', () => {
    expect(h.state.windowOpenHandler?.()).toEqual({ action: 'deny' })
    const navigate = h.state.contentsListeners.get('will-navigate')!
    const away = { preventDefault: vi.fn() }
    navigate(away, 'https://example.com/')
    expect(away.preventDefault).toHaveBeenCalled()
    const inside = { preventDefault: vi.fn() }
    navigate(inside, 'mechanica://app/index.html')
    expect(inside.preventDefault).not.toHaveBeenCalled()
    const webview = { preventDefault: vi.fn() }
    h.state.contentsListeners.get('will-attach-webview')!(webview)
    expect(webview.preventDefault).toHaveBeenCalled()
    const callback = vi.fn()
    h.state.permissionRequest!({}, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(h.state.permissionCheck!({}, 'notifications')).toBe(false)
  })

  it('exports through main’s save dialog: the renderer suggests a name, the user picks the path', async () => {
    const options = h.state.workstationOptions!
    expect(options.exportDir).toBeUndefined()
    const choose = options.chooseExportPath as ChooseExportPath
    expect(choose).toBeTypeOf('function')

    h.state.saveDialogAnswer = { canceled: false, filePath: '/home/user/Documents/q3 review.md' }
    expect(await choose('run-3-memo.md')).toBe('/home/user/Documents/q3 review.md')
    const [parent, dialogOptions] = h.state.saveDialogs[0]!
    expect(parent).toBe(h.state.instances[0]) // modal to the app's window
    expect(dialogOptions).toEqual({
      title: 'Export',
      defaultPath: '/tmp/mechanica-electron-test/run-3-memo.md', // app.getPath('documents') in the fake
      buttonLabel: 'Export',
      filters: [{ name: 'Markdown', extensions: ['md'] }],
      properties: ['showOverwriteConfirmation', 'createDirectory']
    })

    // The next dialog opens where the last export went; closing it writes nothing.
    h.state.saveDialogAnswer = { canceled: true, filePath: '' }
    expect(await choose('run-3-steps.csv')).toBeNull()
    expect((h.state.saveDialogs[1]![1] as { defaultPath: string; filters: unknown }).defaultPath).toBe('/home/user/Documents/run-3-steps.csv')
    expect((h.state.saveDialogs[1]![1] as { filters: unknown }).filters).toEqual([{ name: 'CSV', extensions: ['csv'] }])

    // Through the workstation's placement: the dialog's path, replaced (the dialog asked), or "cancelled".
    h.state.saveDialogAnswer = { canceled: false, filePath: '/home/user/Documents/memo.md' }
    expect(await exportDialog(choose).destination('memo.export', 'run-3-memo.md', false)).toEqual({ path: '/home/user/Documents/memo.md', replace: true })
    h.state.saveDialogAnswer = { canceled: true, filePath: '' }
    await expect(exportDialog(choose).destination('memo.export', 'run-3-memo.md', false)).rejects.toMatchObject({ code: 'cancelled' })
    // A hostile name never reaches the dialog.
    const shown = h.state.saveDialogs.length
    await expect(exportDialog(choose).destination('memo.export', '../../.bashrc', true)).rejects.toMatchObject({ code: 'invalid_params' })
    expect(h.state.saveDialogs).toHaveLength(shown)
  })
})
