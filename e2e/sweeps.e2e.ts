import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { SweepsRepository } from '../src/main/store/sweeps-repository'
import { formatValue } from '../src/renderer/src/views/log/log-format'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// A 2 × 2 latency × threshold grid on the latency-arb lab, run from the Sweeps view through the
// run manager and engine: four stored runs, a heatmap of their win rates, a click opens one.
describe('sweeps in the browser host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-sweeps-'))
  const databasePath = join(dir, 'sweeps.db')
  let session: Session
  let store: Db

  beforeAll(async () => {
    session = await openWorkstation(databasePath)
    store = openDatabase(databasePath, { readonly: true })
  })

  afterAll(async () => {
    store?.close()
    await session?.close()
  })

  const page = () => session.page

  it('runs a 2 × 2 grid: four cells, each a stored run, in a heatmap of win_rate', async () => {
    await page().getByRole('link', { name: /Sweeps/ }).click()
    await page().locator('select[name=lab]').selectOption('latency-arb')
    // The lab suggests the book's latency × threshold grid itself; the test narrows it to 2 × 2.
    await expect.poll(() => page().locator('select[name=axis0-path]').inputValue()).toBe('latency.latency_steps')
    await expect.poll(() => page().locator('input[name=axis1-values]').inputValue()).toBe('1, 2, 5, 10')
    await page().locator('select[name=axis0-path]').selectOption('latency.latency_steps')
    await page().locator('input[name=axis0-values]').fill('0, 5')
    await page().locator('select[name=axis1-path]').selectOption('strategy.threshold_bps')
    await page().locator('input[name=axis1-values]').fill('1, 10')
    await page().locator('textarea[name=overrides]').fill('T=3000')
    await page().getByRole('button', { name: 'Run sweep' }).click()
    await expect.poll(() => page().getByTestId('sweep-status').textContent(), { timeout: 90_000 }).toBe('completed')

    const cells = page().getByTestId('sweep-heatmap').locator('.heat-cell')
    await expect.poll(() => cells.count()).toBe(4)
    const sweeps = new SweepsRepository(store)
    const [sweep] = sweeps.list(1, 0).sweeps
    expect(sweep).toMatchObject({ lab: 'latency-arb', kind: 'grid', cells: 4, done: 4, failed: 0, status: 'completed', overrides: { T: 3000 } })
    const stored = sweeps.cells(sweep!.id)
    const runs = new RunsRepository(store)
    for (const cell of stored) {
      const run = runs.get(cell.runId!)!
      expect(run.status).toBe('completed')
      expect(run.spec).toMatchObject({ task: 'lab', lab: 'latency-arb', overrides: { T: 3000, ...cell.changes } })
      // What the heatmap shows is the stored run's own metric.
      const shown = await page().locator(`.heat-cell[data-cell="${cell.index}"]`).textContent()
      const value = cell.metrics?.win_rate
      expect(shown).toBe(typeof value === 'number' ? formatValue(value) : '—')
    }
    await page().locator('.heat-cell[data-cell="3"]').hover()
    await expect.poll(() => page().getByTestId('heat-hover').textContent()).toContain(`run #${stored[3]!.runId}`)
    await page().screenshot({ path: screenshotPath('sweeps-heatmap') })

    // A click selects the cell's run and opens the dashboard; the decision log then shows that run.
    await page().locator('.heat-cell[data-cell="2"]').click()
    await expect.poll(() => page().locator('nav a[aria-current=page]').textContent()).toContain('Dashboard')
    await page().getByRole('link', { name: /Decision log/ }).click()
    await expect.poll(() => page().getByLabel('Run', { exact: true }).inputValue()).toBe(String(stored[2]!.runId))
    await expect.poll(() => page().getByTestId('log-count').textContent()).toBe('3,000 steps')
  })

  it('runs a seed ensemble and shows its distribution with mean, median and quantiles', async () => {
    await page().getByRole('link', { name: /Sweeps/ }).click()
    // The view opens on the catalogue's first lab: choose this one's metrics explicitly.
    await page().locator('select[name=lab]').selectOption('latency-arb')
    await page().getByRole('radio', { name: 'seed ensemble' }).click()
    await page().locator('input[name=seed-from]').fill('1')
    await page().locator('input[name=seed-to]').fill('6')
    await page().locator('textarea[name=overrides]').fill('T=2000')
    await page().getByRole('button', { name: 'Run sweep' }).click()
    // The grid above stays on screen, completed, until the new sweep's detail arrives.
    await expect.poll(() => page().getByTestId('sweep-detail').locator('.panel-title').textContent()).toContain('seeds 1…6')
    await expect.poll(() => page().getByTestId('sweep-status').textContent(), { timeout: 90_000 }).toBe('completed')
    await page().locator('select[name=metric]').selectOption('total_pnl')
    const plot = page().getByTestId('ensemble-plot')
    await expect.poll(() => plot.locator('circle').count()).toBe(6)
    const sweeps = new SweepsRepository(store)
    const [sweep] = sweeps.list(1, 0).sweeps
    expect(sweep).toMatchObject({ kind: 'seeds', seeds: { from: 1, to: 6 }, cells: 6, done: 6 })
    const values = sweeps.cells(sweep!.id).map((c) => c.metrics!.total_pnl!)
    const mean = values.reduce((a, b) => a + b, 0) / values.length
    const stats = await page().getByTestId('ensemble-stats').textContent()
    expect(stats).toContain(`n6`)
    expect(stats).toContain(`mean${formatValue(mean)}`)
    await page().screenshot({ path: screenshotPath('sweeps-ensemble') })
  })
})
