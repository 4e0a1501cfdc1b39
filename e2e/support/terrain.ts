import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { screenshotPath } from './host'

// What the Terrain view's e2e tests share (a run's terrain, a file's terrain): the whole-view
// picture, a reading's exact value, and waiting until the scrubbed bar's matrix has arrived.

/** The whole view: the page grows to the view's height for the picture, then goes back. */
export async function shootTerrain(page: Page, name: string): Promise<void> {
  const before = page.viewportSize()!
  const height = await page.getByTestId('terrain-view').evaluate((view) => view.scrollHeight)
  await page.setViewportSize({ width: before.width, height: Math.min(2400, height + 140) })
  await page.screenshot({ path: screenshotPath(name) })
  await page.setViewportSize(before)
}

/** A reading's exact number (its data-value, not the rounded text). */
export const terrainReading = async (page: Page, id: string): Promise<number> => Number(await page.getByTestId(`reading-${id}`).getAttribute('data-value'))

/** Waits until the scrubber is at t and bar t's matrix is shown. */
export async function waitForTerrainBar(page: Page, t: number): Promise<void> {
  await expect.poll(() => page.getByTestId('terrain-bar').getAttribute('data-t')).toBe(String(t))
  await expect.poll(() => page.getByTestId('terrain-frame').getAttribute('data-bar'), { timeout: 30_000 }).toBe(String(t))
}
