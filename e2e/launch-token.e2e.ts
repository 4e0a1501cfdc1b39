import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { launchChromium, startHost } from './support/host'

// How the launch token reaches the browser, seen from outside: another service on another
// loopback port, visited by the same browser.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-open-'))
const cleanups: Array<() => Promise<void> | void> = []

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  rmSync(dir, { recursive: true, force: true })
})

/** An unrelated service on another loopback port that keeps every Cookie header it is sent. */
async function cookieRecorder(): Promise<{ port: number; cookies: string[] }> {
  const cookies: string[] = []
  const server: Server = createServer((req, res) => {
    if (req.headers.cookie) cookies.push(`${req.url}: ${req.headers.cookie}`)
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end('<!doctype html><title>another service</title>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { port: (server.address() as AddressInfo).port, cookies }
}

describe('the launch token outside the browser host', () => {
  it('another service on another loopback port is never sent the session cookie', async () => {
    const browser: Browser = await launchChromium()
    cleanups.push(() => browser.close())
    const host = await startHost(join(dir, 'cookie.db'))
    cleanups.push(() => host.stop())
    const page = await browser.newPage()
    await page.goto(host.url)
    await page.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor()
    expect((await page.context().cookies()).map((c) => c.domain)).toEqual(['127.0.0.1'])

    // The same browser visits another local service, as a user with several tools open would.
    const other = await cookieRecorder()
    for (const path of ['/', '/api', '/m/', '/index.html', `/?from=${host.origin}`]) await page.goto(`http://127.0.0.1:${other.port}${path}`)
    expect(other.cookies).toEqual([])
  })
})
