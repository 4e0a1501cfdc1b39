import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// Compare: the fx-carry baseline against two of its stress variants, ticked in the runs list,
// with metric deltas, overlaid series and the book's questions answered from the runs.
describe('compare view', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-compare-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  const completed = (id: number) => page.locator(`.run-monitor[data-run-id="${id}"] .status-completed`).waitFor({ timeout: 60_000 })

  it('runs the fx-carry baseline and two stress variants from the explorer', async () => {
    await page.locator('[data-lab="fx-carry"]').click()
    await page.locator('.stress-menu [data-variant="impact doubled"]').waitFor()
    await page.keyboard.press('Control+Enter')
    await completed(1)
    await page.locator('.stress-menu [data-variant="impact doubled"]').click()
    await completed(2)
    await page.locator('.stress-menu [data-variant="position limit halved"]').click()
    await completed(3)
  })

  it('says how to pick runs while fewer than two are ticked', async () => {
    await page.keyboard.press('Alt+7')
    expect(await page.getByTestId('compare-empty').textContent()).toContain('Pick two or more completed lab runs')
  })

  it('compares runs ticked in the runs list: deltas coloured, series overlaid, the book’s questions answered', async () => {
    await page.keyboard.press('Alt+2')
    for (const id of [1, 2, 3]) await page.getByRole('checkbox', { name: `Compare run #${id}` }).check()
    await page.locator('.runs-actions button.primary').click()
    expect(await page.locator('.nav-rail a[aria-current="page"] .nav-title').textContent()).toBe('Compare')
    await page.locator('.compare-metrics').waitFor()
    expect(await page.locator('.chip').count()).toBe(3)

    // Impact doubled: total cost up against the baseline (red), and the answer names the impact component.
    const cost = page.locator('tr[data-metric="total_cost"] td.delta').first()
    expect(await cost.getAttribute('class')).toContain('worse')
    expect(await cost.textContent()).toMatch(/^\+/)
    const costs = await page.locator('[data-question="costs"] li').allTextContents()
    expect(costs[0]).toMatch(/^#2: impact ×\d/)
    expect(costs[0]).toContain('exploded')
    expect(await page.locator('[data-question="costs"] tr[data-cost="impact"] td.worse').count()).toBe(1)

    const constraints = await page.locator('[data-question="constraints"] li').allTextContents()
    expect(constraints.length).toBeGreaterThan(0)
    const actions = await page.locator('[data-question="actions"] li').allTextContents()
    expect(actions.map((a) => a.slice(0, 3))).toEqual(['#2:', '#3:'])
    await expect.poll(() => page.getByTestId('overlay-chart').locator('canvas').count()).toBeGreaterThan(1)
    await page.screenshot({ path: screenshotPath('compare-fx-carry-stress') })
    await page.locator('.compare-metrics').scrollIntoViewIfNeeded()
    await page.screenshot({ path: screenshotPath('compare-metrics') })
  })

  it('makes another run the baseline and drops a run from the comparison', async () => {
    await page.getByRole('button', { name: 'Make run #3 the baseline' }).click()
    await expect.poll(() => page.locator('.chip').first().getAttribute('data-run-id')).toBe('3')
    await page.getByRole('button', { name: 'Remove run #2' }).click()
    await expect.poll(() => page.locator('.chip').count()).toBe(2)
    expect((await page.locator('[data-question="costs"] li').allTextContents())[0]).toMatch(/^#1:/)
  })

  it('opens a run against the one before it from the explorer', async () => {
    await page.keyboard.press('Alt+1')
    await page.getByRole('button', { name: 'Compare with previous' }).click()
    await expect.poll(() => page.locator('.chip').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-run-id')))).toEqual(['2', '3'])
  })
})
