import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { MAX_MESSAGE_BYTES, decodeWire, type RunSummary } from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { startBrowserHost, type BrowserHost } from './browser-host'
import { openInChromium, type Launch } from './open-browser'
import { sessionValue } from './token'

// Integration tests: the browser host over real HTTP and WebSocket on loopback, in front of a
// real workstation (services from the BUILT worker files) and a stand-in renderer folder.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>MECHANICA-TEST-INDEX</body></html>\n'
const APP_JS = 'console.log("MECHANICA-TEST-APP")\n'
const SECRET = 'MECHANICA-TEST-SECRET-NEVER-SERVED'

let tempDir = ''
let rendererDir = ''
let workstation: Workstation | null = null
let host: BrowserHost | null = null
let sockets: WebSocket[] = []

beforeEach(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'mechanica-'))
  rendererDir = join(tempDir, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML)
  writeFileSync(join(rendererDir, 'assets', 'app.js'), APP_JS)
  // Files just outside the served folder, which traversal must never reach.
  writeFileSync(join(tempDir, 'secret.txt'), SECRET)
  mkdirSync(join(tempDir, 'renderer-private'))
  writeFileSync(join(tempDir, 'renderer-private', 'secret.txt'), SECRET)

  workstation = await startWorkstation({
    host: 'browser',
    databasePath: join(tempDir, 'mechanica.db'),
    launcher: launchNodeProcess,
    workersDir,
    backoff
  })
  await workstation.servicesReady
  host = await startBrowserHost({ workstation, rendererDir })
})

afterEach(async () => {
  for (const socket of sockets) socket.terminate()
  sockets = []
  await host?.close()
  host = null
  await workstation?.close()
  workstation = null
  rmSync(tempDir, { recursive: true, force: true })
})

function current(): { ws: Workstation; host: BrowserHost; base: string; origin: string; cookie: string } {
  if (!workstation || !host) throw new Error('not started')
  return {
    ws: workstation,
    host,
    base: `http://127.0.0.1:${host.port}`,
    origin: `http://127.0.0.1:${host.port}`,
    cookie: host.cookie()
  }
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw HTTP request: for what fetch will not send as given (Host header, un-normalised paths). */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** What a hand-off page's form sends: a POST of `code` from a file:// page (Origin "null"). */
function postCode(host: BrowserHost, code: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const form = { Host: `127.0.0.1:${host.port}`, Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' }
  return raw(host.port, '/open', { ...form, ...headers }, 'POST', new URLSearchParams({ code }).toString())
}

type Attempt = { opened: true; socket: WebSocket } | { opened: false; status: number | null; error: string | null }

function openSocket(port: number, options: { origin?: string; cookie?: string; path?: string }): Promise<Attempt> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = options.cookie ? { Cookie: options.cookie } : {}
    const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/api'}`, {
      headers,
      ...(options.origin ? { origin: options.origin } : {})
    })
    sockets.push(socket)
    let settled = false
    const settle = (attempt: Attempt): void => {
      if (settled) return
      settled = true
      resolve(attempt)
    }
    socket.on('unexpected-response', (req, res) => {
      settle({ opened: false, status: res.statusCode ?? null, error: null })
      res.resume()
      req.destroy()
    })
    socket.on('error', (error) => settle({ opened: false, status: null, error: error.message }))
    socket.on('open', () => settle({ opened: true, socket }))
  })
}

/** A connected client that keeps every server message, raw and decoded, in arrival order. */
class Client {
  readonly messages: Array<{ text: string; message: Record<string, unknown> }> = []
  private readonly waiters = new Set<() => void>()
  private consumed = 0

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8')
      this.messages.push({ text, message: decodeWire(text) as Record<string, unknown> })
      for (const waiter of this.waiters) waiter()
    })
  }

  send(data: string | Buffer): void {
    this.socket.send(data)
  }

  call(id: number, method: string, params: unknown): void {
    this.send(JSON.stringify({ type: 'call', id, method, params }))
  }

  /** The next result message (in order) after the ones already taken. */
  async nextResult(timeoutMs = 10_000): Promise<{ text: string; message: Record<string, unknown> }> {
    const found = await this.waitFor(
      () => this.messages.findIndex((m, i) => i >= this.consumed && m.message.type === 'result'),
      timeoutMs,
      'a result'
    )
    this.consumed = found + 1
    const entry = this.messages[found]
    if (!entry) throw new Error('lost message')
    return entry
  }

  waitFor(find: () => number, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = find()
        if (index < 0) return false
        this.waiters.delete(onMessage)
        clearTimeout(timer)
        resolve(index)
        return true
      }
      const onMessage = (): void => void check()
      const timer = setTimeout(() => {
        this.waiters.delete(onMessage)
        reject(new Error(`timed out waiting for ${what}; got ${this.messages.length} messages`))
      }, timeoutMs)
      if (!check()) this.waiters.add(onMessage)
    })
  }
}

async function connectClient(): Promise<Client> {
  const { host, origin, cookie } = current()
  const attempt = await openSocket(host.port, { origin, cookie, path: `${host.appPath}api` })
  if (!attempt.opened) throw new Error(`socket refused: ${attempt.status ?? attempt.error}`)
  return new Client(attempt.socket)
}

const countRuns = (ws: Workstation): number => ws.db.prepare('SELECT count(*) FROM runs').pluck().get() as number

describe('browser host over HTTP', () => {
  it('listens on 127.0.0.1 only', async () => {
    const { host } = current()
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(new URL(host.url).hostname).toBe('127.0.0.1')
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address
    // On a machine with a non-loopback address, the port must not answer there.
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external, port: host.port })
        socket.once('connect', () => {
          socket.destroy()
          resolve(true)
        })
        socket.once('error', () => resolve(false))
      })
      expect(reached).toBe(false)
    }
  })

  it('refuses requests without the right token and never shows the app', async () => {
    const { base, host } = current()
    for (const path of ['/', '/index.html', '/assets/app.js', host.appPath, `${host.appPath}assets/app.js`, '/?token=WRONG', `/?token=`, '/?nothing=1']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual' })
      const body = await res.text()
      expect(res.status, path).toBe(401)
      expect(body).not.toContain('MECHANICA-TEST')
      expect(res.headers.get('set-cookie')).toBeNull()
    }
    // The cookie holds a value bound to this host, never the token: the token as a cookie is refused.
    const tokenAsCookie = await fetch(`${base}${host.appPath}`, { headers: { Cookie: `mechanica=${host.token}` } })
    expect(tokenAsCookie.status).toBe(401)
    await tokenAsCookie.text()
  })

  it('trades the token in the address for an HttpOnly SameSite=Strict cookie scoped to the app folder', async () => {
    const { base, host } = current()
    const res = await fetch(`${base}/?token=${host.token}`, { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(host.appPath)
    const value = sessionValue(host.token, `127.0.0.1:${host.port}`)
    expect(value).not.toContain(host.token)
    expect(res.headers.get('set-cookie')).toBe(`mechanica=${value}; HttpOnly; SameSite=Strict; Path=${host.appPath}`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.text()).toBe('')
    // Signed in through "localhost", the cookie is bound to that Host instead.
    const viaLocalhost = await raw(host.port, `/?token=${host.token}`, { Host: `localhost:${host.port}` })
    expect(viaLocalhost.headers['set-cookie']).toEqual([`mechanica=${sessionValue(host.token, `localhost:${host.port}`)}; HttpOnly; SameSite=Strict; Path=${host.appPath}`])
  })

  // Cookies are not port-scoped (RFC 6265 §8.5): a browser sends 127.0.0.1's cookies to every
  // port on 127.0.0.1. Only a path nobody else knows keeps ours from other loopback services.
  it('serves the app only under a random per-launch folder, the one path its cookie is sent to', async () => {
    const { base, host, cookie, ws } = current()
    expect(host.appPath).toMatch(/^\/m\/[A-Za-z0-9_-]{22}\/$/) // 128 random bits
    for (const path of ['/', '/index.html', '/assets/app.js', '/m/', `${host.appPath.slice(0, -1)}x/`]) {
      const res = await fetch(`${base}${path}`, { headers: { Cookie: cookie } })
      expect(res.status, path).toBe(401)
      expect(await res.text()).not.toContain('MECHANICA-TEST')
    }
    const other = await startBrowserHost({ workstation: ws, rendererDir })
    try {
      expect(other.appPath).not.toBe(host.appPath)
    } finally {
      await other.close()
    }
  })

  it('a session cookie is refused by another launch on another port, even one with the same token', async () => {
    const { host, ws, cookie } = current()
    const other = await startBrowserHost({ workstation: ws, rendererDir, token: host.token })
    try {
      const hostHeader = `127.0.0.1:${other.port}`
      const refused = await raw(other.port, other.appPath, { Host: hostHeader, Cookie: cookie })
      expect(refused.status).toBe(401)
      expect(refused.body).not.toContain('MECHANICA-TEST')
      const socket = await openSocket(other.port, { origin: `http://${hostHeader}`, cookie, path: `${other.appPath}api` })
      expect(socket).toEqual({ opened: false, status: 401, error: null })
      // Its own cookie works there, and ours still works here.
      expect((await raw(other.port, other.appPath, { Host: hostHeader, Cookie: other.cookie() })).status).toBe(200)
      expect((await raw(host.port, host.appPath, { Host: `127.0.0.1:${host.port}`, Cookie: cookie })).status).toBe(200)
    } finally {
      await other.close()
    }
  })

  it('with the cookie, serves index.html under a strict CSP and assets with their content type', async () => {
    const { base, cookie, host } = current()
    const app = `${base}${host.appPath}`
    const index = await fetch(app, { headers: { Cookie: cookie } })
    expect(index.status).toBe(200)
    // The page carries the first screen's data (first-screen.ts) in one JSON block; the rest is the file.
    const page = await index.text()
    expect(page.replace(/<script type="application\/json" id="mechanica-first-screen">[^<]*<\/script>/, '')).toBe(INDEX_HTML)
    expect(page).toContain(`"databasePath":${JSON.stringify(join(tempDir, 'mechanica.db'))}`)
    expect(Number(index.headers.get('content-length'))).toBe(Buffer.byteLength(page))
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = index.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ws://localhost:${host.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(index.headers.get('cache-control')).toBe('no-store')

    const js = await fetch(`${app}assets/app.js`, { headers: { Cookie: cookie } })
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe(APP_JS)

    const missing = await fetch(`${app}assets/missing.js`, { headers: { Cookie: cookie } })
    expect(missing.status).toBe(404)
    await missing.text()
    const folder = await fetch(`${app}assets`, { headers: { Cookie: cookie } })
    expect(folder.status).toBe(404)
    await folder.text()
  })

  it('path traversal never returns a file outside the renderer folder', async () => {
    const { host, cookie } = current()
    const hostHeader = `127.0.0.1:${host.port}`
    const app = host.appPath
    // Escapes that URL parsing resolves first leave the app folder and meet the 401; the rest
    // reach the file server, which answers 404.
    const attempts: Array<[string, number]> = [
      [`${app}..%2f..%2fetc%2fpasswd`, 404],
      [`${app}%2e%2e/%2e%2e/etc/passwd`, 401],
      [`${app}../../etc/passwd`, 401],
      [`${app}..%2f..%2f..%2fsecret.txt`, 404],
      [`${app}%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt`, 404],
      [`${app}assets/..%2f..%2f..%2f..%2fsecret.txt`, 404],
      [`${app}..%2f..%2f..%2frenderer-private%2fsecret.txt`, 404], // a sibling folder whose name starts with the renderer's
      [`${app}..%5csecret.txt`, 404],
      [`${app}index.html%00.js`, 404],
      [`${app}%E0%A4%A`, 400] // a malformed escape
    ]
    for (const [path, status] of attempts) {
      const res = await raw(host.port, path, { Host: hostHeader, Cookie: cookie })
      expect(res.status, path).toBe(status)
      expect(res.body, path).not.toContain(SECRET)
      expect(res.body, path).not.toContain('root:')
    }
    // The same checks do not stop a legitimate nested file.
    const ok = await raw(host.port, `${app}assets/./app.js`, { Host: hostHeader, Cookie: cookie })
    expect(ok.status).toBe(200)
    expect(ok.body).toBe(APP_JS)
  })

  it('a foreign Host header is 421 and a POST is 405, whatever the cookie', async () => {
    const { host, cookie, base } = current()
    const foreign = await raw(host.port, '/', { Host: `evil.example:${host.port}`, Cookie: cookie })
    expect(foreign.status).toBe(421)
    expect(foreign.body).not.toContain('MECHANICA-TEST')
    const tokenViaForeignHost = await raw(host.port, `/?token=${host.token}`, { Host: `evil.example:${host.port}` })
    expect(tokenViaForeignHost.status).toBe(421)
    expect(tokenViaForeignHost.headers['set-cookie']).toBeUndefined()
    const otherPort = await raw(host.port, '/', { Host: `127.0.0.1:${host.port + 1}`, Cookie: cookie })
    expect(otherPort.status).toBe(421)

    const post = await fetch(`${base}${host.appPath}`, { method: 'POST', headers: { Cookie: cookie }, body: 'x' })
    expect(post.status).toBe(405)
    expect(await post.text()).not.toContain('MECHANICA-TEST')
  })

  // Regression: a protocol-relative Location (//host) would leave the app.
  it('the token redirect never points at another host', async () => {
    const { host } = current()
    const res = await raw(host.port, `/.//evil.example/?token=${host.token}`, { Host: `127.0.0.1:${host.port}` })
    expect(res.status).toBe(303)
    expect(String(res.headers.location)).not.toMatch(/^\/\//)
  })

  // Regression: a trailing slash on rendererDir once made every path fail containment.
  it('serves the app when rendererDir is given with a trailing slash', async () => {
    const { ws } = current()
    const slashed = await startBrowserHost({ workstation: ws, rendererDir: `${rendererDir}/` })
    try {
      const res = await raw(slashed.port, slashed.appPath, { Host: `127.0.0.1:${slashed.port}`, Cookie: slashed.cookie() })
      expect(res.status).toBe(200)
      expect(res.body).toContain('MECHANICA-TEST-INDEX')
    } finally {
      await slashed.close()
    }
  })
})

describe('one-time hand-off to a browser (POST /open)', () => {
  it('trades a hand-off code once for the session cookie, then refuses it', async () => {
    const { host, cookie } = current()
    const handOff = host.handOff()
    expect(Buffer.from(handOff.code, 'base64url')).toHaveLength(32) // 256 random bits
    expect(host.handOff().code).not.toBe(handOff.code)

    const first = await postCode(host, handOff.code)
    expect(first.status).toBe(200)
    expect(first.headers['set-cookie']).toEqual([`${cookie}; HttpOnly; SameSite=Strict; Path=${host.appPath}`])
    expect(first.headers['cache-control']).toBe('no-store')
    // A same-origin refresh, not a redirect: Chromium drops Strict cookies after a redirect from file://.
    expect(first.body).toContain(`<meta http-equiv="refresh" content="0;url=${host.appPath}">`)
    expect(first.body).not.toContain(host.token)

    const replay = await postCode(host, handOff.code)
    expect(replay.status).toBe(401)
    expect(replay.body).toContain('already used or has expired')
    expect(replay.headers['set-cookie']).toBeUndefined()
    expect(await handOff.ended).toBe('used')
  })

  it('refuses a code after its 30 s, and takes one just before', async () => {
    const { ws } = current()
    let now = 1_000_000
    const timed = await startBrowserHost({ workstation: ws, rendererDir, now: () => now })
    try {
      const late = timed.handOff()
      const early = timed.handOff()
      expect(late.expiresAt).toBe(now + 30_000)
      now += 29_999
      expect((await postCode(timed, early.code)).status).toBe(200)
      now += 1
      const refused = await postCode(timed, late.code)
      expect(refused.status).toBe(401)
      expect(refused.headers['set-cookie']).toBeUndefined()
      expect(await late.ended).toBe('expired')
    } finally {
      await timed.close()
    }
  })

  it('refuses a GET, a foreign Origin, a wrong, missing or oversize code, without spending a live one', async () => {
    const { host } = current()
    const live = host.handOff()
    const hostHeader = `127.0.0.1:${host.port}`
    const form = 'application/x-www-form-urlencoded'
    const attempts: Array<[string, Promise<RawResponse>, number]> = [
      ['a GET with the code', raw(host.port, `/open?code=${live.code}`, { Host: hostHeader }), 405],
      ['a foreign Origin', postCode(host, live.code, { Origin: 'http://evil.example' }), 403],
      ['another port\'s Origin', postCode(host, live.code, { Origin: `http://127.0.0.1:${host.port + 1}` }), 403],
      ['a foreign Host', postCode(host, live.code, { Host: `evil.example:${host.port}` }), 421],
      ['a JSON body', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ code: live.code })), 415],
      ['an oversize body', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': form }, 'POST', `code=${live.code}&pad=${'x'.repeat(2000)}`), 413],
      // One character changed — to one it is not already (a fixed 'A' equals the live code one time in 64).
      ['a wrong code', postCode(host, `${live.code.slice(0, -1)}${live.code.endsWith('A') ? 'B' : 'A'}`), 401],
      ['the launch token as the code', postCode(host, host.token), 401],
      ['no code', raw(host.port, '/open', { Host: hostHeader, 'Content-Type': form }, 'POST', ''), 401]
    ]
    for (const [label, attempt, status] of attempts) {
      const res = await attempt
      expect(res.status, label).toBe(status)
      expect(res.headers['set-cookie'], label).toBeUndefined()
    }
    // The live code survived all of that, and works once.
    expect((await postCode(host, live.code, { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200)
  })

  it('revokes outstanding codes when the host closes', async () => {
    const { ws } = current()
    const closing = await startBrowserHost({ workstation: ws, rendererDir })
    const handOff = closing.handOff()
    await closing.close()
    expect(await handOff.ended).toBe('revoked')
  })
})

describe('opening Chromium (--open)', () => {
  /** A stand-in launcher: keeps the command line and the hand-off page as they were at launch. */
  function recordingLaunch(): { launch: Launch; calls: Array<{ command: string; args: readonly string[]; page: string; pageMode: number; dirMode: number }> } {
    const calls: Array<{ command: string; args: readonly string[]; page: string; pageMode: number; dirMode: number }> = []
    const launch: Launch = (command, args) => {
      const app = args.find((a) => a.startsWith('--app='))
      const file = app ? fileURLToPath(app.slice('--app='.length)) : ''
      calls.push({ command, args, page: readFileSync(file, 'utf8'), pageMode: statSync(file).mode & 0o777, dirMode: statSync(dirname(file)).mode & 0o777 })
    }
    return { launch, calls }
  }

  const codeIn = (page: string): string => /name="code" value="([\w-]+)"/.exec(page)?.[1] ?? ''

  it('the command line that starts Chromium carries neither the token nor the one-time code', async () => {
    const { host } = current()
    const { launch, calls } = recordingLaunch()
    const opened = openInChromium(host, '/usr/bin/chromium', launch, tempDir)
    expect(calls).toHaveLength(1)
    const [call] = calls
    const code = codeIn(call!.page)
    expect(code).toMatch(/^[\w-]{43}$/)
    const commandLine = [call!.command, ...call!.args].join(' ')
    expect(commandLine).not.toContain(host.token)
    expect(commandLine).not.toContain(code)
    expect(commandLine).not.toContain(sessionValue(host.token, `127.0.0.1:${host.port}`))
    expect(commandLine).not.toContain('token=')
    expect(call!.args[0]).toBe(`--app=file://${opened.handOffFile}`)
    opened.dispose()
  })

  it('the hand-off page is private, posts its code to /open, is deleted once used, and cannot be replayed', async () => {
    const { host } = current()
    const { launch, calls } = recordingLaunch()
    const opened = openInChromium(host, '/usr/bin/chromium', launch, tempDir)
    const { page, pageMode, dirMode } = calls[0]!
    expect(dirMode).toBe(0o700)
    expect(pageMode).toBe(0o600)
    expect(page).toContain(`<form method="post" action="${host.openUrl}">`)
    expect(page).not.toContain(host.token)

    // Chromium's visit, then someone who copied the page trying it again.
    expect((await postCode(host, codeIn(page))).status).toBe(200)
    const replay = await postCode(host, codeIn(page))
    expect(replay.status).toBe(401)
    expect(replay.headers['set-cookie']).toBeUndefined()
    expect(await opened.ended).toBe('used')
    expect(existsSync(opened.handOffFile)).toBe(false)
    expect(existsSync(dirname(opened.handOffFile))).toBe(false)
  })

  it('an unused hand-off page is deleted when its code expires, and its code is refused', async () => {
    const { ws } = current()
    const quick = await startBrowserHost({ workstation: ws, rendererDir, handOffTtlMs: 150 })
    try {
      const { launch, calls } = recordingLaunch()
      const opened = openInChromium(quick, '/usr/bin/chromium', launch, tempDir)
      expect(existsSync(opened.handOffFile)).toBe(true)
      expect(await opened.ended).toBe('expired')
      expect(existsSync(dirname(opened.handOffFile))).toBe(false)
      expect((await postCode(quick, codeIn(calls[0]!.page))).status).toBe(401)
    } finally {
      await quick.close()
    }
  })
})

describe('browser host WebSocket API', () => {
  it('refuses the socket without the token, with a wrong or missing Origin, or on another path', async () => {
    const { host, origin, cookie } = current()
    const api = `${host.appPath}api`
    const refused: Array<[string, Parameters<typeof openSocket>[1]]> = [
      ['no token', { origin, path: api }],
      ['a wrong cookie', { origin, cookie: 'mechanica=WRONG', path: api }],
      ['the launch token as the cookie', { origin, cookie: `mechanica=${host.token}`, path: api }],
      ['a cookie bound to another port', { origin, cookie: host.cookie(`127.0.0.1:${host.port + 1}`), path: api }],
      ['a wrong token in the query', { origin, path: '/api?token=WRONG' }],
      ['no Origin', { cookie, path: api }],
      ['an Origin on another port', { origin: `http://127.0.0.1:${host.port + 1}`, cookie, path: api }],
      ['a foreign Origin', { origin: 'http://evil.example', cookie, path: api }],
      ['a foreign Origin with the token in the query', { origin: 'http://evil.example', path: `/api?token=${host.token}` }],
      ['another path', { origin, cookie, path: host.appPath }],
      ['the root', { origin, cookie, path: '/' }]
    ]
    for (const [label, options] of refused) {
      const attempt = await openSocket(host.port, options)
      expect(attempt, label).toEqual({ opened: false, status: 401, error: null })
    }
    const accepted = await openSocket(host.port, { origin, cookie, path: api })
    expect(accepted.opened).toBe(true)
    const viaLocalhost = await openSocket(host.port, { origin: `http://localhost:${host.port}`, cookie, path: api })
    expect(viaLocalhost.opened).toBe(true)
    const withToken = await openSocket(host.port, { origin, path: `/api?token=${host.token}` })
    expect(withToken.opened).toBe(true)
  })

  it('answers calls and streams run events, with the path arriving $f64-encoded', async () => {
    const { ws } = current()
    const client = await connectClient()

    client.call(1, 'app.info', {})
    const info = (await client.nextResult()).message
    expect(info).toMatchObject({ type: 'result', id: 1, ok: true, value: { name: 'Mechanica', host: 'browser', databasePath: join(tempDir, 'mechanica.db') } })

    client.call(2, 'runs.start', { spec: { task: 'random-walk', steps: 300_000, seed: 5 } })
    const started = (await client.nextResult()).message
    expect(started).toMatchObject({ type: 'result', id: 2, ok: true, value: { run: { status: 'running', progressTotal: 300_000 } } })
    const runId = (started.value as { run: RunSummary }).run.id

    const isEnd = (m: Record<string, unknown>): boolean =>
      m.type === 'event' && m.event === 'run.updated' && (m.payload as { run: RunSummary }).run.id === runId && (m.payload as { run: RunSummary }).run.status !== 'running'
    const endIndex = await client.waitFor(() => client.messages.findIndex((m) => isEnd(m.message)), 10_000, 'the run to end')
    const end = (client.messages[endIndex]?.message.payload as { run: RunSummary }).run
    expect(end.status).toBe('completed')
    expect(end.resultsHash).toMatch(/^[0-9a-f]{64}$/)
    const progress = client.messages.filter((m) => m.message.type === 'event' && m.message.event === 'run.progress').map((m) => m.message.payload)
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.at(-1)).toMatchObject({ runId, done: 300_000, total: 300_000 })

    client.call(3, 'runs.get', { runId })
    const detail = await client.nextResult()
    expect(detail.text).toContain('"path":{"$f64":"')
    const value = detail.message.value as { run: RunSummary; results: { path: unknown; pathStride: number } }
    expect(value.run).toEqual(end)
    expect(value.results.path).toBeInstanceOf(Float64Array)
    const direct = await ws.router.call('runs.get', { runId }, { transport: 'direct' })
    const directPath = (direct as { ok: true; value: { results: { path: Float64Array } } }).value.results.path
    expect(Array.from(value.results.path as Float64Array)).toEqual(Array.from(directPath))
    expect((value.results.path as Float64Array).length).toBe(4055)
  })

  it('answers malformed messages with specific errors and keeps the socket and app working', async () => {
    const { ws } = current()
    const client = await connectClient()
    const rows = countRuns(ws)

    client.send('this is not json')
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Message is not valid JSON.' }
    })

    client.send(JSON.stringify({ type: 'call' }))
    const noId = (await client.nextResult()).message
    expect(noId).toMatchObject({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request' } })
    expect((noId.error as { message: string }).message).toMatch(/^Malformed call: id: /)

    client.call(7, 'nope.nothing', {})
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: 7,
      ok: false,
      error: { code: 'unknown_method', message: 'Unknown method "nope.nothing".' }
    })

    client.call(8, 'runs.start', { spec: { task: 'random-walk', steps: 0, seed: 1 } })
    expect((await client.nextResult()).message).toMatchObject({
      id: 8,
      ok: false,
      error: { code: 'invalid_params', message: 'runs.start: spec.steps: must be at least 1 (got 0)' }
    })

    const padding = 'x'.repeat(MAX_MESSAGE_BYTES + 1000)
    client.call(9, 'runs.start', { spec: { task: 'random-walk', steps: 1000, seed: 1, padding } })
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'payload_too_large', message: `Message is larger than ${MAX_MESSAGE_BYTES} bytes.` }
    })

    client.send(Buffer.from(JSON.stringify({ type: 'call', id: 10, method: 'app.info', params: {} })))
    expect((await client.nextResult()).message).toEqual({
      type: 'result',
      id: -1,
      ok: false,
      error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' }
    })

    expect(client.socket.readyState).toBe(WebSocket.OPEN)
    client.call(11, 'app.info', {})
    expect((await client.nextResult()).message).toMatchObject({ type: 'result', id: 11, ok: true, value: { host: 'browser' } })
    expect(countRuns(ws)).toBe(rows)
  })

  it('a frame far over the cap closes that socket with 1009 while other clients keep working', async () => {
    const { ws } = current()
    const bystander = await connectClient()
    const client = await connectClient()
    const closed = new Promise<number>((resolve) => client.socket.on('close', (code) => resolve(code)))
    client.send('x'.repeat(MAX_MESSAGE_BYTES * 4 + 1))
    expect(await closed).toBe(1009)

    bystander.call(1, 'app.info', {})
    expect((await bystander.nextResult()).message).toMatchObject({ id: 1, ok: true, value: { host: 'browser' } })
    expect(countRuns(ws)).toBe(0)
  })
})
