import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StepFilter } from '../src/shared/contract'
import { openDatabase, type Db } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { StepQuery } from '../src/main/store/step-query'
import { formatSigned, formatValue } from '../src/renderer/src/views/log/log-format'
import { openWorkstation, root, screenshotPath, type Session } from './support/host'

// The decision log of a real lab run, stored by the CLI through the same engine and store the
// workstation uses: open it, filter, search, jump, and check what is shown against the store.
describe('decision log in the browser host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-log-'))
  const databasePath = join(dir, 'log.db')
  let session: Session
  let runId: number
  let walkId: number
  let store: Db
  let query: StepQuery

  beforeAll(async () => {
    // credit-spreads with a leverage cap of 1: 899 steps, some of them scaled by the risk gate.
    const out = execFileSync(process.execPath, [join(root, 'out/main/cli.js'), 'run', 'credit-spreads', '--seed', '11', '--set', 'risk_params.max_leverage=1', '--db', databasePath, '--json'], { encoding: 'utf8' })
    runId = (JSON.parse(out) as { runId: number }).runId
    const writer = openDatabase(databasePath)
    const repo = new RunsRepository(writer)
    const walk = repo.create({ spec: { task: 'random-walk', steps: 10, seed: 1, start: 0, drift: 0, volatility: 1 }, seed: 1, steps: 10, configHash: 'c'.repeat(64), codeVersion: 'e2e', createdAt: new Date(0).toISOString() })
    walkId = repo.complete(walk.id, new Date(0).toISOString(), {
      results: { kind: 'random-walk', summary: { steps: 10, final: 0, min: 0, max: 0, meanIncrement: 0, stdevIncrement: 0, maxDrawdown: 0 }, pathStride: 1, path: new Float64Array(11) },
      resultsHash: 'r'.repeat(64)
    }).id
    writer.close()
    session = await openWorkstation(databasePath)
    store = openDatabase(databasePath, { readonly: true })
    query = new StepQuery(new RunsRepository(store))
  })

  afterAll(async () => {
    store?.close()
    await session?.close()
  })

  const page = () => session.page
  const count = () => page().getByTestId('log-count').textContent()
  const rowAt = (index: number) => page().locator(`.log-row[aria-rowindex="${index + 1}"]:not(.loading)`)
  const rowTexts = async (index: number) => (await rowAt(index).locator('.cell').allTextContents()).map((s) => s.trim())

  it('says to select a run, then that a random walk has no log', async () => {
    await page().getByRole('link', { name: /Decision log/ }).click()
    await page().getByText('Select a run to read its decision log').waitFor()
    await page().getByLabel('Run', { exact: true }).selectOption(String(walkId))
    await page().getByText("This run has no decision log (random walks don't log steps).").waitFor()
  })

  it('shows every step of a lab run, each row as stored', async () => {
    await page().getByLabel('Run', { exact: true }).selectOption(String(runId))
    await expect.poll(count).toBe('899 steps')
    const stored = query.page(runId, 150, 3)
    await page().locator('.log-scroll').evaluate((el) => (el.scrollTop = 150 * 20))
    for (let i = 0; i < 3; i++) {
      await rowAt(150 + i).waitFor()
      const cells = await rowTexts(150 + i)
      expect(cells[0]).toBe(String(stored.rows.t[i]))
      expect(cells[1]).toBe(stored.names.regimes[stored.rows.regime[i]!])
      expect(cells[6]).toBe(stored.names.actions[stored.rows.action[i]!])
      expect(cells[7]).toBe(stored.names.sources[stored.rows.source[i]!])
      expect(cells[4]).toBe(formatValue(stored.rows.equity[i]!))
      expect(cells.at(-2)).toBe(formatSigned(stored.rows.netPnl[i]!))
      expect(cells.at(-1)).toBe(stored.rows.rationale[i])
    }
    await page().screenshot({ path: screenshotPath('decision-log') })
  })

  it('filters by action: the count and the rows are the store’s', async () => {
    const filter: StepFilter = { actions: ['CURVE_STEEPENER'] }
    await page().getByRole('group', { name: 'action' }).getByRole('button', { name: 'CURVE_STEEPENER' }).click()
    await expect.poll(count).toBe(`${query.count(runId, filter)} of 899 steps`)
    const expected = query.page(runId, 0, 5, filter)
    for (let i = 0; i < 5; i++) {
      const cells = await rowTexts(i)
      expect(cells[0]).toBe(String(expected.rows.t[i]))
      expect(cells[6]).toBe('CURVE_STEEPENER')
    }
    await page().getByRole('group', { name: 'action' }).getByRole('button', { name: 'CURVE_STEEPENER' }).click()
    await expect.poll(count).toBe('899 steps')
  })

  it('"constraint hits only" and text search match the store, markers carry the messages', async () => {
    await page().getByRole('button', { name: /constraint hits only/ }).click()
    const hits = query.count(runId, { constraintHit: true })
    expect(hits).toBeGreaterThan(0)
    await expect.poll(count).toBe(`${hits} of 899 steps`)
    const first = query.page(runId, 0, 1, { constraintHit: true })
    const marker = rowAt(0).locator('.events')
    expect(await marker.textContent()).toContain('⚑')
    expect(await marker.getAttribute('title')).toBe(first.events.filter((e) => e.t === first.rows.t[0]).map((e) => `${e.rule}: ${e.message}`).join('\n'))
    await page().getByRole('button', { name: /constraint hits only/ }).click()

    // `/` focuses the search box; the search covers rationales, actions and constraint messages.
    await page().locator('.log-table').click()
    await page().keyboard.press('/')
    await page().keyboard.type('stress')
    const matches = query.count(runId, { text: 'stress' })
    expect(matches).toBeGreaterThan(0)
    expect(matches).toBeLessThan(899)
    await expect.poll(count).toBe(`${matches} of 899 steps`)
    await page().keyboard.press('Escape')
    await expect.poll(count).toBe('899 steps')
  })

  it('a click sets the workspace focus; the keyboard moves through the rows and End reaches the last', async () => {
    await rowAt(3).click()
    await expect.poll(() => page().getByTestId('log-focus').textContent()).toBe('focus: step 3')
    await page().keyboard.press('ArrowDown')
    await page().keyboard.press('Enter')
    await expect.poll(() => page().getByTestId('log-focus').textContent()).toBe('focus: step 4')
    await page().keyboard.press('End')
    await rowAt(898).waitFor()
    expect(await rowAt(898).getAttribute('aria-selected')).toBe('true')
    expect((await rowTexts(898))[0]).toBe('898')
    await page().keyboard.press('Enter')
    await expect.poll(() => page().getByTestId('log-focus').textContent()).toBe('focus: step 898')
    // The selected decision is readable in full under the table: its rationale as stored.
    const rationale = await rowAt(898).locator('.cell.rationale').getAttribute('title')
    await expect.poll(() => page().getByTestId('step-detail').locator('.step-detail-rationale').textContent()).toBe(rationale)
    expect(await page().getByTestId('step-detail').locator('.step-detail-head').textContent()).toContain('step 898')
    await page().keyboard.press('Home')
    await rowAt(0).waitFor()
    await page().screenshot({ path: screenshotPath('decision-log-keyboard') })
  })
  it('the drawn grid: a click hit-tests the row under the pointer, the selection is painted, Ctrl+C copies it as TSV', async () => {
    await page().context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.host.origin })
    await page().locator('.log-scroll').evaluate((el) => (el.scrollTop = 40 * 20 + 7))
    await rowAt(40).waitFor()
    // A point, not an element: 7 px are scrolled off row 40, so y = 20 px inside the rows is row 41 (13 px down it).
    const box = (await page().locator('.log-canvas').boundingBox())!
    await page().mouse.click(box.x + 300, box.y + 20)
    await expect.poll(() => page().getByTestId('log-focus').textContent()).toBe('focus: step 41')
    expect(await rowAt(41).getAttribute('aria-selected')).toBe('true')
    // The canvas paints that row in the theme's selection colour, its left edge in the accent.
    const pixels = await page().locator('.log-canvas').evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext('2d')!
      const dpr = window.devicePixelRatio || 1
      const at = (x: number, y: number): string => '#' + Array.from(ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data.slice(0, 3), (v) => v.toString(16).padStart(2, '0')).join('')
      const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()
      return { selected: at(40, 20), edge: at(1, 20), other: at(40, 45), theme: { selected: css('--selected'), accent: css('--accent'), panel: css('--panel') } }
    })
    expect(pixels.selected).toBe(pixels.theme.selected)
    expect(pixels.edge).toBe(pixels.theme.accent)
    expect(pixels.other).toBe(pixels.theme.panel)
    await page().keyboard.press('Control+c')
    const stored = query.page(runId, 41, 1)
    const copied = await page().evaluate(() => navigator.clipboard.readText())
    const [header, line] = copied.split('\n')
    expect(header!.split('\t').slice(0, 3)).toEqual(['t', 'regime', 'position'])
    const cells = line!.split('\t')
    expect(cells[0]).toBe(String(stored.rows.t[0]))
    expect(cells[4]).toBe(formatValue(stored.rows.equity[0]!))
    expect(cells.at(-1)).toBe(stored.rows.rationale[0])
    // Shift extends the selection from the clicked row; Ctrl+C copies every selected row.
    await page().keyboard.press('Shift+ArrowDown')
    // y = 80 px is row 44 ((807 + 80) / 20): rows 41 to 44 are selected.
    await page().keyboard.down('Shift')
    await page().mouse.click(box.x + 300, box.y + 80)
    await page().keyboard.up('Shift')
    await expect.poll(() => page().locator('.log-row[aria-selected="true"]').count()).toBe(4)
    await page().screenshot({ path: screenshotPath('decision-log-selection') })
    await page().keyboard.press('Control+c')
    const four = query.page(runId, 41, 4)
    await expect.poll(async () => (await page().evaluate(() => navigator.clipboard.readText())).trimEnd().split('\n').slice(1).map((l) => l.split('\t')[0])).toEqual(Array.from(four.rows.t, String))
  })
})
