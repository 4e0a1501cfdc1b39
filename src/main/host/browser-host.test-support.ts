// Shared by the browser host's integration tests (browser-host.*.test.ts): each test gets a fresh
// real workstation (services from the BUILT worker files) behind a browser host on loopback,
// in front of a stand-in renderer folder with secrets just outside it; and the raw HTTP and
// WebSocket clients the tests speak through.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach } from 'vitest'
import WebSocket from 'ws'
import { decodeWire } from '../../shared/contract'
import { startWorkstation, type Workstation } from '../app/workstation'
import { launchNodeProcess } from '../services/node-launcher'
import type { BackoffPolicy } from '../services/service-host'
import { startBrowserHost, type BrowserHost } from './browser-host'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const workersDir = join(root, 'out/main/workers')
const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

export const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>MECHANICA-TEST-INDEX</body></html>\n'
export const APP_JS = 'console.log("MECHANICA-TEST-APP")\n'
export const SECRET = 'MECHANICA-TEST-SECRET-NEVER-SERVED'

let tempDir = ''
let rendererDir = ''
let workstation: Workstation | null = null
let host: BrowserHost | null = null
let sockets: WebSocket[] = []

/** Registers the hooks that start a workstation and host before each test and close them after. */
export function useBrowserHostSandbox(): void {
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
}

/** This test's workstation and host, how to reach them, and its folders. */
export function current(): { ws: Workstation; host: BrowserHost; base: string; origin: string; cookie: string; tempDir: string; rendererDir: string } {
  if (!workstation || !host) throw new Error('not started')
  return {
    ws: workstation,
    host,
    base: `http://127.0.0.1:${host.port}`,
    origin: `http://127.0.0.1:${host.port}`,
    cookie: host.cookie(),
    tempDir,
    rendererDir
  }
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A raw HTTP request: for what fetch will not send as given (Host header, un-normalised paths). */
export function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      // A response cut after its head (the page, when the workstation fails to start).
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** What a hand-off page's form sends: a POST of `code` from a file:// page (Origin "null"). */
export function postCode(host: BrowserHost, code: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const form = { Host: `127.0.0.1:${host.port}`, Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' }
  return raw(host.port, '/open', { ...form, ...headers }, 'POST', new URLSearchParams({ code }).toString())
}

type Attempt = { opened: true; socket: WebSocket } | { opened: false; status: number | null; error: string | null }

export function openSocket(port: number, options: { origin?: string; cookie?: string; path?: string }): Promise<Attempt> {
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
export class Client {
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

export async function connectClient(): Promise<Client> {
  const { host, origin, cookie } = current()
  const attempt = await openSocket(host.port, { origin, cookie, path: `${host.appPath}api` })
  if (!attempt.opened) throw new Error(`socket refused: ${attempt.status ?? attempt.error}`)
  return new Client(attempt.socket)
}

export const countRuns = (ws: Workstation): number => ws.db.prepare('SELECT count(*) FROM runs').pluck().get() as number
