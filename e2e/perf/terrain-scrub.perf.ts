import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openWorkstation, type Session } from '../support/host'
import { startLabRun, timeApiCall, waitForRun } from '../support/viz'
import { load1 } from './machine'
import { mergeUiBench } from './ui-bench-report'

// The Terrain view's scrub at 100 and 500 assets (issue 17): each scrub fetches one bar's n × n
// matrix and edge hardness over the router and paints the heatmap and the network. Timed in
// Chromium against the browser host: the router round trip alone (a `terrain.view` call from the
// page, JSON parse included) and the whole scrub (slider moved → the bar's numbers shown → the next
// frame painted), each over bars not fetched before. Figures go to test-results/ui-bench.json.

const BARS = 600
const SCRUBS = 8

// 100 = 10 sectors × 7 + 10 + 10 + 6 + 4; 500 = 40 × 10 + 30 + 30 + 25 + 15.
const UNIVERSES = {
  100: { equity_sectors: 10, assets_per_sector: 7, bonds: 10, commodities: 10, fx: 6, crypto: 4 },
  500: { equity_sectors: 40, assets_per_sector: 10, bonds: 30, commodities: 30, fx: 25, crypto: 15 }
} as const

let session: Session
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-terrain-scrub-'))
  session = await openWorkstation(join(dir, 'terrain.db'))
}, 300_000)

afterAll(async () => {
  await session?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Moves the slider to `bar` and waits until the view shows that bar and one more frame is painted. */
async function scrub(page: Page, bar: number): Promise<number> {
  return page.evaluate(
    (bar) =>
      new Promise<number>((resolve) => {
        const slider = document.querySelector<HTMLInputElement>('[data-testid="terrain-slider"]')!
        const frame = document.querySelector<HTMLElement>('[data-testid="terrain-frame"]')!
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
        const started = performance.now()
        setValue.call(slider, String(bar))
        slider.dispatchEvent(new Event('input', { bubbles: true }))
        const wait = (): void => {
          if (frame.dataset.bar === String(bar)) requestAnimationFrame(() => resolve(performance.now() - started))
          else requestAnimationFrame(wait)
        }
        requestAnimationFrame(wait)
      }),
    bar
  )
}

it('scrubs the Terrain view at 100 and 500 assets; figures saved to test-results/ui-bench.json', async () => {
  const page = session.page
  const figures: Record<string, unknown> = {}
  for (const n of [100, 500] as const) {
    const runId = await startLabRun(page, 'market-terrain', { universe: { bars: BARS, assets: UNIVERSES[n] }, state: { trailhead_window: 120 } })
    await waitForRun(page, runId, 'completed', 600_000)
    await page.keyboard.press('Alt+M')
    await page.getByTestId('terrain-view').waitFor()
    await page.locator('.terrain-view .run-picker').selectOption(String(runId))
    await expect.poll(() => page.getByTestId('terrain-frame').getAttribute('data-bar'), { timeout: 300_000 }).toBe(String(BARS - 1))
    expect(Number(await page.getByTestId('terrain-matrix').getAttribute('data-n'))).toBe(n)

    // Distinct bars never fetched before (the view caches bars it has shown); the first call warms the engine's market.
    const bar = (t: number) => timeApiCall(page, 'terrain.view', { runId, bar: t, series: false })
    await bar(80)
    const trips: number[] = []
    let bytes = 0
    for (let k = 0; k < SCRUBS; k++) {
      const r = await bar(120 + 17 * k)
      trips.push(r.ms)
      bytes = r.chars
    }
    const scrubs: number[] = []
    const load = load1()
    for (let k = 0; k < SCRUBS; k++) scrubs.push(await scrub(page, 260 + 13 * k))
    const edges = Number(await page.getByTestId('terrain-network').getAttribute('data-edges'))
    const row = { assets: n, frameBytes: bytes, roundTripMs: median(trips), scrubMs: median(scrubs), paintMs: median(scrubs) - median(trips), networkEdges: edges, load }
    console.log(`terrain scrub ${n} assets: frame ${(bytes / 1e6).toFixed(2)} MB, round trip ${row.roundTripMs.toFixed(0)} ms, scrub ${row.scrubMs.toFixed(0)} ms (paint ≈ ${row.paintMs.toFixed(0)} ms, ${edges} network edges), load ${load}; round trips ${trips.map((x) => x.toFixed(0)).join(' ')}; scrubs ${scrubs.map((x) => x.toFixed(0)).join(' ')}`)
    figures[`terrainScrub${n}`] = row
  }
  mergeUiBench(figures)
}, 1_500_000)
