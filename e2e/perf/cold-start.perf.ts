import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, root, startHost } from '../support/host'
import { withBudget } from './frames'
import { load1 } from './machine'
import { mergeUiBench } from './ui-bench-report'

// Cold start to interactive: from spawning the browser host (a fresh process, fresh database)
// to the workstation's page showing the engine ready — what a user waits for after `npm start`
// once the build exists. Five launches; the browser is already running (its own start-up is
// not Mechanica's).
const LAUNCHES = 5
let browser: Browser
let dir: string

beforeAll(async () => {
  browser = await launchChromium()
  dir = mkdtempSync(join(tmpdir(), 'mechanica-cold-start-'))
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

// MECHANICA_UI_BENCH_BASELINE_OUT=<an out/ folder built from another commit> alternates its
// launches with out/'s, so that a before/after on a shared machine sees the same load.
const BASELINE_OUT = process.env.MECHANICA_UI_BENCH_BASELINE_OUT
// Where the time goes, per launch (ms from spawning the host): the host printing its address,
// the page's HTML received, the bundle parsed and run (DOMContentLoaded), the shell with its
// first data (app.info in the status bar), the engine ready in the page, and the first view
// (Explorer, in a fresh profile) listing the labs: the first screen complete.
interface Sample { hostMs: number; htmlMs: number; bundleMs: number; firstDataMs: number; interactiveMs: number; firstViewMs: number }

async function launch(database: string, outDir?: string): Promise<Sample> {
  const started = performance.now()
  const host = await startHost(database, outDir ? { outDir } : {})
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  const navigating = performance.now()
  await page.goto(host.url)
  await page.getByRole('navigation').first().waitFor()
  // Each moment timed on its own: they may come in any order.
  const at = (reached: Promise<unknown>): Promise<number> => reached.then(() => performance.now() - started)
  const [firstDataMs, interactiveMs, firstViewMs] = await Promise.all([
    // The first answers (app.info carries the database path the status bar shows).
    at(page.locator('.statusbar').filter({ hasText: '.db' }).waitFor()),
    at(page.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor()),
    at(page.locator('.lab-list .lab-id').first().waitFor())
  ])
  const nav = await page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    return { responseEnd: entry.responseEnd, domContentLoaded: entry.domContentLoadedEventEnd }
  })
  const offset = navigating - started
  await page.close()
  await host.stop()
  return { hostMs: host.startupMs, htmlMs: offset + nav.responseEnd, bundleMs: offset + nav.domContentLoaded, firstDataMs, interactiveMs, firstViewMs }
}

function summarise(samples: Sample[], load: number) {
  const median = (key: keyof Sample): number => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!
  const phases = { host: median('hostMs'), html: median('htmlMs'), bundle: median('bundleMs'), firstData: median('firstDataMs'), engineReady: median('interactiveMs'), firstView: median('firstViewMs') }
  return {
    launches: samples.length,
    load,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    budgetMs: 1500,
    medianMs: phases.engineReady,
    maxMs: Math.max(...samples.map((s) => s.interactiveMs)),
    hostStartupMedianMs: phases.host,
    phasesMedianMs: phases,
    samples
  }
}

/** Bytes of the scripts index.html loads before the page runs: what every cold start parses. */
function entryBytes(outDir: string): number {
  const html = readFileSync(join(outDir, 'renderer', 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1]!)
  return scripts.reduce((sum, file) => sum + statSync(join(outDir, 'renderer', file)).size, 0)
}

function print(label: string, report: ReturnType<typeof summarise> & { entryBytes: number }): void {
  const p = report.phasesMedianMs
  console.log(`\nentry scripts${label}: ${(report.entryBytes / 1000).toFixed(1)} kB`)
  console.log(`\ncold start to interactive${label} (browser host spawn → engine ready in the page), ${report.launches} launches, ${report.cpuModel} · ${report.cores} cores · load ${report.load.toFixed(2)}: median ${withBudget(report.medianMs, 1500)} ms, max ${report.maxMs.toFixed(0)} ms`)
  console.log(`  medians from spawn: host ready ${p.host.toFixed(0)} · HTML ${p.html.toFixed(0)} · bundle run (DOMContentLoaded) ${p.bundle.toFixed(0)} · shell and first data ${p.firstData.toFixed(0)} · engine ready ${p.engineReady.toFixed(0)} · first view with its labs ${p.firstView.toFixed(0)} ms`)
}

it('starts the browser host and reaches an interactive workstation in under 1.5 s', async () => {
  const load = load1()
  const samples: Sample[] = []
  const baseline: Sample[] = []
  for (let i = 0; i < LAUNCHES; i++) {
    if (BASELINE_OUT) baseline.push(await launch(join(dir, `base-${i}.db`), BASELINE_OUT))
    samples.push(await launch(join(dir, `cold-${i}.db`)))
  }
  const report = { ...summarise(samples, load), entryBytes: entryBytes(join(root, 'out')) }
  if (BASELINE_OUT) {
    const before = { ...summarise(baseline, load), entryBytes: entryBytes(BASELINE_OUT) }
    mergeUiBench({ coldStart: report, coldStartBaseline: { ...before, outDir: BASELINE_OUT } })
    print(` — baseline ${BASELINE_OUT}`, before)
  } else {
    mergeUiBench({ coldStart: report })
  }
  print('', report)
  expect(report.medianMs).toBeLessThan(1500)
})
