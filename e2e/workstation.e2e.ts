import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, openWorkstation, root, screenshotPath, startHost, type RunningHost, type Session } from './support/host'

// The vertical slice, driven as a person would: start a run, watch it, cancel one, restart the
// app and find the runs again. Against the built browser host in Debian's Chromium.
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

  async function runRow(id: number) {
    return page.locator(`tr[data-run-id="${id}"]`)
  }

  it('refuses a visit without the launch token', async () => {
    const response = await fetch(host.origin + '/')
    expect(response.status).toBe(401)
    expect(await response.text()).toContain('token')
  })

  it('starts a run from the form, shows progress, and stores it with its results hash', async () => {
    await openWorkstation()
    await expect.poll(() => page.getByTestId('connection-status').textContent()).toBe('browser host')
    await expect.poll(() => page.getByTestId('inference-status').textContent()).toMatch(/inference: (CPU|CUDA|WEBGPU)/)
    await page.fill('input[name=steps]', '10000000')
    await page.fill('input[name=seed]', '7')
    await page.click('button[type=submit]')
    await page.getByRole('progressbar').waitFor()
    await page.screenshot({ path: screenshotPath('slice-running') })
    const row = await runRow(1)
    await row.locator('.status-completed').waitFor({ timeout: 60_000 })
    const hash = (await page.getByTestId('detail-results-hash').textContent()) ?? ''
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    await page.getByTestId('line-chart').locator('canvas').first().waitFor()
    await page.screenshot({ path: screenshotPath('slice-completed') })
  })

  it('gives the same results hash for the same spec and seed', async () => {
    await page.click('button[type=submit]')
    const row = await runRow(2)
    await row.locator('.status-completed').waitFor({ timeout: 60_000 })
    const first = await (await runRow(1)).getByTestId('results-hash').textContent()
    const second = await row.getByTestId('results-hash').textContent()
    expect(second).toBe(first)
  })

  it('cancels a running run from its progress panel', async () => {
    await page.fill('input[name=seed]', '8')
    await page.click('button[type=submit]')
    await page.getByRole('button', { name: /Cancel/ }).click()
    const row = await runRow(3)
    await row.locator('.status-cancelled').waitFor()
    await expect.poll(() => row.getByTestId('results-hash').textContent()).toBe('—')
  })

  it('shows a field-level message for a bad parameter and starts nothing', async () => {
    await page.fill('input[name=steps]', '0')
    await page.click('button[type=submit]')
    await expect.poll(() => page.locator('label.field.invalid').textContent()).toContain('must be at least 1')
    await page.fill('input[name=steps]', '20000000')
    await page.click('button[type=submit]')
    await expect.poll(() => page.locator('label.field.invalid').textContent()).toContain('at most 10,000,000')
    expect(await page.locator('tbody tr').count()).toBe(3)
    await page.screenshot({ path: screenshotPath('slice-invalid-input') })
  })

  it('lists the stored runs after the workstation restarts', async () => {
    const before = await (await runRow(1)).getByTestId('results-hash').textContent()
    await page.close()
    await host.stop()
    host = await startHost(databasePath)
    await openWorkstation()
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3)
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

  it('runs the credit-spreads lab in both presets and shows the notebook-named metrics', async () => {
    await page.getByRole('tab', { name: 'lab' }).click()
    await page.selectOption('select[name=lab]', 'credit-spreads')
    await page.click('button:has-text("Run lab")')
    await page.locator('tr[data-run-id="1"] .status-completed').waitFor({ timeout: 60_000 })
    // Book ch.5 reference (seed 11, faithful): total_return −0.058338, actions 94/633/0/172.
    await expect.poll(() => page.locator('tr[data-metric="total_return"] td.num').textContent()).toBe('-0.0583377')
    expect(await page.locator('tr[data-action="LONG_SPREAD"] td.num').first().textContent()).toBe('633')
    await page.selectOption('select[name=preset]', 'corrected')
    await page.click('button:has-text("Run lab")')
    await page.locator('tr[data-run-id="2"] .status-completed').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.locator('.corrections li').count()).toBeGreaterThan(0)
    await page.screenshot({ path: screenshotPath('lab-credit-spreads-corrected') })
  })

  it('refuses a bad override with the key named and stores nothing', async () => {
    await page.fill('textarea[name=overrides]', 'risk_params.max_leverage=-1')
    await page.click('button:has-text("Run lab")')
    await expect.poll(() => page.locator('.form-error').textContent()).toContain('max_leverage')
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
    await page.getByRole('tab', { name: 'lab' }).click()
    await page.selectOption('select[name=lab]', 'microstructure')
    await page.selectOption('select[name=preset]', 'twap')
    await page.click('button:has-text("Run lab")')
    await page.locator('tr[data-run-id="1"] .status-completed').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.locator('tr[data-metric="final_inventory"] td.num').textContent()).toMatch(/^50(\.0+)?$/)
    await page.fill('textarea[name=overrides]', 'strategy.type=DoNothing')
    await page.click('button:has-text("Run lab")')
    await page.locator('tr[data-run-id="2"] .status-completed').waitFor({ timeout: 60_000 })
    await expect.poll(() => page.locator('tr[data-metric="fills"] td.num').textContent()).toBe('0')
    expect(await page.locator('tr[data-metric="final_pnl"] td.num').textContent()).toBe('0')
    await page.screenshot({ path: screenshotPath('lab-microstructure') })
  })
})
