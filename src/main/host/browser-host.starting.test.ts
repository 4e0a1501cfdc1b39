// The browser host listens before its workstation has loaded (src/main/browser-host.ts): it signs
// the browser in and serves the page's scripts at once; the page (it carries the first screen's
// data) and API messages wait for the workstation; a workstation that fails to start answers
// neither.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Workstation } from '../app/workstation'
import { startBrowserHost, type BrowserHost } from './browser-host'
import { APP_JS, Client, INDEX_HTML, openSocket, raw } from './browser-host.test-support'

const ENGINE_READY = { name: 'engine', state: 'ready', pid: 42, restarts: 0, lastExit: null, restartInMs: null }

/** Just what the host reads of a workstation: its router, its events and the labs at hand. */
function fakeWorkstation(): Workstation {
  const info = { name: 'Mechanica', databasePath: '/data/FAKE-STARTED.db' }
  const answer = (method: string): unknown => (method === 'app.info' ? info : method === 'services.status' ? { services: [] } : { runs: [], total: 0 })
  return {
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
    await expect(page).rejects.toThrow(/socket hang up|ECONNRESET/)
    await closed
  })
})
