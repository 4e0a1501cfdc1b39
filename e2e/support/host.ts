import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const root = join(__dirname, '..', '..')
export const screenshotsDir = join(root, 'e2e', 'screenshots')

export interface RunningHost {
  url: string
  origin: string
  process: ChildProcess
  /** Milliseconds from spawn to the address being printed. */
  startupMs: number
  output(): string
  stop(): Promise<void>
}

/**
 * Starts the built browser host on a free loopback port with its own database; `open` names
 * the program it starts as its browser with `--open` (by default it opens none); `outDir` a
 * build other than out/ (the UI bench's baseline).
 */
export function startHost(databasePath: string, options: { open?: string; outDir?: string } = {}): Promise<RunningHost> {
  const started = performance.now()
  const openArgs = options.open ? ['--open'] : ['--no-open']
  const child = spawn(process.execPath, [join(options.outDir ?? join(root, 'out'), 'main/browser-host.js'), '--db', databasePath, ...openArgs], {
    cwd: root,
    env: { ...process.env, DISPLAY: '', ...(options.open ? { MECHANICA_BROWSER: options.open } : {}) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start:\n${log}`)), 30_000)
    const onData = (chunk: Buffer): void => {
      log += chunk.toString()
      const match = /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(log)
      if (match?.[1]) {
        clearTimeout(timer)
        const url = match[1]
        resolve({
          url,
          origin: new URL(url).origin,
          process: child,
          startupMs: performance.now() - started,
          output: () => log,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGTERM')
            })
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`browser host exited with ${code}:\n${log}`))
    })
  })
}

export function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.MECHANICA_BROWSER, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p))
  if (!executablePath) throw new Error('No Chromium found: install Debian\'s chromium or set MECHANICA_BROWSER')
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run']
  })
}

export function screenshotPath(name: string): string {
  mkdirSync(screenshotsDir, { recursive: true })
  return join(screenshotsDir, `${name}.png`)
}

export interface Session {
  host: RunningHost
  browser: Browser
  page: Page
  close(): Promise<void>
}

/** A fresh host on its own database, Chromium, and the workstation open with the engine ready. */
export async function openWorkstation(databasePath: string): Promise<Session> {
  const browser = await launchChromium()
  const host = await startHost(databasePath)
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  await page.goto(host.url)
  await page.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor()
  return {
    host,
    browser,
    page,
    close: async () => {
      await browser.close()
      await host.stop()
    }
  }
}
