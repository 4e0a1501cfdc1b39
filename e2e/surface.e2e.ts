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
    for (const lab of ['funding-basis', 'latency-arb', 'microstructure', 'heston-regime', 'credit-spreads', 'fx-carry', 'yield-curve', 'oil-curve', 'vol-surface', 'cascade', 'equity-factors', 'order-flow', 'cross-asset', 'crypto-arb', 'market-terrain']) runs[lab] = await startLabRun(page, lab)
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
      'oil-curve': { layout: 'curve', element: 'strip-curve' },
      'heston-regime': { layout: 'coordinates', element: 'coordinate-momentum' },
      'vol-surface': { layout: 'grid', element: 'heatmap-canvas' },
      cascade: { layout: 'network', element: 'network' },
      'equity-factors': { layout: 'grid', element: 'heatmap-canvas' },
      'order-flow': { layout: 'grid', element: 'heatmap-canvas' },
      'cross-asset': { layout: 'grid', element: 'heatmap-canvas' },
      'crypto-arb': { layout: 'grid', element: 'heatmap-canvas' },
      'market-terrain': { layout: 'network', element: 'network' }
    }
    for (const [lab, { layout, element }] of Object.entries(expected)) {
      await page.locator('select.run-picker').selectOption(String(runs[lab]))
      await expect.poll(() => page.getByTestId('surface-plot').getAttribute('data-layout'), { timeout: 30_000 }).toBe(layout)
      await page.getByTestId(element).waitFor({ timeout: 30_000 })
      await page.getByTestId('surface-summaries').locator('tr').first().waitFor()
      await page.screenshot({ path: screenshotPath(`surface-${lab}`) })
    }
  })

  it('draws the cascade network: a node per institution coloured by its distress at the scrubbed step, links per exposure', async () => {
    const runId = runs.cascade!
    await page.locator('select.run-picker').selectOption(String(runId))
    const network = page.getByTestId('network')
    await network.waitFor({ timeout: 30_000 })
    await page.getByTestId('surface-slider').fill('60')
    await expect.poll(() => page.getByTestId('surface-step').getAttribute('data-t')).toBe('60')
    const frame = await callApi<{ frames: unknown; axes: Array<{ labels: string[] }> }>(page, 'runs.surfaces', { runId, from: 60, count: 1, stride: 1, frames: true })
    const values = decodeF64(frame.frames)
    const n = frame.axes[0]!.labels.length
    const width = frame.axes[1]!.labels.length
    expect(await network.getAttribute('data-nodes')).toBe(String(n))
    let links = 0
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && values[i * width + j]! !== 0) links++
    expect(await network.getAttribute('data-links')).toBe(String(links))
    // each node carries its distress at step 60 (the first node quantity)
    await expect.poll(() => page.getByTestId('network-node').first().getAttribute('data-value')).toBe(String(values[n]))
    await page.getByTestId('network-node').nth(3).hover()
    await page.getByTestId('network-tooltip').waitFor()
    expect(await page.getByTestId('network-tooltip').textContent()).toContain('I04')
    await page.screenshot({ path: screenshotPath('surface-cascade-network') })
    await page.mouse.move(5, 5)
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

  it('shows a curve lab\'s companions under the curve and in its tooltip, and the lab\'s features in the summaries', async () => {
    const runId = runs['yield-curve']!
    await page.locator('select.run-picker').selectOption(String(runId))
    await page.getByTestId('strip-curve').waitFor({ timeout: 30_000 })
    await page.getByTestId('surface-slider').fill('200')
    await expect.poll(() => page.getByTestId('surface-step').getAttribute('data-t')).toBe('200')
    type Answer = { size: number; axes: Array<{ labels: string[] }>; companions: Array<{ name: string; unit: string; values: unknown }>; summaries: Array<{ name: string; source?: string; values: unknown }> }
    const frame = await callApi<Answer>(page, 'runs.surfaces', { runId, from: 200, count: 1, stride: 1, frames: true })
    const companions = frame.companions.map((c) => ({ name: c.name, unit: c.unit, values: Array.from(decodeF64(c.values)) }))
    expect(companions.map((c) => c.name)).toEqual(['bond price', 'DV01', 'convexity'])

    // the table: a column per tenor, a row per companion with its unit, the engine's numbers at step 200
    const table = page.getByTestId('surface-companions')
    await table.waitFor({ timeout: 30_000 })
    expect(await table.locator('thead th.num').allTextContents()).toEqual(frame.axes[0]!.labels)
    for (const c of companions) {
      const row = table.locator(`tr[data-companion="${c.name}"]`)
      expect(await row.locator('th .companion-unit').textContent()).toBe(c.unit)
      await expect.poll(async () => (await row.locator('td').evaluateAll((cells) => cells.map((td) => Number(td.getAttribute('data-value'))))).join(',')).toBe(c.values.join(','))
    }

    // the tooltip of the 10y point (index 6 of 9): the yield and each companion there
    const box = (await page.getByTestId('strip-curve').boundingBox())!
    await page.mouse.move(box.x + 64 + (6 / 8) * (520 - 64 - 10), box.y + 100)
    const tooltip = page.getByTestId('strip-curve-tooltip')
    await tooltip.waitFor()
    expect(await tooltip.getAttribute('data-index')).toBe('6')
    for (const c of companions) expect(Number(await tooltip.locator(`[data-companion="${c.name}"]`).getAttribute('data-value'))).toBe(c.values[6])
    expect(await tooltip.textContent()).toContain('DV01')

    // the lab's own features, in their own group of the summaries table, at the engine's value
    const lab = page.getByTestId('surface-summaries').locator('tbody[data-source="lab"]')
    expect(await lab.locator('tr[data-source="lab"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')))).toEqual(
      frame.summaries.filter((x) => x.source === 'lab').map((x) => x.name)
    )
    const zSlope = decodeF64(frame.summaries.find((x) => x.name === 'z slope' && x.source === 'lab')!.values)[0]
    await expect.poll(async () => Number(await lab.locator('tr[data-name="z slope"] td.num').getAttribute('data-value'))).toBe(zSlope)
    await page.screenshot({ path: screenshotPath('surface-yield-curve-companions'), fullPage: true })
    await page.mouse.move(5, 5)

    // a strip without companions (oil-curve) still lists its lab features, and no companion table
    await page.locator('select.run-picker').selectOption(String(runs['oil-curve']))
    await page.getByTestId('surface-summaries').locator('tr[data-source="lab"][data-name="contango score"]').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('surface-companions').count()).toBe(0)
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

  /** Starts `lab` from the explorer with its form's defaults and opens its run on the surface view. */
  async function runFromExplorer(lab: string, chapter: number): Promise<number> {
    await openView(page, '1')
    await page.locator(`[data-lab="${lab}"]`).click()
    await expect.poll(() => page.locator(`[data-lab="${lab}"]`).getAttribute('aria-selected')).toBe('true')
    expect(await page.locator('.lab-header').textContent()).toContain(`book ch. ${chapter}`)
    const run = page.locator('form[aria-label="Lab parameters"] button[type=submit]')
    await expect.poll(() => run.isDisabled()).toBe(false)
    const monitor = page.locator('.run-monitor')
    // the monitor still shows the previous run until the new one starts
    const previous = (await monitor.count()) > 0 ? await monitor.getAttribute('data-run-id') : null
    await run.click()
    await expect.poll(() => monitor.getAttribute('data-run-id'), { timeout: 30_000 }).not.toBe(previous)
    await monitor.locator('.status-completed').waitFor({ timeout: 60_000 })
    const runId = Number(await monitor.getAttribute('data-run-id'))
    expect((await callApi<{ run: { spec: { lab: string } } }>(page, 'runs.get', { runId })).run.spec.lab).toBe(lab)
    await openView(page, '4')
    await page.locator('select.run-picker').selectOption(String(runId))
    return runId
  }

  it('runs oil-curve from the explorer and sees its futures strip as a curve', async () => {
    const runId = await runFromExplorer('oil-curve', 2)
    await expect.poll(() => page.getByTestId('surface-plot').getAttribute('data-layout'), { timeout: 30_000 }).toBe('curve')
    await page.getByTestId('strip-curve').waitFor({ timeout: 30_000 })
    const frame = await callApi<{ frames: unknown; axes: Array<{ name: string; labels: string[] }> }>(page, 'runs.surfaces', { runId, from: 0, count: 1, stride: 1, frames: true })
    expect(frame.axes.map((a) => a.name)).toEqual(['maturity'])
    // the notebook's initial curve (book ch.2, seed 7): 84.15, 84.00, 82.87, 81.09
    expect(Array.from(decodeF64(frame.frames).subarray(0, 4), (v) => Math.round(v * 100) / 100)).toEqual([84.15, 84.0, 82.87, 81.09])
  })

  // Every other book lab, started the way a reader would: its chapter's default run from the form.
  const bookLabs: Array<{ lab: string; chapter: number; layout: string; element: string; axes: string[] }> = [
    { lab: 'yield-curve', chapter: 4, layout: 'curve', element: 'strip-curve', axes: ['tenor'] },
    { lab: 'vol-surface', chapter: 6, layout: 'grid', element: 'heatmap-canvas', axes: ['tenor', 'moneyness'] },
    { lab: 'equity-factors', chapter: 7, layout: 'grid', element: 'heatmap-canvas', axes: ['factor (row)', 'factor (column)'] },
    { lab: 'order-flow', chapter: 8, layout: 'grid', element: 'heatmap-canvas', axes: ['size', 'horizon'] },
    { lab: 'cross-asset', chapter: 9, layout: 'grid', element: 'heatmap-canvas', axes: ['asset', 'versus'] },
    { lab: 'crypto-arb', chapter: 1, layout: 'grid', element: 'heatmap-canvas', axes: ['venue', 'asset'] },
    { lab: 'cascade', chapter: 10, layout: 'network', element: 'network', axes: ['institution', 'link'] }
  ]
  for (const { lab, chapter, layout, element, axes } of bookLabs) {
    it(`runs ${lab} (book ch. ${chapter}) from the explorer and sees its surface as a ${layout}`, async () => {
      const runId = await runFromExplorer(lab, chapter)
      await expect.poll(() => page.getByTestId('surface-plot').getAttribute('data-layout'), { timeout: 30_000 }).toBe(layout)
      await page.getByTestId(element).waitFor({ timeout: 30_000 })
      const frame = await callApi<{ lab: string; frames: unknown; size: number; axes: Array<{ name: string }> }>(page, 'runs.surfaces', { runId, from: 0, count: 1, stride: 1, frames: true })
      expect(frame.lab).toBe(lab)
      expect(frame.axes.map((a) => a.name)).toEqual(axes)
      const values = decodeF64(frame.frames)
      expect(values.length).toBe(frame.size)
      expect(values.some((v) => Number.isFinite(v) && v !== 0)).toBe(true)
      await page.screenshot({ path: screenshotPath(`surface-explorer-${lab}`) })
    })
  }
})
