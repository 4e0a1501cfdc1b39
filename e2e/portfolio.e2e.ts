import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { startLabRun, waitForRun } from './support/viz'

// Portfolio and Risk: three fx-carry runs ticked in the runs list become the pods of a stored
// portfolio; the Risk view reads its VaR/ES by six methods with their backtests.
describe('portfolio and risk views', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-portfolio-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  it('stores three fx-carry runs: the baseline, impact up, position limit halved', async () => {
    const overrides = [{}, { 'execution_params.impact_bps_calm': 16 }, { 'risk_params.pos_limit': 0.5 }]
    const ids: number[] = []
    for (const o of overrides) ids.push(await startLabRun(page, 'fx-carry', o))
    for (const id of ids) await waitForRun(page, id)
    expect(ids).toEqual([1, 2, 3])
  })

  it('builds a portfolio from the runs ticked in Runs: P&L by pod, correlation, risk shares', async () => {
    await page.keyboard.press('Alt+2')
    for (const id of [1, 2, 3]) await page.getByRole('checkbox', { name: `Compare run #${id}` }).check()
    await page.keyboard.press('Alt+P')
    await page.locator('.portfolio-build .chip').nth(2).waitFor()
    expect(await page.locator('.portfolio-build .chip').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-run-id')))).toEqual(['1', '2', '3'])

    // Fixed weights that do not sum to 1 are refused in one line, next to the form.
    await page.getByLabel('Weighting scheme').selectOption('fixed')
    await page.getByLabel('Fixed weights').fill('0.5,0.3,0.1')
    await page.getByRole('button', { name: 'Build portfolio' }).click()
    expect(await page.getByTestId('portfolio-error').textContent()).toMatch(/fixed weights must sum to 1/)

    await page.getByLabel('Weighting scheme').selectOption('risk-parity')
    await page.getByLabel('Portfolio name').fill('fx carry pods')
    await page.getByRole('button', { name: 'Build portfolio' }).click()
    await page.locator('.portfolio-summary[data-portfolio-id="1"]').waitFor()
    expect(await page.getByTestId('portfolio-total').textContent()).toMatch(/^-?\d+\.\d\d%$/)
    expect(await page.locator('.portfolio-pods tbody tr').count()).toBe(3)
    const shares = (await page.getByTestId('risk-share').allTextContents()).map((t) => Number.parseFloat(t))
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0)
    // fx-carry keeps a compound ledger: each pod's net is a fraction of equity, and the book's net sums them.
    expect(await page.getByTestId('pod-net').allTextContents()).toEqual([expect.stringMatching(/^-?\d+\.\d{4}$/), expect.stringMatching(/^-?\d+\.\d{4}$/), expect.stringMatching(/^-?\d+\.\d{4}$/)])
    expect(await page.getByTestId('portfolio-net').textContent()).toMatch(/^-?\d+\.\d\d%$/)
    await expect.poll(() => page.getByTestId('overlay-chart').locator('canvas').count()).toBeGreaterThan(0)
    await page.screenshot({ path: screenshotPath('portfolio-fx-carry') })
  })

  it('reads the portfolio’s VaR/ES bands and backtests in the Risk view', async () => {
    await page.getByRole('button', { name: 'Risk view' }).click()
    await page.locator('.risk-backtests tbody tr').nth(5).waitFor({ timeout: 60_000 })
    expect(await page.locator('.risk-backtests tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-method')))).toEqual(['historical', 'parametric', 'cornish-fisher', 'fhs-ewma', 'fhs-garch', 'monte-carlo'])
    for (const v of await page.getByTestId('var').allTextContents()) expect(Number.parseFloat(v)).toBeGreaterThan(0)
    for (const z of await page.getByTestId('zone').allTextContents()) expect(z).toMatch(/^(green|yellow|red) \(\d+ in \d+\)$/)
    expect(await page.getByTestId('risk-latest').textContent()).toMatch(/latest VaR \d+\.\d{3}%/)
    await expect.poll(() => page.getByTestId('risk-bands-chart').locator('canvas').count()).toBeGreaterThan(0)
    // ↓ in the table charts the next method.
    await page.locator('.risk-backtests tbody').focus()
    await page.keyboard.press('ArrowDown')
    expect(await page.locator('.risk-backtests tr.chosen').getAttribute('data-method')).toBe('monte-carlo')
    await page.screenshot({ path: screenshotPath('risk-fx-carry') })
  })
})
