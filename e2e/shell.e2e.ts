import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// The shell, driven from the keyboard: the command palette, view shortcuts, the shortcut sheet,
// the theme and the window state that survives a reload.
describe('workstation shell', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-shell-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  const currentView = () => page.locator('.nav-rail a[aria-current="page"] .nav-title').textContent()

  it('opens on the explorer with an empty state that says how to start, and a status bar that names the database', async () => {
    expect(await currentView()).toBe('Explorer')
    await page.locator('[data-lab="fx-carry"]').waitFor()
    await expect.poll(() => page.getByTestId('database-path').textContent()).toContain('mechanica.db')
    await expect.poll(() => page.getByTestId('inference-status').textContent()).toMatch(/inference: (CPU|CUDA|WEBGPU)/)
    expect(await page.getByTestId('running-jobs').textContent()).toBe('idle')
    await page.keyboard.press('Alt+2')
    expect(await currentView()).toBe('Runs')
    // The Runs view's chunk loads on first use (or when the page is idle after the first screen).
    await expect.poll(() => page.locator('.empty-state').textContent()).toContain('No runs yet')
    await page.screenshot({ path: screenshotPath('shell-runs-empty') })
  })

  it('opens the command palette with Ctrl+K, filters fuzzily, moves with the arrows and runs with Enter', async () => {
    await page.keyboard.press('Control+k')
    const palette = page.getByRole('dialog', { name: 'Command palette' })
    await palette.waitFor()
    const options = palette.getByRole('option')
    expect(await options.count()).toBeGreaterThan(8)
    await page.keyboard.type('cmpr')
    await expect.poll(() => options.first().locator('.palette-title').textContent()).toBe('Compare')
    await page.screenshot({ path: screenshotPath('shell-palette') })
    await page.keyboard.press('Enter')
    await palette.waitFor({ state: 'detached' })
    expect(await currentView()).toBe('Compare')
    expect(await page.getByTestId('compare-empty').textContent()).toContain('No runs yet')

    await page.keyboard.press('Control+k')
    await page.keyboard.type('new run of credit')
    await page.keyboard.press('Enter')
    expect(await currentView()).toBe('Explorer')
    await expect.poll(() => page.locator('[data-lab="credit-spreads"]').getAttribute('aria-selected')).toBe('true')

    await page.keyboard.press('Control+k')
    await palette.waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await options.nth(2).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Escape')
    await palette.waitFor({ state: 'detached' })
  })

  it('shows the shortcut sheet on ?', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('?')
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
    await sheet.waitFor()
    expect(await sheet.textContent()).toContain('Alt+7')
    await page.screenshot({ path: screenshotPath('shell-shortcuts') })
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })
  })

  it('says which service went down and that it restarts; the run it cut short shows its error and partial steps', async () => {
    await page.keyboard.press('Alt+1')
    await page.locator('[data-lab="microstructure"]').click()
    await page.fill('input[name="steps"]', '3000000')
    await expect.poll(() => page.locator('form[aria-label="Lab parameters"] button[type=submit]').isDisabled()).toBe(false)
    await page.keyboard.press('Control+Enter')
    const monitor = page.locator('.run-monitor')
    await expect.poll(async () => Number(await monitor.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0)
    const pid = Number(/pid (\d+)/.exec((await page.getByTestId('engine-status').getAttribute('title')) ?? '')?.[1])
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    await expect.poll(() => page.getByTestId('service-banner').textContent()).toContain('The engine service stopped (killed by SIGKILL) and restarts by itself')
    // An engine crash aborts the run: interrupted, with the steps committed so far kept as a partial log.
    await monitor.locator('.status-interrupted').waitFor()
    expect(await page.getByTestId('run-error').textContent()).toMatch(/^Aborted: the engine process stopped \(killed by SIGKILL\) after step \d+/)
    expect(await monitor.textContent()).toContain('partial')
    await page.screenshot({ path: screenshotPath('shell-engine-restarting') })
    await page.getByTestId('engine-status').filter({ hasText: 'engine: ready (1 restart)' }).waitFor()
    await page.getByTestId('service-banner').waitFor({ state: 'detached' })
    await page.locator('[data-field="steps"]').getByRole('button', { name: /Reset/ }).click()
  })

  it('switches to the light theme and remembers it, the view and the lab across a reload', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.getByTestId('theme-toggle').click()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    expect(background).toBe('rgb(238, 241, 245)')
    await page.screenshot({ path: screenshotPath('shell-light-explorer') })
    await page.keyboard.press('Alt+7')
    await page.reload()
    await page.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    expect(await currentView()).toBe('Compare')
    await page.keyboard.press('Alt+1')
    await expect.poll(() => page.locator('[data-lab="microstructure"]').getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Alt+T')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
  })
})
