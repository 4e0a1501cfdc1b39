import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, root, screenshotPath, type Session } from './support/host'

// The Regime view's CSV comparison (issue 20 item 3): a user's close file chosen in the view,
// sent in parts, validated and compared in the inference process; the table's numbers are the
// CLI's `regime --csv FILE --compare --json` for the same file, exactly. A bad file is refused in
// one line naming the row. The fixture is made by tools/regime-model/csv-fixture.py.

const FIXTURE = join(root, 'e2e', 'fixtures', 'regime-closes.csv')

interface CliComparison {
  bars: number
  start: number
  scoredBars: number
  labels: false
  note: string
  model: string
  rows: Array<Record<string, number | string | null>>
}

/** Each row's cells as the table holds them (data-value: the number the view was sent). */
async function tableRows(page: Page): Promise<Array<Record<string, number | string | null>>> {
  return page
    .getByTestId('regime-csv-table')
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => {
        const row: Record<string, number | string | null> = { classifier: tr.getAttribute('data-classifier') }
        for (const td of Array.from(tr.querySelectorAll('td[data-column]'))) {
          const value = td.getAttribute('data-value')!
          row[td.getAttribute('data-column')!] = value === '' ? null : Number(value)
        }
        return row
      })
    )
}

describe('regime view: the classifiers on a user’s CSV', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-regime-csv-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  it('refuses a dropped file with a bad close in one line naming the row, and shows no table', async () => {
    await page.keyboard.press('Alt+9')
    await page.getByTestId('regime-view').waitFor()
    const rows = ['date,close', ...Array.from({ length: 130 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${i === 40 ? 'abc' : 100 + i}`)]
    // Dropped on the panel, as a user drags a file from their desktop.
    const transfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer()
      dt.items.add(new File([text], 'bad.csv', { type: 'text/csv' }))
      return dt
    }, rows.join('\n'))
    await page.getByTestId('regime-csv-drop').dispatchEvent('drop', { dataTransfer: transfer })
    const error = page.getByTestId('regime-csv-error')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.textContent()).toBe('bad.csv: the CSV was rejected: row 42: close "abc" is not a number')
    expect(await page.getByTestId('regime-csv-table').count()).toBe(0)
  })

  it('compares the five classifiers on the fixture, with exactly the CLI’s numbers', async () => {
    const cli = JSON.parse(execFileSync(process.execPath, [join(root, 'out/main/cli.js'), 'regime', '--csv', FIXTURE, '--compare', '--json'], { encoding: 'utf8' })) as CliComparison
    await page.getByTestId('regime-csv-input').setInputFiles(FIXTURE)
    await page.getByTestId('regime-csv-table').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('regime-csv-error').count()).toBe(0)
    expect(await tableRows(page)).toEqual(cli.rows)
    expect(cli.rows.map((r) => r['classifier'])).toEqual(['ssm', 'rv_threshold', 'hmm', 'bocpd', 'markov_switching'])
    const summary = (await page.getByTestId('regime-csv-summary').textContent())!
    expect(summary).toContain(`regime-closes.csv · ${cli.bars.toLocaleString('en-US')} bars · scored from bar ${cli.start} (${cli.scoredBars} bars`)
    expect(summary).toContain(`model ${cli.model} `)
    expect(await page.getByTestId('regime-csv-note').textContent()).toMatch(/^A file has no true regimes, so no accuracy is shown/)
    // The shown text is the number, rounded: the SSM's Sharpe to three places, its stress share in %.
    const ssm = cli.rows[0]!
    expect(await page.locator('tr[data-classifier="ssm"] td[data-column="sharpe"]').textContent()).toBe((ssm['sharpe'] as number).toFixed(3))
    expect(await page.locator('tr[data-classifier="ssm"] td[data-column="stress_share"]').textContent()).toBe(`${((ssm['stress_share'] as number) * 100).toFixed(1)}%`)
    await page.getByRole('region', { name: 'Classifier comparison on a CSV' }).scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('regime-csv'), fullPage: true })
  })
})
