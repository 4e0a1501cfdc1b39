import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, root, type Session } from './support/host'
import { shootTerrain, terrainReading, waitForTerrainBar } from './support/terrain'
import { callApi, decodeF32, decodeF64, startLabRun, waitForRun } from './support/viz'

// The Terrain view's second source (issue 17 "Done when"): a user's multi-asset CSV chosen in
// the view, sent in parts, validated and run in the engine, its numbers checked against the
// engine's own answer for the same file (`terrain.csv` called directly); a bad file refused in
// one line; and a run's held-out grouping table checked against its stored report.

const FIXTURE = join(root, 'e2e', 'fixtures', 'terrain-five-assets.csv')
const TEXT = readFileSync(FIXTURE, 'utf8')
const PART = 30_000

interface EngineView {
  key: string
  dates: string[]
  series: { bars: number; columns: Record<string, unknown> }
  grouping: { methods: Array<{ method: string; switches: number; onlineSwitches: number; riskyShare: number }> }
}

/** The engine's view of the fixture, asked through the API as the view asks (same text and window: the same kept pass). */
async function engineView(page: Page): Promise<EngineView> {
  const parts = [TEXT.slice(0, PART), TEXT.slice(PART)]
  let answer: { status: string; view?: EngineView } = { status: 'partial' }
  for (let part = 0; part < parts.length; part++) answer = await callApi(page, 'terrain.csv', { upload: 'e2e-check', part, parts: parts.length, name: 'terrain-five-assets.csv', text: parts[part], window: 60 })
  return answer.view!
}

describe('terrain view: a user’s CSV and held-out grouping', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-terrain-csv-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  it('refuses a one-asset file in one line and shows nothing', async () => {
    await page.keyboard.press('Alt+M')
    await page.getByTestId('terrain-view').waitFor()
    await page.getByTestId('terrain-source-file').click()
    await page.getByTestId('terrain-file-input').setInputFiles({ name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('date,A\n2024-01-01,1\n2024-01-02,2\n') })
    const error = page.getByTestId('terrain-file-error')
    await error.waitFor()
    expect(await error.textContent()).toBe('one.csv: the CSV was rejected: row 1: the file holds 1 asset; a terrain needs at least two (it is made of pairs)')
    expect(await page.getByTestId('terrain-scrubber').count()).toBe(0)
  })

  it('loads the fixture in parts and shows the engine’s terrain, dates on the scrubber and each method’s regimes', async () => {
    await page.getByTestId('terrain-file-input').setInputFiles(FIXTURE)
    const engine = await engineView(page)
    const last = engine.series.bars - 1
    expect(last).toBe(298)
    await waitForTerrainBar(page, last)
    expect(await page.getByTestId('terrain-file-error').count()).toBe(0)
    const column = (name: string) => decodeF64(engine.series.columns[name])
    const expectAt = async (t: number) => {
      for (const id of ['eigenHardness', 'edgeHardness', 'absorption', 'effectiveRank', 'alertsActive', 'pressure', 'fragility']) expect(await terrainReading(page, id), `${id} at ${t}`).toBe(column(id)[t])
      expect((await page.getByTestId('reading-forecast').getAttribute('data-value'))!.split(',').map(Number)).toEqual([column('forecastRisk')[t], column('forecastMomentum')[t]])
      expect(await page.getByTestId('terrain-bar').textContent()).toContain(engine.dates[t]!)
    }
    await expectAt(last)
    expect(Number(await page.getByTestId('terrain-matrix').getAttribute('data-n'))).toBe(5)

    // The grouping: each method's switches and riskier share, and "no true regimes in a file".
    const table = page.getByTestId('terrain-file-grouping')
    expect(await table.locator('tr[data-method]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-method')))).toEqual(engine.grouping.methods.map((m) => m.method))
    expect(await page.getByTestId('file-switches').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))).toEqual(engine.grouping.methods.map((m) => m.switches))
    expect(await page.getByTestId('file-risky-share').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))).toEqual(engine.grouping.methods.map((m) => m.riskyShare))
    expect(await page.locator('.terrain-view').textContent()).toContain('no true regimes in a file')
    await shootTerrain(page, 'terrain-csv-last-bar')

    // Scrub to just after the break (day 180): the heatmap's cell is the engine's bar.
    await page.getByTestId('terrain-slider').fill('190')
    await waitForTerrainBar(page, 190)
    await expectAt(190)
    const { bar } = await callApi<{ bar: { order: number[]; correlation: unknown } }>(page, 'terrain.csvBar', { key: engine.key, bar: 190 })
    const canvas = page.getByTestId('terrain-matrix-canvas')
    const cell = Number(await canvas.getAttribute('data-cell'))
    const left = Number(await canvas.getAttribute('data-left'))
    await canvas.hover({ position: { x: left + 3 * cell + cell / 2, y: left + 1 * cell + cell / 2 } })
    const tip = page.getByTestId('terrain-cell-tooltip')
    await tip.waitFor()
    expect(Number(await tip.getAttribute('data-value'))).toBe(decodeF32(bar.correlation)[1 * 5 + 3])
    await shootTerrain(page, 'terrain-csv-bar-190')
  })

  it('shows a run’s held-out grouping table equal to its stored report', async () => {
    const runId = await startLabRun(page, 'market-terrain', { universe: { bars: 600 }, state: { trailhead_window: 120 }, grouping: { heldout_seeds: [5, 6] } }, 'corrected')
    await waitForRun(page, runId)
    await page.getByTestId('terrain-source-run').click()
    await page.locator('select[aria-label="Run"]').selectOption(String(runId))
    const table = page.getByTestId('terrain-heldout')
    await table.waitFor({ timeout: 60_000 })
    const { results } = await callApi<{ results: { telemetry: { grouping: { held_out: { methods: Array<{ accuracy: number; detected: number; true_changes: number; mean_time_to_detection: number | null; lambda?: number; persistence: { switches: number }; per_seed: Array<{ accuracy: number }> }> } } } } }>(page, 'runs.get', { runId })
    const stored = results.telemetry.grouping.held_out.methods
    const cells = (id: string) => page.getByTestId(id).evaluateAll((cs) => cs.map((c) => c.getAttribute('data-value')))
    expect((await cells('heldout-accuracy')).map(Number)).toEqual(stored.map((m) => m.accuracy))
    expect(await cells('heldout-range')).toEqual(stored.map((m) => `${Math.min(...m.per_seed.map((s) => s.accuracy))},${Math.max(...m.per_seed.map((s) => s.accuracy))}`))
    expect((await cells('heldout-switches')).map(Number)).toEqual(stored.map((m) => m.persistence.switches))
    expect(await cells('heldout-caught')).toEqual(stored.map((m) => `${m.detected},${m.true_changes}`))
    expect(await cells('heldout-detection')).toEqual(stored.map((m) => String(m.mean_time_to_detection)))
    expect(await cells('heldout-lambda')).toEqual(stored.map((m) => String(m.lambda ?? null)))
    await page.getByTestId('terrain-heldout').scrollIntoViewIfNeeded()
    await shootTerrain(page, 'terrain-heldout')
  })

  it('asks for the held-out table from a run without one: the same spec again, scored on the next five seeds', async () => {
    const runId = await startLabRun(page, 'market-terrain', { universe: { bars: 600 } }, 'corrected')
    await waitForRun(page, runId)
    await page.locator('select[aria-label="Run"]').selectOption(String(runId))
    const ask = page.getByTestId('terrain-heldout-ask')
    await ask.waitFor({ timeout: 60_000 })
    expect(await ask.textContent()).toContain("--set 'grouping.heldout_seeds=[5,6,7,8,9]'")
    await page.getByTestId('terrain-heldout-start').click()
    await expect.poll(() => page.locator('select[aria-label="Run"]').inputValue()).not.toBe(String(runId))
    const rerun = Number(await page.locator('select[aria-label="Run"]').inputValue())
    const { run } = await callApi<{ run: { spec: { preset: string; overrides: { universe: unknown; grouping: { heldout_seeds: number[] } } } } }>(page, 'runs.get', { runId: rerun })
    expect(run.spec.preset).toBe('corrected')
    expect(run.spec.overrides).toEqual({ universe: { bars: 600 }, grouping: { heldout_seeds: [5, 6, 7, 8, 9] } })
    await waitForRun(page, rerun)
    await page.getByTestId('terrain-heldout').waitFor({ timeout: 60_000 })
  })
})
