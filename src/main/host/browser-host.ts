import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES, encodeWire, type ServerMessage } from '../../shared/contract'
import type { Workstation } from '../app/workstation'
import { contentSecurityPolicy } from '../security/csp'
import { cookieValue, newLaunchToken, tokensMatch } from './token'

export interface BrowserHostOptions {
  workstation: Workstation
  /** Built renderer (out/renderer). */
  rendererDir: string
  port?: number
  token?: string
}

export interface BrowserHost {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

export const API_PATH = '/api'

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
 * token (query once, then an HttpOnly cookie); Host and Origin must be this server's own,
 * which shuts out DNS rebinding and other web pages.
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? newLaunchToken()
  const { workstation } = options
  const rendererDir = resolve(options.rendererDir) // no trailing separator, whatever was given
  let port = 0
  const cookieName = (): string => `mechanica_token_${port}`
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`]
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`)

  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '')
  const tokenFrom = (req: IncomingMessage): { query: string | null; cookie: string | undefined } => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    return { query: url.searchParams.get('token'), cookie: cookieValue(req.headers.cookie, cookieName()) }
  }

  const server = createServer((req, res) => {
    if (!hostOk(req)) return refuse(res, 421, 'Unknown host.')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Only GET is served here.')
    const given = tokenFrom(req)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (tokensMatch(token, given.query)) {
      // Trade the token in the address for a cookie, and drop it from the address bar.
      res.writeHead(303, {
        // One leading slash only: "//host" would be a protocol-relative jump to another site.
        Location: `/${url.pathname.replace(/^\/+/, '')}`,
        'Set-Cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store'
      })
      return res.end()
    }
    if (!tokensMatch(token, given.cookie)) {
      return refuse(res, 401, 'Open Mechanica with the address printed when it started: it carries this launch\'s token.')
    }
    serveStatic(url.pathname, req, res)
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
    const given = tokenFrom(req)
    const authorised =
      url.pathname === API_PATH &&
      hostOk(req) &&
      allowedOrigins().includes(req.headers.origin ?? '') &&
      (tokensMatch(token, given.cookie) || tokensMatch(token, given.query))
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
