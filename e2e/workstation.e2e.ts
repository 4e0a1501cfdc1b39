import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openWorkstation, root, screenshotPath, startHost, type RunningHost, type Session } from './support/host'

// The vertical slice, driven as a person would: start a run from the explorer, watch it, cancel
// one, find them in the runs list, restart the app and find the runs again. Against the built
// browser host in Debian's Chromium.
describe('workstation in the browser host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-'))
  const databasePath = join(dir, 'mechanica.db')
  let host: RunningHost
  let browser: Browser
  let page: Page
  const metrics: Record<string, number> = {}

  beforeAll(async () => {
    browser = await launchChromium()
    host = await startHost(databasePath)
    metrics.hostStartupMs = host.startupMs
  })

  afterAll(async () => {
    await browser?.close()
    await host?.stop()
    writeFileSync(join(root, 'test-results', 'e2e-metrics.json'), JSON.stringify(metrics, null, 2))
  })

  async function openWorkstation(): Promise<void> {
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
    const started = performance.now()
    await page.goto(host.url)
    await expect.poll(() => page.getByTestId('engine-status').textContent()).toContain('engine: ready')
    metrics.pageToInteractiveMs = performance.now() - started
  }

  /** The runs list (Alt+2) with its row for run `id`. */
  async function runRow(id: number) {
    await page.keyboard.press('Alt+2')
    return page.locator(`tr[data-run-id="${id}"]`)
  }

  /** The explorer (Alt+1) showing the random walk's form. */
  async function walkForm() {
    await page.keyboard.press('Alt+1')
    await page.locator('[data-lab="random-walk"]').click()
    await page.locator('form[aria-label="New random walk"]').waitFor()
  }
  const submit = () => page.click('form[aria-label="New random walk"] button[type=submit]')

  it('refuses a visit without the launch token', async () => {
    const response = await fetch(host.origin + '/')
    expect(response.status).toBe(401)
    expect(await response.text()).toContain('token')
  })

  it('starts a run from the form, shows progress, and stores it with its results hash', async () => {
    await openWorkstation()
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('browser host')
    await expect.poll(() => page.getByTestId('inference-status').textContent()).toMatch(/inference: (CPU|CUDA|WEBGPU)/)
    await walkForm()
    await page.fill('input[name=steps]', '10000000')
    await page.fill('input[name=seed]', '7')
    await submit()
    await page.locator('.run-monitor').getByRole('progressbar').waitFor()
    await page.screenshot({ path: screenshotPath('slice-running') })
    await page.locator('.run-monitor[data-run-id="1"] .status-completed').waitFor({ timeout: 60_000 })
    const row = await runRow(1)
    await row.locator('.status-completed').waitFor()
    const hash = (await page.getByTestId('detail-results-hash').textContent()) ?? ''
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    await page.getByTestId('line-chart').locator('canvas').first().waitFor()
    await page.screenshot({ path: screenshotPath('slice-completed') })
  })

  it('gives the same results hash for the same spec and seed', async () => {
    await walkForm()
    await submit()
    await page.locator('.run-monitor[data-run-id="2"] .status-completed').waitFor({ timeout: 60_000 })
    const row = await runRow(2)
    await row.locator('.status-completed').waitFor()
    const first = await (await runRow(1)).getByTestId('results-hash').textContent()
    const second = await row.getByTestId('results-hash').textContent()
    expect(second).toBe(first)
  })

  it('cancels a running run from its progress panel', async () => {
    await walkForm()
    await page.fill('input[name=seed]', '8')
    await submit()
    await page.locator('.run-monitor[data-run-id="3"]').getByRole('button', { name: /Cancel/ }).click()
    await page.locator('.run-monitor[data-run-id="3"] .status-cancelled').waitFor()
    const row = await runRow(3)
    await row.locator('.status-cancelled').waitFor()
    await expect.poll(() => row.getByTestId('results-hash').textContent()).toBe('—')
  })

  it('shows a field-level message for a bad parameter and starts nothing', async () => {
    await walkForm()
    await page.fill('input[name=steps]', '0')
    await submit()
    await expect.poll(() => page.locator('label.field.invalid').textContent()).toContain('must be at least 1')
    await page.fill('input[name=steps]', '20000000')
    await submit()
    await expect.poll(() => page.locator('label.field.invalid').textContent()).toContain('at most 10,000,000')
    await page.screenshot({ path: screenshotPath('slice-invalid-input') })
    await runRow(1)
    expect(await page.locator('tr[data-run-id]').count()).toBe(3)
  })

  it('lists the stored runs after the workstation restarts', async () => {
    const before = await (await runRow(1)).getByTestId('results-hash').textContent()
    await page.close()
    await host.stop()
    host = await startHost(databasePath)
    await openWorkstation()
    await runRow(1)
    await expect.poll(() => page.locator('tr[data-run-id]').count()).toBe(3)
    expect(await (await runRow(1)).getByTestId('results-hash').textContent()).toBe(before)
    await (await runRow(3)).locator('.status-cancelled').waitFor()
    await page.screenshot({ path: screenshotPath('slice-after-restart') })
  })
})

describe('mechanism labs in the browser host', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-labs-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  const runLab = () => page.click('form[aria-label="Lab parameters"] button[type=submit]')
  /** The finished run's detail in the runs list (Alt+2), then back to the explorer (Alt+1) after `check`. */
  async function inRunsList(id: number, check: () => Promise<void>) {
    await page.locator(`.run-monitor[data-run-id="${id}"] .status-completed`).waitFor({ timeout: 60_000 })
    await page.keyboard.press('Alt+2')
    await page.locator(`tr[data-run-id="${id}"]`).click()
    await page.locator(`section[aria-label="Run #${id} detail"]`).waitFor()
    await check()
    await page.keyboard.press('Alt+1')
  }

  it('runs the credit-spreads lab in both presets and shows the notebook-named metrics', async () => {
    await page.locator('[data-lab="credit-spreads"]').click()
    await runLab()
    await inRunsList(1, async () => {
      // Book ch.5 reference (seed 11, faithful): total_return −0.058338, actions 94/633/0/172.
      await expect.poll(() => page.locator('.run-detail tr[data-metric="total_return"] td.num').textContent()).toBe('-0.0583377')
      expect(await page.locator('tr[data-action="LONG_SPREAD"] td.num').first().textContent()).toBe('633')
    })
    await page.selectOption('select[name=preset]', 'corrected')
    await runLab()
    await inRunsList(2, async () => {
      await expect.poll(() => page.locator('.run-detail .corrections li').count()).toBeGreaterThan(0)
      await page.screenshot({ path: screenshotPath('lab-credit-spreads-corrected') })
    })
  })

  it('refuses a bad override with the key named and stores nothing', async () => {
    await page.fill('input[name="risk_params.max_leverage"]', '-1')
    await expect.poll(() => page.locator('[data-field="risk_params.max_leverage"] .param-hint').textContent()).toBe('must be > 0 (got -1)')
    expect(await page.locator('form[aria-label="Lab parameters"] button[type=submit]').isDisabled()).toBe(true)
    await page.keyboard.press('Control+Enter')
    await page.keyboard.press('Alt+2')
    expect(await page.locator('tbody tr[data-run-id]').count()).toBe(2)
  })
})

describe('microstructure lab in the browser host', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-micro-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  it('runs the seed profiles as presets: TWAP ends at its target, DoNothing never fills', async () => {
    const runLab = () => page.click('form[aria-label="Lab parameters"] button[type=submit]')
    const detail = async (id: number) => {
      await page.locator(`.run-monitor[data-run-id="${id}"] .status-completed`).waitFor({ timeout: 60_000 })
      await page.keyboard.press('Alt+2')
      await page.locator(`tr[data-run-id="${id}"]`).click()
      await page.locator(`section[aria-label="Run #${id} detail"]`).waitFor()
    }
    await page.locator('[data-lab="microstructure"]').click()
    await page.selectOption('select[name=preset]', 'twap')
    await runLab()
    await detail(1)
    await expect.poll(() => page.locator('.run-detail tr[data-metric="final_inventory"] td.num').textContent()).toMatch(/^50(\.0+)?$/)
    await page.keyboard.press('Alt+1')
    await page.selectOption('select[name="strategy.type"]', 'DoNothing')
    await runLab()
    await detail(2)
    await expect.poll(() => page.locator('.run-detail tr[data-metric="fills"] td.num').textContent()).toBe('0')
    expect(await page.locator('.run-detail tr[data-metric="final_pnl"] td.num').textContent()).toBe('0')
    await page.screenshot({ path: screenshotPath('lab-microstructure') })
  })
})
