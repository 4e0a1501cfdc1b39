// What the scripts need to know about this machine, with Node built-ins only.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The Electron executable if its binary was downloaded, else null. */
export function electronBinaryPath() {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

/** A Chromium for end-to-end tests: MECHANICA_BROWSER, else Debian's. */
export function chromiumPath() {
  const candidates = [process.env.MECHANICA_BROWSER, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  return candidates.find((c) => c && existsSync(c)) ?? null
}
