import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// The explorer: a lab's generated form, the engine's validation placed next to the field,
// a run watched and cancelled, a run completed, and a one-click stress variant.
describe('explorer', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-explorer-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  const field = (path: string) => page.locator(`[data-field="${path}"]`)
  const input = (path: string) => page.locator(`input[name="${path}"]`)
  const runButton = () => page.locator('form[aria-label="Lab parameters"] button[type=submit]')
  const monitor = () => page.locator('.run-monitor')

  it('shows the lab with its preset, seed and a form generated from its config schema', async () => {
    await page.locator('[data-lab="fx-carry"]').click()
    await expect.poll(() => page.locator('[data-lab="fx-carry"]').getAttribute('aria-selected')).toBe('true')
    expect(await page.locator('.lab-header').textContent()).toContain('book ch. 3')
    expect(await input('risk_params.max_leverage').inputValue()).toBe('2')
    expect(await field('risk_params.max_dd_stop').locator('.param-hint').textContent()).toContain('number in (0, 1]')
    expect(await page.locator('select[name="corrections.carry_day_count"] option').count()).toBe(2)
    await page.selectOption('select[name=preset]', 'corrected')
    expect(await page.locator('select[name="corrections.carry_day_count"]').inputValue()).toBe('annual_times_dt')
    expect(await page.getByTestId('modified-count').textContent()).toBe('preset corrected, unchanged')
    await page.selectOption('select[name=preset]', 'faithful')
    await page.locator('.stress-menu [data-variant]').first().waitFor()
  })

  it('marks an edited field, refuses an out-of-range value inline with the engine’s message, and resets it', async () => {
    await input('risk_params.max_leverage').fill('1.5')
    await expect.poll(() => field('risk_params.max_leverage').getAttribute('class')).toContain('modified')
    expect(await page.getByTestId('modified-count').textContent()).toBe('1 override on faithful')
    await input('risk_params.max_leverage').fill('-1')
    await expect.poll(() => field('risk_params.max_leverage').locator('.param-hint').textContent()).toBe('must be > 0 (got -1)')
    expect(await field('risk_params.max_leverage').getAttribute('class')).toContain('invalid')
    expect(await runButton().isDisabled()).toBe(true)
    await input('regimes.P').fill('[[0.9,0.2],[0.2,0.8]]')
    await expect.poll(() => field('regimes.P').locator('.param-hint').textContent()).toContain('row 0 must sum to 1')
    await page.screenshot({ path: screenshotPath('explorer-invalid-field') })
    await field('regimes.P').getByRole('button', { name: /Reset/ }).click()
    await field('risk_params.max_leverage').getByRole('button', { name: /Reset/ }).click()
    expect(await input('risk_params.max_leverage').inputValue()).toBe('2')
    await expect.poll(() => runButton().isDisabled()).toBe(false)
    expect(await page.getByTestId('modified-count').textContent()).toBe('preset faithful, unchanged')
  })

  it('runs a long configuration with a live progress bar, rate and ETA, and cancels it with Esc (partial steps kept)', async () => {
    await page.locator('[data-lab="microstructure"]').click()
    await input('steps').fill('3000000')
    await expect.poll(() => page.getByTestId('modified-count').textContent()).toBe('1 override on faithful')
    await expect.poll(() => runButton().isDisabled()).toBe(false)
    await page.keyboard.press('Control+Enter')
    await monitor().locator('.status-running').waitFor()
    await expect.poll(() => page.getByTestId('steps-per-second').textContent(), { timeout: 20_000 }).toMatch(/steps\/s$/)
    const progress = monitor().getByRole('progressbar')
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0)
    expect(await page.getByTestId('running-jobs').locator('.job').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('explorer-running') })
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press('Escape')
    await monitor().locator('.status-cancelled').waitFor()
    expect(await monitor().textContent()).toContain('partial')
    await field('steps').getByRole('button', { name: /Reset/ }).click()
    await page.locator('[data-lab="fx-carry"]').click()
  })

  it('runs the configuration to completion and offers the dashboard', async () => {
    await expect.poll(() => runButton().isDisabled()).toBe(false)
    await runButton().click()
    await page.locator('.run-monitor[data-run-id="2"] .status-completed').waitFor({ timeout: 60_000 })
    // Book ch.3 reference, faithful seed 7 deciding every step: final equity 1.114538.
    await expect.poll(() => monitor().locator('tr[data-metric="final_equity"] td.num').textContent()).toBe('1.11454')
    await page.getByTestId('open-dashboard').waitFor()
  })

  it('runs a stress variant of the current configuration in one click', async () => {
    const variant = page.locator('.stress-menu [data-variant="impact doubled"]')
    await variant.click()
    await page.locator('.run-monitor[data-run-id="3"] .status-completed').waitFor({ timeout: 60_000 })
    expect(await monitor().locator('.run-label').textContent()).toBe('stress: impact doubled')
    expect(await page.locator('.recent-runs li').count()).toBe(2)
    await page.screenshot({ path: screenshotPath('explorer-stress-variant') })
    await page.getByTestId('open-dashboard').click()
    expect(await page.locator('.nav-rail a[aria-current="page"] .nav-title').textContent()).toMatch(/Dashboard|Runs/)
  })
})
