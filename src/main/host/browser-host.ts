import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { setTimeout as wait } from 'node:timers/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ServerMessage } from '../../shared/contract'
import { MAX_MESSAGE_BYTES, encodeWire } from '../../shared/contract/wire-codec'
import type { Workstation } from '../app/workstation'
import { contentSecurityPolicy } from '../security/csp'
import { firstScreenBlock, firstScreenState, splitForFirstScreen } from './first-screen'
import { HAND_OFF_TTL_MS, OneTimeCodes, type HandOff } from './one-time-codes'
import { cookieValue, newLaunchToken, sessionValue, tokensMatch } from './token'

export interface BrowserHostOptions {
  /**
   * The workstation, or its start still under way: the host listens (and serves the page's
   * scripts) while the workstation's modules load; the page itself and API messages wait for it.
   */
  workstation: Workstation | Promise<Workstation>
  /** Built renderer (out/renderer). */
  rendererDir: string
  port?: number
  token?: string
  /** Lifetime of a hand-off code (default 30 s). */
  handOffTtlMs?: number
  /** The clock hand-off codes expire by (tests move it). */
  now?: () => number
}

export interface BrowserHost {
  /** The address printed for the user: it carries the launch token. */
  readonly url: string
  readonly port: number
  readonly token: string
  /** The app's per-launch folder ("/m/<128 random bits>/"), the only path its cookie is sent to. */
  readonly appPath: string
  /** Where a hand-off page posts its code. */
  readonly openUrl: string
  /** A fresh single-use code for `openUrl` (see `openInChromium`). */
  handOff(): HandOff
  /** The `Cookie` header a browser holds after signing in through `hostHeader`. */
  cookie(hostHeader?: string): string
  close(): Promise<void>
}

/** The WebSocket for clients that hold the token itself (`/api?token=…`); the app's page uses `<appPath>api`. */
export const API_PATH = '/api'
export const OPEN_PATH = '/open'
export const COOKIE_NAME = 'mechanica'
const MAX_OPEN_BODY_BYTES = 1024
/** The longest the page's first screen waits for the engine to say ready (servePage). */
export const FIRST_SCREEN_ENGINE_WAIT_MS = 300

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon'
}

/**
 * Serves the built renderer and the API on loopback only. Every request needs the launch
 * token: in the address once (or a one-time hand-off code posted to /open), then an HttpOnly
 * cookie. Cookies are not port-scoped, so the cookie is scoped by path instead: the app lives
 * under a random per-launch folder, the only path a browser sends the cookie to, which another
 * service on another loopback port does not serve. Its value is not the token but a MAC of the
 * Host it was issued for, so a launch on another port refuses it. Host and Origin must be this
 * server's own, which shuts out DNS rebinding and other web pages.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? newLaunchToken()
  const workstation = Promise.resolve(options.workstation)
  // A workstation that fails to start is the entry's to report; here it only fails requests.
  workstation.catch(() => undefined)
  const rendererDir = resolve(options.rendererDir) // no trailing separator, whatever was given
  const appPath = `/m/${randomBytes(16).toString('base64url')}/`
  const ttlMs = options.handOffTtlMs ?? HAND_OFF_TTL_MS
  const codes = new OneTimeCodes({ ttlMs, ...(options.now ? { now: options.now } : {}) })
  let port = 0
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`)

  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '')
  const queryToken = (url: URL): boolean => tokensMatch(token, url.searchParams.get('token'))
  // Called after hostOk, so the Host is one of ours.
  const cookieOk = (req: IncomingMessage): boolean =>
    tokensMatch(sessionValue(token, req.headers.host ?? ''), cookieValue(req.headers.cookie, COOKIE_NAME))
  const setCookie = (req: IncomingMessage): string =>
    `${COOKIE_NAME}=${sessionValue(token, req.headers.host ?? '')}; HttpOnly; SameSite=Strict; Path=${appPath}`

  const server = createServer((req, res) => {
    if (!hostOk(req)) return refuse(res, 421, 'Unknown host.')
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === OPEN_PATH) return void handleOpen(req, res).catch(() => res.destroy())
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET is served here.')
    if (queryToken(url)) {
      // Trade the token in the address for a cookie, and drop it from the address bar. The
      // Location is always our own folder: never built from the request ("//host" would leave).
      res.writeHead(303, { Location: appPath, 'Set-Cookie': setCookie(req), 'Cache-Control': 'no-store' })
      return res.end()
    }
    if (!url.pathname.startsWith(appPath) || !cookieOk(req)) {
      return refuse(res, 401, 'Open Mechanica with the address printed when it started: it carries this launch\'s token.')
    }
    serveStatic(url.pathname.slice(appPath.length - 1), req, res)
  })

  /**
   * POST /open with `code=<hand-off code>`, from the private page `--open` hands Chromium. Its
   * answer sets the cookie and moves on with a same-origin refresh rather than a redirect: the
   * form is posted from file://, and Chromium withholds SameSite=Strict cookies along a
   * redirect chain that started cross-site.
   */
  async function handleOpen(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return refuse(res, 405, `${OPEN_PATH} takes a POST with the one-time code from the hand-off page.`)
    const origin = req.headers.origin
    // A page opened from a file sends "null"; a foreign web page must not even try codes.
    if (origin !== undefined && origin !== 'null' && !allowedOrigins().includes(origin)) return refuse(res, 403, 'Cross-origin request refused.')
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim()
    if (type !== 'application/x-www-form-urlencoded') return refuse(res, 415, `${OPEN_PATH} takes application/x-www-form-urlencoded (got ${type || 'no content type'}).`)
    const body = await readSmallBody(req, MAX_OPEN_BODY_BYTES)
    if (body === null) return refuse(res, 413, `${OPEN_PATH} takes at most ${MAX_OPEN_BODY_BYTES} bytes.`)
    if (!codes.redeem(new URLSearchParams(body).get('code'))) {
      return refuse(
        res,
        401,
        `This one-time link was already used or has expired (each is good once, for ${Math.round(ttlMs / 1000)} s). Open Mechanica with the address printed when it started.`
      )
    }
    const page = `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${appPath}"><title>Mechanica</title><a href="${appPath}">Open Mechanica</a>\n`
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Set-Cookie': setCookie(req),
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store'
    })
    res.end(page)
  }

  function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse): void {
    let relative: string
    try {
      relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
    } catch {
      return refuse(res, 400, 'Malformed path.')
    }
    const file = normalize(join(rendererDir, relative))
    if (!file.startsWith(rendererDir + sep)) return refuse(res, 404, 'Not found.')
    let size: number
    try {
      const stat = statSync(file)
      if (!stat.isFile()) return refuse(res, 404, 'Not found.')
      size = stat.size
    } catch {
      return refuse(res, 404, 'Not found.')
    }
    // No length: the page is sent in two parts (servePage).
    const headers = (length: number | null): Record<string, string | number> => ({
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      ...(length === null ? {} : { 'Content-Length': length }),
      'Content-Security-Policy': contentSecurityPolicy(allowedHosts().map((h) => `ws://${h}`)),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600'
    })
    if (relative === 'index.html') return void servePage(file, headers, req, res).catch(() => res.destroy())
    res.writeHead(200, headers(size))
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file).pipe(res)
  }

  /**
   * The app's page, carrying the first screen's data (first-screen.ts), in two parts: the head at
   * once, so the browser fetches and compiles the page's scripts while the workstation starts;
   * then the first screen and the rest once the workstation is up and its engine has said ready
   * (or FIRST_SCREEN_ENGINE_WAIT_MS have passed), so the first render already shows the engine's
   * state instead of redrawing the shell when it arrives. The page's module script runs only when
   * the document has ended, and takes about that long to arrive and compile.
   */
  async function servePage(file: string, headers: (length: number | null) => Record<string, string | number>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { head, tail } = splitForFirstScreen(readFileSync(file, 'utf8'))
    res.writeHead(200, headers(null))
    if (req.method === 'HEAD') return void res.end()
    res.write(head)
    const started = await workstation
    await Promise.race([started.servicesReady.catch(() => undefined), wait(FIRST_SCREEN_ENGINE_WAIT_MS, undefined, { ref: false })])
    const state = await firstScreenState(started.router, () => started.labsAtHand())
    res.end(`${firstScreenBlock(state)}${tail}`)
  }

  // Frames a bit over the cap still get a specific error from the router; far larger ones close the socket.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const authorised =
      (url.pathname === API_PATH || url.pathname === `${appPath}api`) &&
      hostOk(req) &&
      allowedOrigins().includes(req.headers.origin ?? '') &&
      (cookieOk(req) || queryToken(url))
    if (!authorised) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function attach(ws: WebSocket): void {
    const send = (message: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire(message))
    }
    let closed = false
    let unsubscribe = (): void => undefined
    void workstation.then(
      (started) => {
        if (closed) return
        unsubscribe = started.events.subscribe((event, payload) => send({ type: 'event', event, payload }))
        // Each service's state at once, as the events that would report a change: the page's
        // first screen was written before the engine was ready, and it should not have to ask.
        for (const service of Object.values(started.services)) send({ type: 'event', event: 'service.status', payload: service.status() })
      },
      () => ws.terminate()
    )
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' } })
        return
      }
      const text = data.toString('utf8')
      void workstation.then((started) => started.router.handleText(text, { transport: 'websocket' })).then(send, () => undefined)
    })
    ws.on('close', () => {
      closed = true
      unsubscribe()
    })
    ws.on('error', () => ws.terminate())
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    appPath,
    openUrl: `http://127.0.0.1:${port}${OPEN_PATH}`,
    handOff: () => codes.mint(),
    cookie: (hostHeader = `127.0.0.1:${port}`) => `${COOKIE_NAME}=${sessionValue(token, hostHeader)}`,
    async close() {
      codes.revokeAll()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** The body as text, or null when it runs past `limit` bytes (the rest is read and dropped). */
function readSmallBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else resolve(null)
    })
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks).toString('utf8') : null))
    req.on('error', () => resolve(null))
  })
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(`${message}\n`)
}
