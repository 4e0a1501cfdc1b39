import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// The regime view: the model on a lab's price series and on a CSV (with the offending rows
// named when it is broken), and the SSM against four baselines on held-out seeds, on the
// model's home lab and on another lab's series.
describe('regime view', () => {
  let session: Session

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-regime-')), 'mechanica.db'))
  })
  afterAll(() => session?.close())

  it('classifies a heston-regime path on the provider that answered, with its evaluation', async () => {
    const { page } = session
    await page.keyboard.press('Alt+9')
    await page.getByTestId('regime-view').waitFor()
    await page.getByLabel('Seed', { exact: true }).fill('3001')
    await page.getByRole('button', { name: 'Classify' }).click()
    const report = page.getByRole('region', { name: 'Regime report' })
    await report.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('execution-provider').textContent()).toMatch(/^(CPU|CUDA|WEBGPU)$/)
    expect(await report.textContent()).toContain('heston-regime simulated Heston price (corrected, seed 3001)')
    const accuracy = Number(await page.getByRole('table', { name: 'Evaluation against true labels' }).locator('tr', { hasText: /^accuracy/ }).locator('td.num').textContent())
    expect(accuracy).toBeGreaterThan(0.6)
    expect(accuracy).toBeLessThanOrEqual(1)
    expect(await page.getByLabel('Filtered regime').locator('span').count()).toBeGreaterThan(1)
  })

  it('classifies another lab\'s price series', async () => {
    const { page } = session
    await page.getByLabel('Lab', { exact: true }).selectOption('fx-carry')
    await page.getByLabel('Preset', { exact: true }).selectOption('faithful')
    await page.getByLabel('Seed', { exact: true }).fill('7')
    await page.getByRole('button', { name: 'Classify' }).click()
    await expect.poll(() => page.getByRole('region', { name: 'Regime report' }).locator('h2').textContent(), { timeout: 30_000 }).toContain('fx-carry high-yield basket')
  })

  it('names the offending rows of a broken CSV', async () => {
    const { page } = session
    await page.getByRole('radio', { name: 'CSV' }).click()
    const day = (i: number): string => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
    const rows = ['date,close', ...Array.from({ length: 150 }, (_, i) => `${day(i)},${100 + Math.sin(i)}`)]
    rows[10] = `${day(9)},abc`
    await page.getByLabel('CSV text').fill(rows.join('\n'))
    await page.getByRole('button', { name: 'Classify' }).click()
    const error = page.getByRole('alert').filter({ hasText: /row/ })
    await error.waitFor()
    expect(await error.textContent()).toMatch(/row 11\b/)
  })

  it('compares the SSM with four baselines on held-out seeds, with progress', async () => {
    const { page } = session
    await page.getByLabel('Seed count').fill('2')
    await page.getByRole('button', { name: 'Compare', exact: true }).click()
    await page.getByRole('progressbar', { name: 'Comparison progress' }).waitFor()
    const table = page.getByRole('table', { name: 'Classifier comparison table' })
    await table.waitFor({ timeout: 90_000 })
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-classifier')))).toEqual(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching'])
    const accuracies = await table.locator('tbody tr td:nth-child(2)').allTextContents()
    for (const a of accuracies) expect(a).toMatch(/^\d+\.\d%$/)
    expect(await table.locator('td.best').count()).toBeGreaterThanOrEqual(9)
    await page.screenshot({ path: screenshotPath('regime-view'), fullPage: true })
  })

  it('compares them on another lab\'s series against its own labels, with calibration columns', async () => {
    const { page } = session
    await page.getByLabel('Comparison lab').selectOption('fx-carry')
    await page.getByLabel('Comparison preset').selectOption('faithful')
    await page.getByLabel('Seed count').fill('1')
    await page.getByRole('button', { name: 'Compare', exact: true }).click()
    await expect.poll(() => page.locator('.regime-compare p.mono').textContent(), { timeout: 90_000 }).toMatch(/^fx-carry · seeds 3000–3000 · faithful/)
    const table = page.getByRole('table', { name: 'Classifier comparison table' })
    const headers = await table.locator('thead th').allTextContents()
    expect(headers).toContain('Brier')
    expect(headers).not.toContain('Sortino')
    expect(await table.locator('tbody tr').count()).toBe(5)
    await page.screenshot({ path: screenshotPath('regime-view-lab'), fullPage: true })
  })
})
