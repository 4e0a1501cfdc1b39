import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openDatabase } from '../../src/main/store/database'
import { RunsRepository } from '../../src/main/store/runs-repository'
import { syntheticStepRecords } from '../../src/main/store/synthetic-step-log'
import { openWorkstation, screenshotPath, type Session } from '../support/host'
import { formatStats, frameStats, P95_BUDGET_MS, P99_BUDGET_MS, type FrameStats } from './frames'
import { describeMachine, formatMachine, load1 } from './machine'
import { formatTrace, SYNC_LABEL, traceFrames, type FrameTrace } from './trace'
import { mergeUiBench } from './ui-bench-report'

// Scrolling a 1,000,000-row decision log in Chromium against the browser host, timed with
// requestAnimationFrame. The log is written through the real repository (a deterministic
// synthetic batch: no lab reaches a million steps in seconds); pages come from SQLite on demand.

const STEPS = 1_000_000

interface Scenario {
  name: string
  frames: number
  /** Rows scrolled per frame (0: none); `jumps` jumps to a random row every 10th frame instead. */
  rowsPerFrame: number
  fromRow: number
  describe: string
}

interface ScenarioResult extends FrameStats {
  scenario: string
  description: string
  /** 1-minute load average when the scenario started. */
  load: number
  /** Frames in which a drawn row was still loading, its page not yet fetched. */
  framesStillLoading: number
}

let session: Session
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-ui-bench-'))
  const file = join(dir, 'million.db')
  const db = openDatabase(file)
  const repository = new RunsRepository(db)
  const spec = { task: 'lab' as const, lab: 'synthetic', preset: 'faithful', overrides: {} }
  const run = repository.create({ spec, seed: 1, steps: STEPS, configHash: 'c'.repeat(64), codeVersion: 'ui-bench', createdAt: new Date(0).toISOString() })
  repository.complete(
    run.id,
    new Date(0).toISOString(),
    { results: { kind: 'random-walk', summary: { steps: STEPS, final: 0, min: 0, max: 0, meanIncrement: 0, stdevIncrement: 0, maxDrawdown: 0 }, pathStride: 1, path: new Float64Array(1) }, resultsHash: 'h'.repeat(64) },
    syntheticStepRecords(STEPS, 1)
  )
  db.close()
  session = await openWorkstation(file)
})

afterAll(async () => {
  await session?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Scrolls the log as the scenario says, one step per rAF; returns the frames' timestamps. */
function scroll(page: Page, scenario: Scenario, syncLabel: string | null): Promise<{ frameTimes: number[]; loadingFrames: number; syncMs: number }> {
  return page.evaluate(
    ({ scenario, syncLabel }) =>
      new Promise<{ frameTimes: number[]; loadingFrames: number; syncMs: number }>((resolve) => {
        const el = document.querySelector('.log-scroll') as HTMLElement
        const rowPx = 20
        // The view scales scrollTop past ~15M px; map rows to scrollTop the same way it does.
        const maxTop = el.scrollHeight - el.clientHeight
        const rowsHeight = 1_000_000 * rowPx - el.clientHeight
        const toTop = (row: number): number => Math.min(maxTop, (row * rowPx * maxTop) / rowsHeight)
        let seed = 12345
        const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296
        const frameTimes: number[] = []
        let loadingFrames = 0
        let frame = 0
        const syncMs = performance.now()
        if (syncLabel) console.timeStamp(syncLabel)
        const tick = (now: number): void => {
          frameTimes.push(now)
          // The canvas grid says how many rows it drew still loading.
          if (document.querySelector<HTMLElement>('.log-canvas')?.dataset.waiting !== '0') loadingFrames++
          if (scenario.name === 'jumps') {
            if (frame % 10 === 0) el.scrollTop = toTop(Math.floor(random() * 999_900))
          } else if (scenario.rowsPerFrame > 0) el.scrollTop = toTop(scenario.fromRow + frame * scenario.rowsPerFrame)
          frame++
          if (frame <= scenario.frames) requestAnimationFrame(tick)
          else resolve({ frameTimes, loadingFrames, syncMs })
        }
        requestAnimationFrame(tick)
      }),
    { scenario, syncLabel }
  )
}

const intervalsOf = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!)

it('scrolls a 1,000,000-row decision log; frame times saved to test-results/ui-bench.json', async () => {
  const page = session.page
  await page.getByRole('link', { name: /Decision log/ }).click()
  await page.getByLabel('Run', { exact: true }).selectOption('1')
  await expect.poll(() => page.getByTestId('log-count').textContent(), { timeout: 30_000 }).toBe('1,000,000 steps')
  await page.locator('.log-row:not(.loading)').first().waitFor()

  const machine = await describeMachine(page, session.browser.version())
  const scenarios: Scenario[] = [
    { name: 'idle', frames: 240, rowsPerFrame: 0, fromRow: 0, describe: 'no scrolling: the machine’s own frame jitter (baseline)' },
    { name: 'wheel', frames: 600, rowsPerFrame: 3, fromRow: 0, describe: 'steady scroll, 3 rows per frame (~180 rows/s), from row 0' },
    { name: 'fling', frames: 600, rowsPerFrame: 20, fromRow: 400_000, describe: 'fast scroll, 20 rows per frame (~1,200 rows/s), from row 400,000' },
    { name: 'sprint', frames: 300, rowsPerFrame: 60, fromRow: 700_000, describe: 'very fast scroll, 60 rows per frame (~3,600 rows/s, a new screenful every frame), from row 700,000' },
    { name: 'jumps', frames: 300, rowsPerFrame: 0, fromRow: 0, describe: 'a jump to a random row every 10th frame (scrollbar drags), 1,000,000 rows' }
  ]
  // MECHANICA_UI_BENCH_SCENARIOS=wheel,fling runs only those (while iterating on one of them).
  const only = process.env.MECHANICA_UI_BENCH_SCENARIOS?.split(',')
  const results: ScenarioResult[] = []
  for (const scenario of scenarios.filter((s) => !only || only.includes(s.name))) {
    const load = load1()
    const measured = await scroll(page, scenario, null)
    results.push({ scenario: scenario.name, description: scenario.describe, load, ...frameStats(intervalsOf(measured.frameTimes)), framesStillLoading: measured.loadingFrames })
  }
  // Where the long frames go: wheel and fling again under Chromium's trace, on rows not yet visited (no page cached).
  const traces: Record<string, FrameTrace> = {}
  for (const scenario of [
    { ...scenarios[1]!, frames: 300, fromRow: 200_000 },
    { ...scenarios[2]!, frames: 300, fromRow: 600_000 }
  ].filter((s) => !only || only.includes(s.name))) {
    traces[scenario.name] = await traceFrames(page, `decision-log-${scenario.name}`, () => scroll(page, scenario, SYNC_LABEL))
  }
  await page.screenshot({ path: screenshotPath('decision-log-million') })

  // A row far down the log is the store's row: scroll there and read it.
  await page.locator('.log-scroll').evaluate((el) => {
    const maxTop = el.scrollHeight - el.clientHeight
    el.scrollTop = (987_654 * 20 * maxTop) / (1_000_000 * 20 - el.clientHeight)
  })
  const shown = page.locator('.log-row[data-t="987654"]')
  await shown.waitFor()

  const report = { steps: STEPS, viewport: '1400×900', machine, frameBudgetMs: { p95: P95_BUDGET_MS, p99: P99_BUDGET_MS }, scenarios: results, traces }
  mergeUiBench({ decisionLog: report })
  console.log(`\ndecision log, ${STEPS.toLocaleString('en-US')} rows (rAF frame intervals)\n${formatMachine(machine)}`)
  for (const r of results) console.log(`${r.scenario.padEnd(7)} load ${r.load.toFixed(2).padStart(5)}  ${formatStats(r)}  frames still loading ${r.framesStillLoading}`)
  for (const [name, trace] of Object.entries(traces)) console.log(formatTrace(name, trace))
  expect(results.every((r) => r.frames > 0)).toBe(true)
}, 900_000)
