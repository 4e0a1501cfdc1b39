import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { openWorkstation, root, screenshotPath, type Session } from './support/host'

/**
 * The SSM's reliability curve as drawn and as numbers: ten bins whose bars add up to the
 * summary's and to the scored bars of the compared seeds, each mean prediction inside its bin, observed shares in [0, 1], one dot per
 * non-empty bin, and the summary's Brier score equal to the table's Brier cell.
 */
async function expectReliabilityOf(page: Page, table: Locator, scoredBars: number): Promise<void> {
  await page.getByTestId('reliability-diagonal').waitFor()
  const summary = (await page.getByTestId('reliability-summary').textContent())!
  const [, brier, bars] = summary.match(/^State-space model \(ONNX\) · Brier (\d\.\d{3}) · ECE \d\.\d{3} · ([\d,]+) bars$/) ?? []
  expect(brier, summary).toBeDefined()
  const rows = await page.getByRole('table', { name: 'Reliability bins' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')))
  expect(rows).toHaveLength(10)
  let total = 0
  let filled = 0
  rows.forEach(([bin, count, predicted, observed], k) => {
    expect(bin).toBe(`${(k / 10).toFixed(1)}–${((k + 1) / 10).toFixed(1)}`)
    const n = Number(count!.replace(/,/g, ''))
    total += n
    if (n === 0) return expect([predicted, observed]).toEqual(['—', '—'])
    filled++
    expect(Number(predicted)).toBeGreaterThanOrEqual(k / 10 - 0.0005)
    expect(Number(predicted)).toBeLessThanOrEqual((k + 1) / 10 + 0.0005)
    expect(Number(observed)).toBeGreaterThanOrEqual(0)
    expect(Number(observed)).toBeLessThanOrEqual(1)
  })
  expect(total).toBe(Number(bars!.replace(/,/g, '')))
  expect(total).toBe(scoredBars)
  expect(await page.locator('[data-testid="reliability-diagram"] g[data-classifier="ssm"] circle').count()).toBe(filled)
  const brierCell = await table.locator('tr[data-classifier="ssm"] td').nth((await table.locator('thead th').allTextContents()).indexOf('Brier')).textContent()
  expect(brierCell).toBe(brier)
}

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
    // The evaluation is the CLI's for the same path: the fair time to detection first, the legacy mean under its label.
    const cli = JSON.parse(execFileSync(process.execPath, [join(root, 'out/main/cli.js'), 'regime', '--lab', 'heston-regime', '--preset', 'corrected', '--seed', '3001', '--json'], { encoding: 'utf8' })) as { evaluation: Record<string, number | null> }
    const shown = await page.getByRole('table', { name: 'Evaluation against true labels' }).locator('tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')))
    const cell = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(3))
    expect(shown).toEqual(Object.entries(cli.evaluation).map(([k, v]) => [k === 'mean_time_to_detection' ? 'ttd_legacy_all_detected' : k, cell(v)]))
    expect(shown.map(([k]) => k)).toEqual(expect.arrayContaining(['ttd_from_calm', 'pre_flagged', 'missed', 'ttd_legacy_all_detected']))
    await report.screenshot({ path: screenshotPath('regime-view-evaluation') })
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
    // the fair time to detection leads, with the switches met while calm, pre-flagged and missed per row
    expect(await table.locator('thead th').allTextContents()).toEqual(expect.arrayContaining(['time to detect from calm (bars, 95 % CI)', 'TTD all detected (legacy)', 'from calm · pre-flagged · missed']))
    const column = (await table.locator('thead th').allTextContents()).indexOf('from calm · pre-flagged · missed') + 1
    for (const cell of await table.locator(`tbody tr td:nth-child(${column})`).allTextContents()) expect(cell).toMatch(/^\d+\/\d+ · \d+ · \d+$/)
    // per baseline, the paired seed bootstrap's verdict on whether the SSM detects first; none on the SSM's own row
    const verdicts = await table.locator(`tbody tr td:nth-child(${(await table.locator('thead th').allTextContents()).indexOf('SSM detects first') + 1})`).allTextContents()
    expect(verdicts[0]).toBe('—')
    for (const cell of verdicts.slice(1)) expect(cell).toMatch(/^(yes|no|not distinguishable)( \[-?\d+\.\d, -?\d+\.\d\])?$/)
    // the seed's sign-off targets marked met or not on each row's downside capture and Sharpe
    expect(await table.locator('td.met, td.unmet').count()).toBe(10)
    // heston-regime corrected: 5,000 bars scored from the walk-forward start (bar 1,000), two seeds
    await expectReliabilityOf(page, table, 2 * 4000)
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
    // fx-carry faithful: 800 bars scored from compareStart(800) = 320, one seed
    await expectReliabilityOf(page, table, 800 - 320)
    // another classifier's curve on demand
    await page.getByRole('radio', { name: 'HMM' }).click()
    expect(await page.getByTestId('reliability-summary').textContent()).toMatch(/^Two-state Gaussian HMM · Brier /)
    await page.screenshot({ path: screenshotPath('regime-view-lab'), fullPage: true })
  })
})
