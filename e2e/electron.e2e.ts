import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { root, screenshotPath } from './support/host'

// Read where the binary would be; require('electron') would try to download it.
function electronBinary(): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
const display = process.platform !== 'linux' || !!process.env.DISPLAY
const skipReason = !binary
  ? 'the Electron binary is not installed here (offline install); run `npx install-electron` to enable'
  : !display
    ? 'no display (set DISPLAY, e.g. under xvfb-run)'
    : null

if (skipReason) console.log(`Electron e2e skipped: ${skipReason}`)

// The same slice in the real Electron window, with its security settings observed from inside.
describe(`Electron host${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  it.skipIf(skipReason !== null)('opens a sandboxed window and runs the slice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mechanica-electron-'))
    const app = await electron.launch({ executablePath: binary ?? undefined, args: [root, '--db', join(dir, 'mechanica.db')] })
    try {
      const window = await app.firstWindow()
      expect(window.url()).toBe('mechanica://app/index.html')
      // No Node in the renderer; only the contract bridge.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await window.evaluate(() => Object.keys((window as unknown as { mechanica: object }).mechanica).sort())).toEqual(['call', 'subscribe'])
      await expect.poll(() => window.getByTestId('connection-status').textContent()).toBe('electron')
      await window.fill('input[name=steps]', '1000000')
      await window.click('button[type=submit]')
      await window.locator('tr[data-run-id="1"] .status-completed').waitFor({ timeout: 60_000 })
      await window.screenshot({ path: screenshotPath('electron-slice') })
    } finally {
      await app.close()
    }
  })
})
