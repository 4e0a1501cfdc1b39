// The browser host listens before its workstation has loaded (src/main/browser-host.ts): it signs
// the browser in and serves the page's scripts at once; the page's head goes out at once, its
// first screen and the rest once the workstation is up and its engine ready (or a short wait);
// API messages wait for the workstation; a workstation that fails to start answers neither.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Workstation } from '../app/workstation'
import { FIRST_SCREEN_ENGINE_WAIT_MS, startBrowserHost, type BrowserHost } from './browser-host'
import { APP_JS, Client, INDEX_HTML, openSocket, raw } from './browser-host.test-support'

const ENGINE_READY = { name: 'engine', state: 'ready', pid: 42, restarts: 0, lastExit: null, restartInMs: null }
const ENGINE_STARTING = { ...ENGINE_READY, state: 'starting', pid: null }

/**
 * Just what the host reads of a workstation: its router, its events, the labs at hand, and when
 * its engine is ready (`engineReady`, default at once), which services.status then reports.
 */
function fakeWorkstation(engineReady: Promise<void> = Promise.resolve()): Workstation {
  const info = { name: 'Mechanica', databasePath: '/data/FAKE-STARTED.db' }
  let engine: typeof ENGINE_STARTING | typeof ENGINE_READY = ENGINE_STARTING
  void engineReady.then(() => (engine = ENGINE_READY))
  const answer = (method: string): unknown =>
    method === 'app.info' ? info : method === 'services.status' ? { services: [engine] } : { runs: [], total: 0 }
  return {
    servicesReady: engineReady,
    router: {
      call: async (method: string) => ({ ok: true, value: answer(method) }),
      handleText: async (text: string) => ({ type: 'result', id: (JSON.parse(text) as { id: number }).id, ok: true, value: answer((JSON.parse(text) as { method: string }).method) })
    },
    events: { subscribe: () => () => undefined },
    services: { engine: { status: () => ENGINE_READY } },
    labsAtHand: () => null
  } as unknown as Workstation
}

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

let dir = ''
let host: BrowserHost | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-starting-'))
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), INDEX_HTML)
  writeFileSync(join(dir, 'assets', 'app.js'), APP_JS)
})
afterEach(async () => {
  await host?.close()
  host = null
  rmSync(dir, { recursive: true, force: true })
})

/** A GET of the page that records each part of the body as it arrives. */
function streamPage(port: number, path: string, cookie: string): { parts: string[]; done: Promise<{ status: number; body: string }> } {
  const parts: string[] = []
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, Cookie: cookie } }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => parts.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parts.join('') }))
      res.on('error', reject)
    }).on('error', reject)
  })
  return { parts, done }
}

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true)
  )
  await new Promise((r) => setTimeout(r, ms))
  return settled
}

describe('browser host while its workstation starts', () => {
  it('signs in and serves assets at once; the page waits for the workstation and then carries its first screen', async () => {
    const starting = deferred<Workstation>()
    host = await startBrowserHost({ workstation: starting.promise, rendererDir: dir })
    const hostHeader = { Host: `127.0.0.1:${host.port}` }
    const signIn = await raw(host.port, `/?token=${host.token}`, hostHeader)
    expect(signIn.status).toBe(303)
    const cookie = { ...hostHeader, Cookie: host.cookie() }
    const asset = await raw(host.port, `${host.appPath}assets/app.js`, cookie)
    expect(asset.status).toBe(200)
    expect(asset.body).toBe(APP_JS)

    const page = raw(host.port, host.appPath, cookie)
    expect(await settledWithin(page, 150)).toBe(false)
    starting.resolve(fakeWorkstation())
    const served = await page
    expect(served.status).toBe(200)
    expect(served.body).toContain('FAKE-STARTED.db')
    expect(served.body).toContain('MECHANICA-TEST-INDEX')
  })

  it('sends the page\'s head before the workstation is up, and its first screen once the engine is ready', async () => {
    const starting = deferred<Workstation>()
    const engine = deferred<void>()
    host = await startBrowserHost({ workstation: starting.promise, rendererDir: dir })
    const page = streamPage(host.port, host.appPath, host.cookie())
    await new Promise((r) => setTimeout(r, 150))
    // The head, with the page's module script, so the browser fetches it meanwhile; no first screen yet.
    expect(page.parts.join('')).toBe(INDEX_HTML.slice(0, INDEX_HTML.indexOf('</head>')))
    expect(page.parts.join('')).toContain('src="/assets/app.js"')
    starting.resolve(fakeWorkstation(engine.promise))
    expect(await settledWithin(page.done, 100)).toBe(false)
    engine.resolve()
    const served = await page.done
    expect(served.status).toBe(200)
    expect(served.body).toContain('MECHANICA-TEST-INDEX')
    // Written after the engine said ready, so the first render shows it ready.
    expect(served.body).toContain('"state":"ready"')
    expect(served.body).not.toContain('"state":"starting"')
  })

  it('waits for the engine at most FIRST_SCREEN_ENGINE_WAIT_MS, then writes the first screen as it is', async () => {
    host = await startBrowserHost({ workstation: fakeWorkstation(new Promise(() => undefined)), rendererDir: dir })
    const started = performance.now()
    const served = await streamPage(host.port, host.appPath, host.cookie()).done
    const tookMs = performance.now() - started
    expect(tookMs).toBeGreaterThanOrEqual(FIRST_SCREEN_ENGINE_WAIT_MS - 20)
    expect(tookMs).toBeLessThan(FIRST_SCREEN_ENGINE_WAIT_MS + 2_000)
    expect(served.body).toContain('"state":"starting"')
    expect(served.body).toContain('MECHANICA-TEST-INDEX')
  })

  it('answers a call sent over the socket before the workstation was up, once it is', async () => {
    const starting = deferred<Workstation>()
    host = await startBrowserHost({ workstation: starting.promise, rendererDir: dir })
    const origin = `http://127.0.0.1:${host.port}`
    const attempt = await openSocket(host.port, { origin, cookie: host.cookie(), path: `${host.appPath}api` })
    if (!attempt.opened) throw new Error(`socket refused: ${attempt.status ?? attempt.error}`)
    const client = new Client(attempt.socket)
    client.call(7, 'app.info', {})
    const answer = client.nextResult(5_000)
    expect(await settledWithin(answer, 150)).toBe(false)
    starting.resolve(fakeWorkstation())
    const { message } = await answer
    expect(message).toMatchObject({ type: 'result', id: 7, ok: true, value: { databasePath: '/data/FAKE-STARTED.db' } })
    // Each service's state is pushed once the workstation is up, without being asked.
    const pushed = client.messages.map((m) => m.message).filter((m) => m.type === 'event')
    expect(pushed).toEqual([{ type: 'event', event: 'service.status', payload: ENGINE_READY }])
    attempt.socket.terminate()
  })

  it('cuts the page and the socket when the workstation fails to start', async () => {
    const starting = deferred<Workstation>()
    host = await startBrowserHost({ workstation: starting.promise, rendererDir: dir })
    const origin = `http://127.0.0.1:${host.port}`
    const attempt = await openSocket(host.port, { origin, cookie: host.cookie(), path: `${host.appPath}api` })
    if (!attempt.opened) throw new Error('socket refused')
    const closed = new Promise<void>((resolve) => attempt.socket.once('close', () => resolve()))
    const page = raw(host.port, host.appPath, { Host: `127.0.0.1:${host.port}`, Cookie: host.cookie() })
    starting.reject(new Error('the database is locked'))
    await expect(page).rejects.toThrow(/socket hang up|ECONNRESET|aborted/)
    await closed
  })
})
