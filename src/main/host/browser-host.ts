import { randomBytes } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES, encodeWire, type ServerMessage } from '../../shared/contract'
import type { Workstation } from '../app/workstation'
import { contentSecurityPolicy } from '../security/csp'
import { cookieValue, newLaunchToken, sessionValue, tokensMatch } from './token'

export interface BrowserHostOptions {
  workstation: Workstation
  /** Built renderer (out/renderer). */
  rendererDir: string
  port?: number
  token?: string
}

export interface BrowserHost {
  /** The address printed for the user: it carries the launch token. */
  readonly url: string
  readonly port: number
  readonly token: string
  /** The app's per-launch folder ("/m/<128 random bits>/"), the only path its cookie is sent to. */
  readonly appPath: string
  /** The `Cookie` header a browser holds after signing in through `hostHeader`. */
  cookie(hostHeader?: string): string
  close(): Promise<void>
}

/** The WebSocket for clients that hold the token itself (`/api?token=…`); the app's page uses `<appPath>api`. */
export const API_PATH = '/api'
export const COOKIE_NAME = 'mechanica'

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
 * token: in the address once, then an HttpOnly cookie. Cookies are not port-scoped, so the
 * cookie is scoped by path instead: the app lives under a random per-launch folder, the only
 * path a browser sends the cookie to, which another service on another loopback port does not
 * serve. Its value is not the token but a MAC of the Host it was issued for, so a launch on
 * another port refuses it. Host and Origin must be this server's own, which shuts out DNS
 * rebinding and other web pages.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? newLaunchToken()
  const { workstation } = options
  const rendererDir = resolve(options.rendererDir) // no trailing separator, whatever was given
  const appPath = `/m/${randomBytes(16).toString('base64url')}/`
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
    const wsOrigins = allowedHosts().map((h) => `ws://${h}`)
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Content-Security-Policy': contentSecurityPolicy(wsOrigins),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600'
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(file).pipe(res)
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
    const unsubscribe = workstation.events.subscribe((event, payload) => send({ type: 'event', event, payload }))
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ type: 'result', id: -1, ok: false, error: { code: 'invalid_request', message: 'Binary frames are not accepted; send JSON text.' } })
        return
      }
      void workstation.router.handleText(data.toString('utf8'), { transport: 'websocket' }).then(send)
    })
    ws.on('close', unsubscribe)
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
    cookie: (hostHeader = `127.0.0.1:${port}`) => `${COOKIE_NAME}=${sessionValue(token, hostHeader)}`,
    async close() {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(`${message}\n`)
}
