import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { openView, startLabRun } from './support/viz'

// The run dashboard against the built browser host: a long lab run streams in (its series
// grows while it runs), then the stored run shows every diagnostic, the metrics and the
// constraint events; hovering one chart moves the crosshair of the others.
describe('run dashboard', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-dash-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  const charts = () => page.getByTestId('dashboard-charts')
  const points = async () => Number(await charts().getAttribute('data-points'))

  it('streams a running lab run: the series grows while it runs, then the stored run replaces it', async () => {
    const runId = await startLabRun(page, 'microstructure', { steps: 2_000_000 })
    await openView(page, '3')
    await page.getByTestId('dashboard-view').waitFor()
    await expect.poll(() => page.getByTestId('dashboard-status').textContent(), { timeout: 30_000 }).toContain('running')
    await charts().waitFor({ timeout: 30_000 })
    const first = await points()
    await expect.poll(points, { timeout: 30_000, interval: 100 }).toBeGreaterThan(first)
    expect(await charts().getAttribute('data-streaming')).toBe('true')
    await page.screenshot({ path: screenshotPath('dashboard-streaming') })
    await expect.poll(() => page.getByTestId('dashboard-status').textContent(), { timeout: 90_000 }).toContain('completed')
    await expect.poll(() => charts().getAttribute('data-streaming'), { timeout: 30_000 }).toBe('false')
    expect(await page.locator(`select.run-picker option[value="${runId}"]`).count()).toBe(1)
    // 2,000,000 steps on ~2 points per pixel
    expect(await points()).toBeLessThan(20_000)
    await page.getByTestId('dashboard-metrics').waitFor()
  })

  it('shows every diagnostic of a run with constraint events, markers and the leverage cap', async () => {
    // A tight leverage cap makes the risk gate clip: constraint events to mark.
    const runId = await startLabRun(page, 'fx-carry', { 'risk_params.max_leverage': 0.4 })
    await page.locator('select.run-picker').selectOption(String(runId))
    await expect.poll(() => page.getByTestId('dashboard-status').textContent(), { timeout: 60_000 }).toContain('completed')
    await page.getByTestId('dashboard-metrics').locator('tr[data-metric]').first().waitFor()
    for (const id of ['chart-equity', 'chart-regime', 'chart-cost', 'chart-leverage']) await page.getByTestId(id).locator('canvas').first().waitFor()
    await page.getByTestId('action-mix').waitFor()
    expect(Number(await page.getByTestId('event-count').textContent())).toBeGreaterThan(0)
    expect(await page.getByTestId('legend-leverage').textContent()).toContain('cap 0.4')
    await page.screenshot({ path: screenshotPath('dashboard-completed') })
  })

  it('syncs the crosshair: hovering one chart shows the same step on the others', async () => {
    const box = (await page.getByTestId('chart-equity').boundingBox())!
    const lastStep = await page.getByTestId('legend-cost').getAttribute('data-step')
    const leverageBefore = await page.getByTestId('chart-leverage').screenshot()
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4)
    await expect.poll(() => page.getByTestId('legend-equity').getAttribute('data-step')).not.toBe(lastStep)
    const step = await page.getByTestId('legend-equity').getAttribute('data-step')
    for (const id of ['legend-regime', 'legend-cost', 'legend-leverage']) expect(await page.getByTestId(id).getAttribute('data-step')).toBe(step)
    // the crosshair itself is drawn on the other charts: the leverage chart's pixels changed
    await expect.poll(async () => (await page.getByTestId('chart-leverage').screenshot()).equals(leverageBefore)).toBe(false)
    const leverageBox = (await page.getByTestId('chart-leverage').boundingBox())!
    await page.screenshot({ path: screenshotPath('dashboard-crosshair'), clip: { x: box.x, y: box.y, width: box.width, height: leverageBox.y + leverageBox.height - box.y } })
    // moving on another chart moves the first
    const costBox = (await page.getByTestId('chart-cost').boundingBox())!
    await page.mouse.move(costBox.x + costBox.width * 0.7, costBox.y + costBox.height / 2)
    await expect.poll(() => page.getByTestId('legend-equity').getAttribute('data-step')).not.toBe(step)
    expect(await page.getByTestId('legend-equity').getAttribute('data-step')).toBe(await page.getByTestId('legend-cost').getAttribute('data-step'))
  })

  it('recolours the charts when the theme switches (canvases follow the light theme)', async () => {
    await page.mouse.move(5, 5)
    const pixel = async (): Promise<number[]> => {
      return page.getByTestId('chart-leverage').locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext('2d')!
        return Array.from(ctx.getImageData(4, 4, 1, 1).data)
      })
    }
    const dark = await pixel()
    await page.keyboard.press('Alt+t')
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    await expect.poll(async () => (await pixel())[0]).toBeGreaterThan(200)
    expect(dark[0]).toBeLessThan(60)
    await page.screenshot({ path: screenshotPath('dashboard-light') })
    await page.keyboard.press('Alt+t')
  })
})
