import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from '../support/host'
import { openView, startLabRun, waitForRun } from '../support/viz'
import { formatStats, frameStats as stats, P95_BUDGET_MS, P99_BUDGET_MS, withBudget } from './frames'
import { describeMachine, formatMachine, load1, type MachineReport } from './machine'
import { formatTrace, SYNC_LABEL, traceFrames } from './trace'
import { mergeUiBench } from './ui-bench-report'

// Frame times in Chromium against the browser host while a long lab run streams into the
// dashboard (requestAnimationFrame intervals), and the phase-space scatter redrawing every
// point of a 20,000-bar heston-regime run under continuous zoom (100,000 synthetic points are
// timed in src/renderer/src/charts/scatter-raster.test.ts: a heston-regime run of 100,000 bars
// takes minutes to simulate). Figures are merged into test-results/ui-bench.json under
// "dashboardStream" and "phaseScatter" (other keys in that file are kept).

// MECHANICA_UI_BENCH_STREAM_STEPS shortens the run (while iterating on a slow machine).
const STREAM_STEPS = Number(process.env.MECHANICA_UI_BENCH_STREAM_STEPS ?? 3_000_000)
const PHASE_BARS = 20_000

interface Measured { intervals: number[]; frameTimes: number[]; syncMs: number; updates: number; pointsStart: number; pointsEnd: number }

/**
 * rAF intervals for `frames` frames (or, `whileStreaming`, until the dashboard's run stops
 * streaming); `syncLabel` marks the start in a performance trace.
 */
function measureFrames(page: Page, frames: number, whileStreaming: boolean, syncLabel: string | null = null): Promise<Measured> {
  return page.evaluate(
    ({ frames, whileStreaming, syncLabel }) =>
      new Promise<Measured>((resolve) => {
        const charts = (): HTMLElement | null => document.querySelector('[data-testid="dashboard-charts"]')
        const pointsStart = Number(charts()?.getAttribute('data-points') ?? 0)
        const intervals: number[] = []
        const frameTimes: number[] = []
        let last = 0
        let updates = 0
        let lastPoints = pointsStart
        const syncMs = performance.now()
        if (syncLabel) console.timeStamp(syncLabel)
        const tick = (now: number): void => {
          frameTimes.push(now)
          if (last) intervals.push(now - last)
          last = now
          const points = Number(charts()?.getAttribute('data-points') ?? 0)
          if (points !== lastPoints) {
            updates += 1
            lastPoints = points
          }
          const streaming = charts()?.getAttribute('data-streaming') === 'true'
          if (intervals.length < frames && (!whileStreaming || streaming)) requestAnimationFrame(tick)
          else resolve({ intervals, frameTimes, syncMs, updates, pointsStart, pointsEnd: points })
        }
        requestAnimationFrame(tick)
      }),
    { frames, whileStreaming, syncLabel }
  )
}


let session: Session
let dir: string
/** Described once, by whichever scenario runs first (each may run alone with -t). */
let machine: MachineReport | undefined

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-ui-bench-dash-'))
  session = await openWorkstation(join(dir, 'mechanica.db'))
})

afterAll(async () => {
  await session?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it(`dashboard frame times while a ${STREAM_STEPS.toLocaleString('en-US')}-step lab run streams in`, async () => {
  const page = session.page
  await openView(page, '3')
  await page.getByTestId('dashboard-view').waitFor()
  machine ??= await describeMachine(page, session.browser.version())
  const idleLoad = load1()
  const idle = await measureFrames(page, 180, false)

  const runId = await startLabRun(page, 'microstructure', { steps: STREAM_STEPS })
  await page.locator('[data-testid="dashboard-charts"][data-streaming="true"]').waitFor({ timeout: 60_000 })
  const streamingLoad = load1()
  const streaming = await measureFrames(page, 3600, true)
  await page.screenshot({ path: screenshotPath('dashboard-stream-bench') })
  // Where the long frames go: the rest of the run (or a second one) under Chromium's trace
  // (tracing slows the page, so the figures above are taken without it).
  const streamingNow = async (): Promise<boolean> => (await page.getByTestId('dashboard-charts').getAttribute('data-streaming')) === 'true'
  let tracedRun = runId
  if (!(await streamingNow())) {
    await waitForRun(page, runId, 'completed', 600_000)
    tracedRun = await startLabRun(page, 'microstructure', { steps: STREAM_STEPS })
    await page.locator('[data-testid="dashboard-charts"][data-streaming="true"]').waitFor({ timeout: 60_000 })
  }
  const trace = await traceFrames(page, 'dashboard-stream', () => measureFrames(page, 900, true, SYNC_LABEL))
  const result = {
    lab: 'microstructure',
    steps: STREAM_STEPS,
    viewport: '1400×900',
    browser: session.browser.version(),
    machine,
    frameBudgetMs: { p95: P95_BUDGET_MS, p99: P99_BUDGET_MS },
    load: { idle: idleLoad, streaming: streamingLoad },
    idle: stats(idle.intervals),
    streaming: { ...stats(streaming.intervals), chartUpdates: streaming.updates, pointsAtStart: streaming.pointsStart, pointsAtEnd: streaming.pointsEnd },
    trace
  }
  mergeUiBench({ dashboardStream: result })
  console.log(`\ndashboard while streaming ${STREAM_STEPS.toLocaleString('en-US')} steps (rAF intervals)\n${formatMachine(machine)}`)
  for (const [name, s] of [['idle', result.idle], ['streaming', result.streaming]] as const) {
    console.log(`${name.padEnd(10)} load ${result.load[name].toFixed(2).padStart(5)}  ${formatStats(s)}`)
  }
  console.log(`chart updates during the measurement: ${result.streaming.chartUpdates}, points ${result.streaming.pointsAtStart} → ${result.streaming.pointsAtEnd}`)
  console.log(formatTrace('stream', trace))
  await waitForRun(page, tracedRun, 'completed', 600_000)
  expect(result.streaming.chartUpdates).toBeGreaterThan(3)
}, 900_000)

it(`phase-space scatter redraws ${PHASE_BARS.toLocaleString('en-US')} points under continuous zoom`, async () => {
  const page = session.page
  machine ??= await describeMachine(page, session.browser.version())
  const runId = await startLabRun(page, 'heston-regime', { n_steps: PHASE_BARS })
  await waitForRun(page, runId, 'completed', 240_000)
  await openView(page, '5')
  await page.locator('select.run-picker').selectOption(String(runId))
  const scatter = page.getByTestId('phase-takens').getByTestId('scatter')
  await scatter.waitFor({ timeout: 120_000 })
  expect(await scatter.getAttribute('data-points')).toBe(String(PHASE_BARS))
  // Every frame a wheel step (in, then out): each one re-rasterises all points.
  const measured = await scatter.evaluate(
    (element, frames) =>
      new Promise<{ intervals: number[]; drawMs: number[] }>((resolve) => {
        const rect = element.getBoundingClientRect()
        const intervals: number[] = []
        const drawMs: number[] = []
        let last = 0
        let frame = 0
        const tick = (now: number): void => {
          if (last) intervals.push(now - last)
          last = now
          drawMs.push(Number(element.getAttribute('data-draw-ms')))
          element.dispatchEvent(new WheelEvent('wheel', { deltaY: frame % 60 < 30 ? -40 : 40, clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true, cancelable: true }))
          frame++
          if (frame <= frames) requestAnimationFrame(tick)
          else resolve({ intervals, drawMs })
        }
        requestAnimationFrame(tick)
      }),
    240
  )
  await page.screenshot({ path: screenshotPath('phase-100k') })
  const draws = measured.drawMs.slice(2).sort((a, b) => a - b)
  const result = {
    points: PHASE_BARS,
    machine,
    frameBudgetMs: { p95: P95_BUDGET_MS, p99: P99_BUDGET_MS },
    load: load1(),
    frames: stats(measured.intervals),
    pointsRedrawMs: { p50: draws[Math.floor(draws.length / 2)]!, p95: draws[Math.floor(draws.length * 0.95)]!, max: draws[draws.length - 1]! }
  }
  mergeUiBench({ phaseScatter: result })
  console.log(`\nphase scatter, ${PHASE_BARS.toLocaleString('en-US')} points, zoom every frame (rAF intervals)\n${formatMachine(machine)}`)
  console.log(`zooming   load ${result.load.toFixed(2).padStart(5)}  ${formatStats(result.frames)}`)
  console.log(`points redraw p50 ${result.pointsRedrawMs.p50.toFixed(1)} ms, p95 ${withBudget(result.pointsRedrawMs.p95, P95_BUDGET_MS)} ms, max ${result.pointsRedrawMs.max.toFixed(1)} ms`)
  expect(result.frames.frames).toBeGreaterThan(100)
}, 420_000)
