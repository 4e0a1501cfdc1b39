import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PerformanceObserver, performance } from 'node:perf_hooks'
import type { LabRunSpec } from '../src/shared/contract'
import { executeLab, planLab } from '../src/main/labs/execute'
import { labIds, labRegistry } from '../src/main/labs/registry'
import { REPEATS } from './timing'

// `npm run bench`, labs: each lab's steps per second on a long run, the share of it spent in
// garbage collection, the cost of keeping the chained decision log, and — for the book's labs,
// when the companion notebooks are at hand (MECHANICA_NOTEBOOKS=folder, python3 with NumPy and
// pandas) — the notebook's own loop on the same configuration, timed in the same run through
// tools/fixtures/notebooks (--time), as a ratio. Each lab is timed in a fresh process, as the CLI
// runs it: labs timed one after another in one process slow each other down (the kernel's calls
// into the lab see several labs and V8 stops inlining them), which is the engine service's case
// when it serves many labs; the figures here are one lab's own speed.

export const LAB_PROBE_FLAG = '--lab-probe'


interface BenchCase {
  overrides: Record<string, unknown>
  /** The same configuration for the notebook harness's timing mode (book labs). */
  notebook?: { T: number; set?: string[] }
}

// A long run per lab. Book labs use their notebook's own timing configuration: chapter 2 at
// T = 50,000 (about 11 s a run in the notebook), chapter 5 at
// T = 90,000 (the notebook's default seed 11); chapter 3's loop rebuilds its equity history every
// step (cost ∝ T²), so T = 35,000 with a stop that cannot fire, as the harness times it.
const CASES: Record<string, BenchCase> = {
  // chapter 1 steps its engine inside the loop (≈ 6.5 ms a tick in the notebook): both sides time
  // the whole run, the 102 pre-session ticks included, at the notebook's seed 42
  'crypto-arb': { overrides: { 'session.num_ticks': 10_000 }, notebook: { T: 10_000 } },
  'fx-carry': { overrides: { T: 35_000, 'risk_params.max_dd_stop': 1 }, notebook: { T: 35_000, set: ['risk_params.max_dd_stop=1.0'] } },
  'yield-curve': { overrides: { T: 90_000 }, notebook: { T: 90_000 } },
  'credit-spreads': { overrides: { T: 90_000 }, notebook: { T: 90_000 } },
  // chapter 2 simulates its market inside its loop; its default seed 7 at T = 50,000
  'oil-curve': { overrides: { T: 50_000 }, notebook: { T: 50_000 } },
  'funding-basis': { overrides: { T: 500_000 } },
  'latency-arb': { overrides: { T: 1_000_000 } },
  microstructure: { overrides: { steps: 200_000 } },
  // its walk-forward refits the baselines every 20 bars on all bars before: the market dominates
  'heston-regime': { overrides: { n_steps: 5_000 } },
  // chapter 6's σ is per step, so log spot drifts down ≈ 2 % a step and underflows to 0 (a NaN
  // P&L, in the notebook too) after ≈ 32,000 steps on seed 7: T = 30,000 at the notebook's seed
  'vol-surface': { overrides: { T: 30_000 }, notebook: { T: 30_000 } },
  // the notebook steps its system inside the loop; the lab simulates it up front (its market), and
  // the surface's institutions path is T × N, so T is capped at 20,000; stop that cannot fire
  cascade: { overrides: { T: 20_000, 'risk_params.max_dd_stop': 1 }, notebook: { T: 20_000, set: ['risk_params.max_dd_stop=1.0'] } },
  // the market holds T × 8 returns and momenta; the notebook precomputes a T × 8 × 8 cube twice
  'equity-factors': { overrides: { T: 20_000 }, notebook: { T: 20_000 } },
  'order-flow': { overrides: { T: 200_000 }, notebook: { T: 200_000 } },
  // every step re-estimates a 60-row covariance and its eigenvalues in the market: both sides time the loop
  'cross-asset': { overrides: { T: 20_000 }, notebook: { T: 20_000 } }
}

interface NotebookTiming {
  seconds_simulate: number
  seconds_loop: number
  steps: number
}

/** The notebook's own timing through the harness, or why there is none. */
function notebookTiming(lab: string, c: BenchCase): NotebookTiming | string {
  const folder = process.env.MECHANICA_NOTEBOOKS
  if (!c.notebook) return 'no notebook'
  if (!folder) return 'set MECHANICA_NOTEBOOKS'
  const script = join(__dirname, '..', '..', 'tools', 'fixtures', 'notebooks', 'make.py')
  if (!existsSync(script)) return 'no harness'
  const args = [script, '--notebook', folder, '--lab', lab, '--time', '--T', String(c.notebook.T), '--repeats', String(REPEATS), ...(c.notebook.set ?? []).flatMap((s) => ['--set', s])]
  const out = spawnSync(process.env.MECHANICA_PYTHON ?? 'python3', args, { encoding: 'utf8', timeout: 20 * 60_000 })
  if (out.status !== 0) return `harness failed: ${(out.stderr || out.error?.message || '').trim().split('\n').at(-1)}`
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as NotebookTiming
}

/** Runs per lab measurement: short runs on a shared machine need more of them for a steady best. */
const LAB_REPEATS = 7

/** Best wall time of fn over LAB_REPEATS runs, and the share of all their time spent in GC. */
async function timed(fn: () => Promise<unknown> | unknown): Promise<{ seconds: number; gcShare: number }> {
  let gcMs = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration
  })
  observer.observe({ entryTypes: ['gc'] })
  let best = Number.POSITIVE_INFINITY
  let total = 0
  for (let i = 0; i < LAB_REPEATS; i++) {
    const t0 = performance.now()
    await fn()
    const ms = performance.now() - t0
    total += ms
    best = Math.min(best, ms)
  }
  // GC entries arrive asynchronously: let them in before reading the sum.
  await new Promise((resolve) => setTimeout(resolve, 50))
  observer.disconnect()
  return { seconds: best / 1000, gcShare: gcMs / total }
}

const us = (seconds: number, steps: number): string => ((seconds / steps) * 1e6).toFixed(2)
const rate = (steps: number, seconds: number): string => `${(steps / seconds / 1e3).toFixed(0)} k`

interface LabTiming {
  steps: number
  market: number
  run: number
  logged: number
  gcShare: number
}

/** In the child: one lab's market, run and run-with-log times (best of LAB_REPEATS), as a JSON line. */
export async function labProbe(args: string[]): Promise<void> {
  const id = args[0]!
  const c = CASES[id] ?? { overrides: {} }
  const spec: LabRunSpec = { task: 'lab', lab: id, preset: 'faithful', overrides: c.overrides }
  const plan = planLab(spec)
  const lab = labRegistry.get(id)!
  await executeLab(spec) // warm-up: JIT, not what gets measured
  const market = await timed(() => lab.market(plan.config, {}))
  const run = await timed(() => executeLab(spec))
  const logged = await timed(() => executeLab(spec, { onLogSlice: () => undefined }))
  const timing: LabTiming = { steps: plan.steps, market: market.seconds, run: run.seconds, logged: logged.seconds, gcShare: run.gcShare }
  console.log(JSON.stringify(timing))
}

export async function benchLabs(): Promise<void> {
  console.log(`\nlabs — faithful preset, one long run each in a fresh process, best of ${LAB_REPEATS} (notebooks best of ${REPEATS}; Node ${process.versions.node})`)
  console.log('  market: the exogenous path simulated up front; loop: the closed loop with metrics, counts, chart series and results hash; +log: the chained decision log too')
  console.log(`${'lab'.padEnd(16)} ${'steps'.padStart(9)} ${'market µs'.padStart(10)} ${'loop µs'.padStart(8)} ${'run steps/s'.padStart(12)} ${'GC %'.padStart(5)} ${'+log µs'.padStart(8)}   notebook (same config)`)
  for (const id of labIds()) {
    const c = CASES[id] ?? { overrides: {} }
    const out = spawnSync(process.execPath, [process.argv[1]!, LAB_PROBE_FLAG, id], { encoding: 'utf8', timeout: 20 * 60_000 })
    if (out.status !== 0) {
      console.log(`${id.padEnd(16)} failed: ${(out.stderr || out.error?.message || '').trim().split('\n').at(-1)}`)
      continue
    }
    const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as LabTiming
    const n = r.steps
    const loop = Math.max(0, r.run - r.market)
    const notebook = notebookTiming(id, c)
    let versus = typeof notebook === 'string' ? `— (${notebook})` : ''
    if (typeof notebook !== 'string') {
      const nbLoop = notebook.seconds_loop / notebook.steps
      const nbTotal = (notebook.seconds_simulate + notebook.seconds_loop) / notebook.steps
      versus =
        `market + loop ${(nbTotal * 1e6).toFixed(1)} µs → × ${(nbTotal / (r.run / n)).toFixed(0)} per step; ` +
        `loop alone ${(nbLoop * 1e6).toFixed(1)} µs → × ${(nbLoop / (loop / n)).toFixed(0)}`
    }
    console.log(
      `${id.padEnd(16)} ${n.toLocaleString('en-US').padStart(9)} ${us(r.market, n).padStart(10)} ${us(loop, n).padStart(8)} ${rate(n, r.run).padStart(12)} ${(r.gcShare * 100).toFixed(1).padStart(5)} ${us(Math.max(0, r.logged - r.market), n).padStart(8)}   ${versus}`
    )
  }
}
