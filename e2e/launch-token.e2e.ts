import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { launchChromium, startHost, type RunningHost } from './support/host'

// How the launch token reaches the browser, seen from outside as another local user would:
// the command lines of every process (`ps`), another service on another loopback port, and a
// copy of the hand-off page taken before it was used.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-open-'))
const cleanups: Array<() => Promise<void> | void> = []

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const tokenOf = (host: RunningHost): string => new URL(host.url).searchParams.get('token') ?? ''

/** Every process's command line that this user may read: what `ps -ef` shows. */
function commandLines(): string[] {
  const lines: string[] = []
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '))
    } catch {
      // gone already, or not ours to read
    }
  }
  return lines
}

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

async function poll<T>(what: string, read: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = read()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('the launch token outside the browser host', () => {
  it('--open starts Chromium with no token on any command line, and a used hand-off page cannot be replayed', async () => {
    const real = [process.env.MECHANICA_BROWSER, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p))
    if (!real) throw new Error("No Chromium found: install Debian's chromium or set MECHANICA_BROWSER")
    // Stands in for Chromium: records how it was started, copies the hand-off page (as someone
    // who could read it might), then runs the real one headless with a DevTools port.
    const wrapper = join(dir, 'chromium')
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > '${dir}/argv'`,
        'for a in "$@"; do case "$a" in --app=file://*) cp "${a#--app=file://}" ' + `'${dir}/copied.html';; esac; done`,
        `echo $$ > '${dir}/pid'`,
        `exec '${real}' --headless=new --no-sandbox --remote-debugging-port=0 "$@"`,
        ''
      ].join('\n')
    )
    chmodSync(wrapper, 0o755)

    const host = await startHost(join(dir, 'open.db'), { open: wrapper })
    cleanups.push(() => host.stop())
    const token = tokenOf(host)
    expect(token).toMatch(/^[\w-]{43}$/)

    const argv = (await poll('Chromium to start', () => (existsSync(join(dir, 'pid')) ? readFileSync(join(dir, 'argv'), 'utf8') : undefined))).split('\n')
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'))
    const profile = argv.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length) ?? ''
    cleanups.push(() => {
      try {
        process.kill(-pid, 'SIGKILL') // the host starts Chromium detached, in its own process group
      } catch {
        // already gone
      }
      rmSync(profile, { recursive: true, force: true })
    })
    const page = argv.find((a) => a.startsWith('--app='))?.slice('--app='.length) ?? ''
    expect(page).toMatch(/^file:\/\/\/.+\/open\.html$/)
    const copied = readFileSync(join(dir, 'copied.html'), 'utf8')
    const code = /name="code" value="([\w-]+)"/.exec(copied)?.[1] ?? ''
    expect(code).toMatch(/^[\w-]{43}$/)

    // The app opens in that Chromium: the hand-off signed it in and its socket connected.
    const port = await poll('DevTools', () => (existsSync(join(profile, 'DevToolsActivePort')) ? readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n')[0] : undefined))
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`)
    cleanups.push(() => browser.close())
    const app = await poll('the app page', () => browser.contexts().flatMap((c) => c.pages()).find((p) => p.url().startsWith(`${host.origin}/m/`)))
    await app.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor()

    // While Chromium runs, no command line on the machine holds the token or the code.
    const lines = commandLines()
    expect(lines.some((line) => line.includes(`--app=${page}`))).toBe(true)
    expect(lines.filter((line) => line.includes(token))).toEqual([])
    expect(lines.filter((line) => line.includes(code))).toEqual([])
    expect(argv.join(' ')).not.toContain(token)

    // The page was deleted once used, and a copy of it is worth nothing now.
    expect(existsSync(fileURLToPath(page))).toBe(false)
    const action = /action="([^"]+)"/.exec(copied)?.[1] ?? ''
    expect(action).toBe(`${host.origin}/open`)
    const replay = await fetch(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `code=${code}` })
    expect(replay.status).toBe(401)
    expect(replay.headers.get('set-cookie')).toBeNull()
    await replay.text()
  })

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
