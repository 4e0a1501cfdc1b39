import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { shootTerrain, terrainReading, waitForTerrainBar } from './support/terrain'
import { callApi, decodeF64, startLabRun, waitForRun } from './support/viz'

// The Terrain view of a market-terrain run (issue 17 item 8): a short run, the view opened by
// Alt+M, the scrubber moved by slider and keys, and every number checked against another reader
// of the engine — the lab's generic surface (`runs.surfaces`) and the stored metrics.

const BARS = 600

interface Summary {
  name: string
  source?: string
  values: unknown
}
interface Frames {
  axes: Array<{ labels: string[] }>
  summaries: Summary[]
  frames: unknown
}

/** The lab surface's own feature at bar t, as the engine computes it for the Surface view. */
async function surfaceAt(page: Page, runId: number, t: number): Promise<{ feature(name: string): number; rho(a: string, b: string): number }> {
  const s = await callApi<Frames>(page, 'runs.surfaces', { runId, from: t, count: 1, stride: 1, frames: true })
  const frame = decodeF64(s.frames)
  const nodes = s.axes[0]!.labels
  const width = s.axes[1]!.labels.length
  return {
    feature: (name) => decodeF64(s.summaries.find((x) => x.source === 'lab' && x.name === name)!.values)[0]!,
    rho: (a, b) => frame[nodes.indexOf(a) * width + nodes.indexOf(b)]!
  }
}

async function expectReadingsAt(page: Page, runId: number, t: number): Promise<void> {
  const engine = await surfaceAt(page, runId, t)
  expect(await terrainReading(page, 'eigenHardness')).toBe(engine.feature('eigen hardness'))
  expect(await terrainReading(page, 'absorption')).toBe(engine.feature('absorption ratio'))
  expect(await terrainReading(page, 'effectiveRank')).toBe(engine.feature('effective rank'))
  expect(await terrainReading(page, 'alertsActive')).toBe(engine.feature('fault alerts'))
  expect(await terrainReading(page, 'pressure')).toBe(engine.feature('pressure'))
  expect(await terrainReading(page, 'fragility')).toBe(engine.feature('fragility'))
  expect(await terrainReading(page, 'boundary')).toBe(engine.feature('risk_off boundary'))
  expect((await page.getByTestId('reading-forecast').getAttribute('data-value'))!.split(',').map(Number)).toEqual([engine.feature('forecast risk'), engine.feature('forecast momentum')])
  expect(Number(await page.getByTestId('terrain-trigger').getAttribute('data-value'))).toBe(engine.feature('trailhead'))
}

describe('terrain view', () => {
  let session: Session
  let page: Page
  let runId: number

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-terrain-')), 'mechanica.db'))
    page = session.page
    // A 120-bar trailhead window, so Pressure and Fragility are read within the short run.
    runId = await startLabRun(page, 'market-terrain', { universe: { bars: BARS }, state: { trailhead_window: 120 } })
    await waitForRun(page, runId)
  })
  afterAll(() => session?.close())

  it('opens on Alt+M at the run’s last bar with the engine’s numbers and the grouping table of its report', async () => {
    await page.keyboard.press('Alt+M')
    await page.getByTestId('terrain-view').waitFor()
    await waitForTerrainBar(page, BARS - 1)
    await expectReadingsAt(page, runId, BARS - 1)
    const matrix = page.getByTestId('terrain-matrix')
    expect(Number(await matrix.getAttribute('data-n'))).toBe(23)
    expect(Number(await matrix.getAttribute('data-watersheds'))).toBe(6)

    const { results } = await callApi<{ results: { metrics: Record<string, number> } }>(page, 'runs.get', { runId })
    await page.getByTestId('terrain-grouping').waitFor()
    const accuracy = await page.getByTestId('grouping-accuracy').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))
    expect(accuracy).toEqual([results.metrics.jump_accuracy, results.metrics.kmeans_accuracy, results.metrics.hmm_accuracy])
    await shootTerrain(page, 'terrain-last-bar')
  })

  it('moves with the slider and the arrow keys, and every number follows the engine at the new bar', async () => {
    await page.getByTestId('terrain-slider').fill('420')
    await waitForTerrainBar(page, 420)
    await expectReadingsAt(page, runId, 420)
    // The keys step from the slider's bar (→ one bar, Shift+← a month of 21).
    await page.keyboard.press('ArrowRight')
    await waitForTerrainBar(page, 421)
    await page.locator('.terrain-view .viz-title').click()
    await page.keyboard.press('Shift+ArrowLeft')
    await waitForTerrainBar(page, 400)
    await expectReadingsAt(page, runId, 400)

    // A cell of the heatmap: the pair it names has the correlation the lab's surface holds.
    const canvas = page.getByTestId('terrain-matrix-canvas')
    const cell = Number(await canvas.getAttribute('data-cell'))
    const left = Number(await canvas.getAttribute('data-left'))
    await canvas.hover({ position: { x: left + 7 * cell + cell / 2, y: left + 2 * cell + cell / 2 } })
    const tip = page.getByTestId('terrain-cell-tooltip')
    await tip.waitFor()
    const [a, b] = (await tip.locator('b').first().textContent())!.split(' × ')
    const engine = await surfaceAt(page, runId, 400)
    expect(Number(await tip.getAttribute('data-value'))).toBe(engine.rho(a!, b!))
  })

  it('jumps with Home and End, and draws the network’s edges above the chosen |ρ|', async () => {
    await page.keyboard.press('Home')
    await waitForTerrainBar(page, 0)
    await page.keyboard.press('End')
    await waitForTerrainBar(page, BARS - 1)
    const network = page.getByTestId('terrain-network')
    const loose = Number(await network.getAttribute('data-edges'))
    await page.getByTestId('terrain-threshold').fill('0.8')
    await expect.poll(async () => Number(await network.getAttribute('data-edges'))).toBeLessThan(loose)
    await page.getByTestId('terrain-threshold').fill('0.3')
    await expect.poll(async () => Number(await network.getAttribute('data-edges'))).toBeGreaterThanOrEqual(loose)
    await page.getByTestId('terrain-slider').fill('140')
    await waitForTerrainBar(page, 140)
    await shootTerrain(page, 'terrain-bar-140')
  })

  it('draws as fault-alert edges exactly the pairs the engine counts in the alert state at the bar', async () => {
    await page.getByTestId('terrain-threshold').fill('0.95')
    const network = page.getByTestId('terrain-network')
    let shown = 0
    for (const t of [BARS - 1, 420, 300]) {
      await page.getByTestId('terrain-slider').fill(String(t))
      await waitForTerrainBar(page, t)
      const engine = await surfaceAt(page, runId, t)
      await expect.poll(async () => Number(await network.getAttribute('data-alert-edges'))).toBe(engine.feature('fault alerts'))
      shown += engine.feature('fault alerts')
    }
    expect(shown).toBeGreaterThan(0)
    await page.getByTestId('terrain-threshold').fill('0.5')
    await network.screenshot({ path: screenshotPath('terrain-network') })
  })
})
