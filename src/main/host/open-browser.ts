import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserHost } from './browser-host'
import type { HandOffEnd } from './one-time-codes'

/** Starts a program; injectable so a test can read the command line that would be used. */
export type Launch = (command: string, args: readonly string[]) => void

export const launchDetached: Launch = (command, args) => {
  const child = spawn(command, args, { stdio: 'ignore', detached: true })
  child.on('error', (error) => console.error(`mechanica: could not start ${command} (${error.message}); open the printed address instead.`))
  child.unref()
}

export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): string | null {
  const candidates = [env.MECHANICA_BROWSER, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  return candidates.find((c): c is string => !!c && exists(c)) ?? null
}

export interface HandOffPage {
  readonly file: string
  /** Deletes the page and its folder; safe to call more than once. */
  remove(): void
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c)

/**
 * Writes the page that posts `code` to `action` as soon as it loads, in a fresh folder that
 * only this user can enter (0700) as a file only this user can read (0600).
 */
export function writeHandOffPage(action: string, code: string, parent: string = tmpdir()): HandOffPage {
  const dir = mkdtempSync(join(parent, 'mechanica-open-'))
  chmodSync(dir, 0o700)
  const file = join(dir, 'open.html')
  const html = [
    '<!doctype html>',
    '<meta charset="utf-8"><meta name="referrer" content="no-referrer"><title>Opening Mechanica…</title>',
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="code" value="${escapeHtml(code)}">`,
    '<noscript><button>Open Mechanica</button></noscript></form>',
    '<script>document.forms[0].submit()</script>',
    ''
  ].join('\n')
  writeFileSync(file, html, { mode: 0o600, flag: 'wx' })
  let removed = false
  return {
    file,
    remove() {
      if (removed) return
      removed = true
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface OpenedBrowser {
  readonly handOffFile: string
  /** How the hand-off ended: used by the browser, expired, or revoked when the host closed. */
  readonly ended: Promise<HandOffEnd>
  /** Deletes the hand-off page now, if it is still there. */
  dispose(): void
}

/**
 * Opens the app in Chromium without the launch token on its command line, which every local
 * user can read through `ps`. Chromium is given only the path of a private page (see
 * `writeHandOffPage`) that posts a one-time code to the host's /open; the code is good once,
 * for 30 s, and the page is deleted as soon as the code is used or expires.
 */
export function openInChromium(
  host: Pick<BrowserHost, 'handOff' | 'openUrl'>,
  chromium: string,
  launch: Launch = launchDetached,
  parent: string = tmpdir()
): OpenedBrowser {
  const handOff = host.handOff()
  const page = writeHandOffPage(host.openUrl, handOff.code, parent)
  void handOff.ended.then(() => page.remove())
  const profile = mkdtempSync(join(parent, 'mechanica-browser-'))
  try {
    launch(chromium, [`--app=${pathToFileURL(page.file).href}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking'])
  } catch (error) {
    page.remove()
    throw error
  }
  return { handOffFile: page.file, ended: handOff.ended, dispose: () => page.remove() }
}
