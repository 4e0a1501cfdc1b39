import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cookieValue, newLaunchToken, tokensMatch } from '../host/token'
import { DATABASE_FILE_NAME, defaultDataDir, flagValue, resolveDatabasePath } from '../paths'
import { contentSecurityPolicy } from '../security/csp'
import {
  APP_CSP,
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  allowNavigation,
  isAppUrl,
  isTrustedSender,
  mainWindowOptions,
  permissionDecision,
  resolveAppFile,
  secureWebPreferences,
  windowOpenDecision
} from './security'

const RENDERER = '/opt/mechanica/out/renderer'

/** The CSP as a map of directive → sources. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name, sources)
  }
  return map
}

describe('web preferences', () => {
  const prefs = secureWebPreferences('/x/preload.js')

  it('isolate and sandbox the renderer with no Node anywhere', () => {
    expect(prefs.contextIsolation).toBe(true)
    expect(prefs.sandbox).toBe(true)
    expect(prefs.nodeIntegration).toBe(false)
    expect(prefs.nodeIntegrationInWorker).toBe(false)
    expect(prefs.nodeIntegrationInSubFrames).toBe(false)
  })

  it('keep web security on and risky features off', () => {
    expect(prefs.webSecurity).toBe(true)
    expect(prefs.allowRunningInsecureContent).toBe(false)
    expect(prefs.webviewTag).toBe(false)
    expect(prefs.experimentalFeatures).toBe(false)
    expect(prefs.navigateOnDragDrop).toBe(false)
  })

  it('carry the preload path and are what the main window uses', () => {
    expect(prefs.preload).toBe('/x/preload.js')
    const window = mainWindowOptions('/x/preload.js')
    expect(window.webPreferences).toEqual(prefs)
    expect(window.show).toBe(false)
  })

  it('set no option that loosens security (enableBlinkFeatures, disableBlinkFeatures, additionalArguments)', () => {
    expect(Object.keys(prefs).sort()).toEqual([
      'allowRunningInsecureContent',
      'contextIsolation',
      'experimentalFeatures',
      'navigateOnDragDrop',
      'nodeIntegration',
      'nodeIntegrationInSubFrames',
      'nodeIntegrationInWorker',
      'preload',
      'sandbox',
      'spellcheck',
      'webSecurity',
      'webviewTag'
    ])
  })
})

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, 'mechanica://app/', 'mechanica://app', 'mechanica://app/assets/index-abc.js', 'mechanica://app/index.html?x=1#y'])(
    'accepts %s',
    (url) => {
      expect(isAppUrl(url)).toBe(true)
    }
  )

  it.each([
    'file:///opt/mechanica/out/renderer/index.html',
    'http://127.0.0.1:5173/',
    'https://app/',
    'mechanica://other/index.html',
    'mechanica://app.evil.com/',
    'mechanica://app:8080/',
    'mechanica:app/index.html',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
    ''
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false)
  })

  it('refuses undefined and null', () => {
    expect(isAppUrl(undefined)).toBe(false)
    expect(isAppUrl(null)).toBe(false)
  })

  it('is the rule for trusted IPC senders and for navigation', () => {
    expect(isTrustedSender).toBe(isAppUrl)
    expect(allowNavigation(APP_ENTRY_URL)).toBe(true)
    expect(allowNavigation('https://example.com/')).toBe(false)
    expect(APP_ORIGIN).toBe('mechanica://app')
  })
})

describe('resolveAppFile', () => {
  it('maps / and the bare origin to index.html', () => {
    expect(resolveAppFile(RENDERER, 'mechanica://app/')).toBe(join(RENDERER, 'index.html'))
    expect(resolveAppFile(RENDERER, 'mechanica://app')).toBe(join(RENDERER, 'index.html'))
  })

  it('maps a path under the app onto the renderer directory, ignoring query and fragment', () => {
    expect(resolveAppFile(RENDERER, 'mechanica://app/assets/main.js?v=2#x')).toBe(join(RENDERER, 'assets', 'main.js'))
    expect(resolveAppFile(RENDERER, 'mechanica://app/a%20b.css')).toBe(join(RENDERER, 'a b.css'))
  })

  it('keeps dot-dot segments inside the renderer directory', () => {
    // The URL parser folds literal ../ away before the path is seen, so this cannot leave RENDERER.
    const file = resolveAppFile(RENDERER, 'mechanica://app/../../etc/passwd')
    expect(file).toBe(join(RENDERER, 'etc', 'passwd'))
    expect(resolveAppFile(RENDERER, 'mechanica://app/%2e%2e/%2e%2e/etc/passwd')).toBe(join(RENDERER, 'etc', 'passwd'))
  })

  it.each([
    'mechanica://app/%2e%2e%2f%2e%2e%2fetc/passwd',
    'mechanica://app/..%2f..%2f..%2fetc%2fpasswd',
    'mechanica://app/%2E%2E%2F%2E%2E%2F',
    'mechanica://app/%2e%2e%2frenderer-evil/x.js'
  ])('refuses the encoded traversal %s', (url) => {
    expect(resolveAppFile(RENDERER, url)).toBeNull()
  })

  it('refuses broken percent-encoding', () => {
    expect(resolveAppFile(RENDERER, 'mechanica://app/%E0%A4%A')).toBeNull()
  })

  it.each(['mechanica://other/index.html', 'file:///etc/passwd', 'http://127.0.0.1/index.html', 'garbage'])('refuses the foreign URL %s', (url) => {
    expect(resolveAppFile(RENDERER, url)).toBeNull()
  })
})

describe('window, permission and scheme decisions', () => {
  it('denies every window.open', () => {
    expect(windowOpenDecision).toEqual({ action: 'deny' })
  })

  it('refuses every permission', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', '']) {
      expect(permissionDecision(permission), permission).toBe(false)
    }
  })

  it('registers the app scheme as standard and secure, without bypassing CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('mechanica')
    expect(APP_SCHEME_PRIVILEGES.privileges.standard).toBe(true)
    expect(APP_SCHEME_PRIVILEGES.privileges.secure).toBe(true)
    expect(APP_SCHEME_PRIVILEGES.privileges.bypassCSP).toBe(false)
    expect(APP_SCHEME_PRIVILEGES.privileges.corsEnabled).toBe(false)
  })
})

describe('APP_CSP', () => {
  const csp = directives(APP_CSP)

  it("allows scripts only from 'self', with no eval and no inline script", () => {
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('default-src')).toEqual(["'self'"])
  })

  it('forbids plugins, framing, base and form targets', () => {
    expect(csp.get('object-src')).toEqual(["'none'"])
    expect(csp.get('frame-ancestors')).toEqual(["'none'"])
    expect(csp.get('base-uri')).toEqual(["'none'"])
    expect(csp.get('form-action')).toEqual(["'none'"])
  })

  it("has 'unsafe-eval' nowhere and 'unsafe-inline' only for styles", () => {
    expect(APP_CSP).not.toContain("'unsafe-eval'")
    for (const [name, sources] of csp) {
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'")
    }
  })

  it('limits connections to the app unless the host adds its socket', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"])
    expect(directives(contentSecurityPolicy(['ws://127.0.0.1:4321'])).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:4321'])
  })
})

describe('launch token', () => {
  it('matches only the identical token', () => {
    const token = newLaunchToken()
    expect(tokensMatch(token, token)).toBe(true)
  })

  it('refuses a wrong, empty, missing or different-length token', () => {
    const token = 'abcdefgh'
    expect(tokensMatch(token, 'abcdefgX')).toBe(false)
    expect(tokensMatch(token, '')).toBe(false)
    expect(tokensMatch(token, null)).toBe(false)
    expect(tokensMatch(token, undefined)).toBe(false)
    expect(tokensMatch(token, 'abcdefg')).toBe(false)
    expect(tokensMatch(token, 'abcdefghi')).toBe(false)
  })

  it('compares bytes, so a same-length string with different UTF-8 length does not match', () => {
    expect(tokensMatch('aé', 'ab')).toBe(false)
  })

  it('is 32 random bytes in base64url, fresh each time', () => {
    const a = newLaunchToken()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(a, 'base64url').length).toBe(32)
    expect(newLaunchToken()).not.toBe(a)
  })
})

describe('cookieValue', () => {
  it('finds a cookie among others, trimming spaces', () => {
    expect(cookieValue('a=1; mechanica_token=s3cr3t; b=2', 'mechanica_token')).toBe('s3cr3t')
    expect(cookieValue('mechanica_token=first;b=2', 'mechanica_token')).toBe('first')
    expect(cookieValue('  t =  v  ', 't')).toBe('v')
  })

  it('keeps "=" inside a value and takes the first of duplicates', () => {
    expect(cookieValue('t=a=b==', 't')).toBe('a=b==')
    expect(cookieValue('t=one; t=two', 't')).toBe('one')
  })

  it('does not match a name that only starts or ends with the wanted one', () => {
    expect(cookieValue('xt=1; tx=2', 't')).toBeUndefined()
  })

  it('returns undefined for a missing header or cookie, and "" for an empty value', () => {
    expect(cookieValue(undefined, 't')).toBeUndefined()
    expect(cookieValue('', 't')).toBeUndefined()
    expect(cookieValue('a=1', 't')).toBeUndefined()
    expect(cookieValue('=t; t', 't')).toBeUndefined()
    expect(cookieValue('t=', 't')).toBe('')
  })
})

describe('database path', () => {
  const dataDir = '/data/Mechanica'

  it('takes --db FILE over MECHANICA_DB over the data directory', () => {
    expect(resolveDatabasePath(['--db', '/a/flag.db'], { MECHANICA_DB: '/a/env.db' }, dataDir)).toBe('/a/flag.db')
    expect(resolveDatabasePath([], { MECHANICA_DB: '/a/env.db' }, dataDir)).toBe('/a/env.db')
    expect(resolveDatabasePath([], {}, dataDir)).toBe(join(dataDir, DATABASE_FILE_NAME))
    expect(DATABASE_FILE_NAME).toBe('mechanica.db')
  })

  it('reads the --db=FILE form too', () => {
    expect(resolveDatabasePath(['electron', '.', '--db=/a/eq.db'], { MECHANICA_DB: '/a/env.db' }, dataDir)).toBe('/a/eq.db')
  })

  it('resolves relative paths against the working directory', () => {
    expect(resolveDatabasePath(['--db', 'rel/x.db'], {}, dataDir)).toBe(resolve('rel/x.db'))
    expect(resolveDatabasePath([], { MECHANICA_DB: 'y.db' }, dataDir)).toBe(resolve('y.db'))
  })

  it('refuses --db without a value instead of silently using another database', () => {
    expect(() => resolveDatabasePath(['--db'], { MECHANICA_DB: '/a/env.db' }, dataDir)).toThrow('--db needs a file path')
    expect(() => resolveDatabasePath(['--db='], {}, dataDir)).toThrow('--db needs a file path')
    expect(() => resolveDatabasePath(['--db', '--port', '0'], {}, dataDir)).toThrow('--db needs a file path')
  })

  it('flagValue reads the first occurrence and does not match longer flag names', () => {
    expect(flagValue(['--db', 'one', '--db', 'two'], '--db')).toBe('one')
    expect(flagValue(['--dbx=1', '--db-file', 'x'], '--db')).toBeUndefined()
    expect(flagValue(['--port=0'], '--port')).toBe('0')
  })
})

describe('defaultDataDir', () => {
  const home = homedir()

  it('uses ~/Library/Application Support on macOS', () => {
    expect(defaultDataDir('darwin', {})).toBe(join(home, 'Library', 'Application Support', 'Mechanica'))
  })

  it('uses %APPDATA% on Windows, or ~/AppData/Roaming without it', () => {
    expect(defaultDataDir('win32', { APPDATA: '/roaming' })).toBe(join('/roaming', 'Mechanica'))
    expect(defaultDataDir('win32', {})).toBe(join(home, 'AppData', 'Roaming', 'Mechanica'))
  })

  it('uses $XDG_CONFIG_HOME on Linux, or ~/.config without it', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/xdg' })).toBe(join('/xdg', 'Mechanica'))
    expect(defaultDataDir('linux', {})).toBe(join(home, '.config', 'Mechanica'))
    expect(defaultDataDir('freebsd', {})).toBe(join(home, '.config', 'Mechanica'))
  })

  // XDG: an empty value means unset; otherwise the data dir would be relative to the cwd.
  it('treats an empty XDG_CONFIG_HOME as unset', () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' })).toBe(join(home, '.config', 'Mechanica'))
  })
})
