import { beforeAll, describe, expect, it, vi } from 'vitest'

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
    }
    once() {}
    loadURL(url: string) {
      this.record.url = url
      return Promise.resolve()
    }
    focus() {}
    static getAllWindows = () => []
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
    net: { fetch: vi.fn(async () => new Response('<html></html>', { headers: { 'Content-Type': 'text/html' } })) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] },
    BrowserWindow,
    utilityProcess: { fork: vi.fn() }
  }
  return { state, electron, contents }
})

vi.mock('electron', () => ({ ...h.electron, default: h.electron }))
vi.mock('../app/workstation', () => ({
  startWorkstation: vi.fn(async () => ({
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
})
