import { join, normalize, resolve, sep } from 'node:path'
import { contentSecurityPolicy } from '../security/csp'

// Pure settings and checks of the Electron host, kept free of the `electron` import so unit
// tests can pin them (Electron's security checklist, items noted inline).

export const APP_SCHEME = 'mechanica'
export const APP_HOST = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`

/** Checklist 18: serve from a custom protocol, not file://. Standard + secure gives it an origin. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false, bypassCSP: false }
} as const

export const APP_CSP = contentSecurityPolicy()

/** Checklist 2–4, 6, 8, 9, 12: isolation, sandbox, no Node, web security on, no webview. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false
  } as const
}

export function mainWindowOptions(preloadPath: string) {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#0d1117',
    title: 'Mechanica',
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath)
  }
}

/** True only for pages of the app itself. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
  } catch {
    return false
  }
}

/** Checklist 17: IPC is answered only for frames showing the app. */
export const isTrustedSender = isAppUrl

/** Checklist 13, 14: navigation away from the app and new windows are refused. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url)
}

export const windowOpenDecision = { action: 'deny' } as const

/** Maps mechanica://app/<path> onto a file of the built renderer, refusing any escape. */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | null {
  if (!isAppUrl(requestUrl)) return null
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(requestUrl).pathname)
  } catch {
    return null
  }
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '')
  const root = resolve(rendererDir)
  const file = normalize(join(root, relative))
  return file.startsWith(root + sep) ? file : null
}

/** Checklist 5: permissions (camera, notifications, …) are never granted. */
export function permissionDecision(_permission: string): boolean {
  return false
}
