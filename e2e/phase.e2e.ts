import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { openView, startLabRun, waitForRun } from './support/viz'

// The phase-space view against the built browser host: a heston-regime run draws its Takens
// view and the regime model's latent view; the wheel zooms; other labs get a plain empty state.
describe('phase-space view', () => {
  let session: Session
  let page: Page
  let hestonRun = 0
  let carryRun = 0

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-phase-')), 'mechanica.db'))
    page = session.page
    carryRun = await startLabRun(page, 'fx-carry')
    hestonRun = await startLabRun(page, 'heston-regime', {}, 'corrected')
    await waitForRun(page, carryRun)
    await waitForRun(page, hestonRun)
    await openView(page, '5')
    await page.getByTestId('phase-view').waitFor()
  })
  afterAll(() => session?.close())

  it('draws the Takens view and the latent view of a heston-regime run', async () => {
    await page.locator('select.run-picker').selectOption(String(hestonRun))
    const takens = page.getByTestId('phase-takens').getByTestId('scatter')
    await takens.waitFor({ timeout: 60_000 })
    expect(await takens.getAttribute('data-points')).toBe('5000')
    const latent = page.getByTestId('phase-latent').getByTestId('scatter')
    await latent.waitFor({ timeout: 90_000 })
    expect(Number(await latent.getAttribute('data-points'))).toBeGreaterThan(1000)
    await expect.poll(async () => Number(await takens.getAttribute('data-draw-ms'))).toBeGreaterThan(0)
    // scrub back: the worm follows
    await page.getByTestId('phase-slider').fill('2500')
    await expect.poll(() => page.getByTestId('phase-step').textContent()).toContain('2,500')
    await page.screenshot({ path: screenshotPath('phase-heston') })
  })

  it('zooms about the pointer with the wheel and fits back', async () => {
    const takens = page.getByTestId('phase-takens').getByTestId('scatter')
    const before = Number(await takens.getAttribute('data-kx'))
    const box = (await takens.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.wheel(0, -400)
    await expect.poll(async () => Number(await takens.getAttribute('data-kx'))).toBeGreaterThan(before * 1.5)
    // drag pans without changing the scale
    const zoomed = Number(await takens.getAttribute('data-kx'))
    await page.mouse.down()
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 20, { steps: 4 })
    await page.mouse.up()
    expect(Number(await takens.getAttribute('data-kx'))).toBe(zoomed)
    await page.screenshot({ path: screenshotPath('phase-zoomed') })
    await takens.dblclick()
    await expect.poll(async () => Number(await takens.getAttribute('data-kx'))).toBeCloseTo(before, 6)
  })

  it('says plainly that other labs need the regime model, and offers to classify their price series', async () => {
    await page.locator('select.run-picker').selectOption(String(carryRun))
    await expect.poll(() => page.getByTestId('phase-empty').textContent()).toContain('Phase space needs the regime model')
    await page.getByTestId('phase-classify').click()
    const outcome = page.getByTestId('phase-latent').getByTestId('scatter').or(page.locator('.phase-view .error-text'))
    await outcome.first().waitFor({ timeout: 90_000 })
    await page.screenshot({ path: screenshotPath('phase-other-lab') })
  })
})
