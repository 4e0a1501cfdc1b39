import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { callApi, decodeF64, openView, startLabRun, waitForRun } from './support/viz'

// The surface view against the built browser host: every lab's surface renders; scrubbing to a
// step shows the engine's frame at that step under the pointer; play advances the scrubber.
describe('surface view', () => {
  let session: Session
  let page: Page
  const runs: Record<string, number> = {}

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-surface-')), 'mechanica.db'))
    page = session.page
    for (const lab of ['funding-basis', 'latency-arb', 'microstructure', 'heston-regime', 'credit-spreads', 'fx-carry', 'yield-curve', 'cross-asset']) runs[lab] = await startLabRun(page, lab)
    for (const id of Object.values(runs)) await waitForRun(page, id)
    await openView(page, '4')
    await page.getByTestId('surface-view').waitFor()
  })
  afterAll(() => session?.close())

  it('renders every lab\'s surface: heatmaps for grids, curves for strips and trajectories', async () => {
    const expected: Record<string, { layout: string; element: string }> = {
      'fx-carry': { layout: 'grid', element: 'heatmap-canvas' },
      'credit-spreads': { layout: 'grid', element: 'heatmap-canvas' },
      'latency-arb': { layout: 'grid', element: 'heatmap-canvas' },
      microstructure: { layout: 'grid', element: 'heatmap-canvas' },
      'funding-basis': { layout: 'curve', element: 'strip-curve' },
      'yield-curve': { layout: 'curve', element: 'strip-curve' },
      'heston-regime': { layout: 'coordinates', element: 'coordinate-momentum' },
      'cross-asset': { layout: 'grid', element: 'heatmap-canvas' }
    }
    for (const [lab, { layout, element }] of Object.entries(expected)) {
      await page.locator('select.run-picker').selectOption(String(runs[lab]))
      await expect.poll(() => page.getByTestId('surface-plot').getAttribute('data-layout'), { timeout: 30_000 }).toBe(layout)
      await page.getByTestId(element).waitFor({ timeout: 30_000 })
      await page.getByTestId('surface-summaries').locator('tr').first().waitFor()
      await page.screenshot({ path: screenshotPath(`surface-${lab}`) })
    }
  })

  it('scrubs to a step and shows the engine\'s value under the pointer', async () => {
    const runId = runs['fx-carry']!
    await page.locator('select.run-picker').selectOption(String(runId))
    await page.getByTestId('heatmap-canvas').waitFor()
    await page.getByTestId('surface-slider').fill('123')
    await expect.poll(() => page.getByTestId('surface-step').getAttribute('data-t')).toBe('123')
    const frame = await callApi<{ frames: unknown; size: number; axes: Array<{ labels: string[] }> }>(page, 'runs.surfaces', { runId, from: 123, count: 1, stride: 1, frames: true })
    const values = decodeF64(frame.frames)
    const columns = frame.axes[1]!.labels.length
    // cell (row 2, column 1): heatmap cells start 64 px from the left and 6 px from the top, 72 × 34 px each
    const box = (await page.getByTestId('heatmap-canvas').boundingBox())!
    await page.mouse.move(box.x + 64 + 72 * 1 + 30, box.y + 6 + 34 * 2 + 15)
    const tooltip = page.getByTestId('heatmap-tooltip')
    await tooltip.waitFor()
    expect(await tooltip.getAttribute('data-row')).toBe('2')
    expect(await tooltip.getAttribute('data-column')).toBe('1')
    expect(Number(await tooltip.getAttribute('data-value'))).toBe(values[2 * columns + 1])
    await page.screenshot({ path: screenshotPath('surface-hover') })
    // keyboard: → steps forward
    await page.mouse.move(5, 5)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.getByTestId('surface-step').getAttribute('data-t')).toBe('124')
  })

  it('plays: the scrubber advances until paused', async () => {
    const before = Number(await page.getByTestId('surface-step').getAttribute('data-t'))
    await page.getByTestId('surface-play').click()
    await expect.poll(async () => Number(await page.getByTestId('surface-step').getAttribute('data-t')), { timeout: 10_000 }).toBeGreaterThan(before + 5)
    await page.getByTestId('surface-play').click()
    const paused = await page.getByTestId('surface-step').getAttribute('data-t')
    await page.waitForTimeout(300)
    expect(await page.getByTestId('surface-step').getAttribute('data-t')).toBe(paused)
  })
})
