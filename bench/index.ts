import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { RandomWalkSpec, type RunSummary } from '../src/shared/contract'
import { startWorkstation } from '../src/main/app/workstation'
import { runRandomWalk } from '../src/main/engine/tasks/random-walk'
import { Xoshiro128 } from '../src/main/engine/rng/xoshiro128'
import { launchNodeProcess } from '../src/main/services/node-launcher'
import { expandExperiment } from '../src/main/experiments/plan'
import { runOnPool } from '../src/main/experiments/pool'
import { availableParallelism } from 'node:os'
import { SupervisedService } from '../src/main/services/service-host'
import { engineMethods } from '../src/shared/contract/protocol'
import { benchDecisionLog } from './decision-log'
import { benchAuditChain } from './audit-chain'
import { LAB_PROBE_FLAG, benchLabs, labProbe } from './labs'
import { MEMORY_PROBE_FLAG, benchMemory, memoryProbe } from './memory'
import { benchMicrostructure } from './microstructure'
import { benchRegime } from './regime'
import { REPEATS, best } from './timing'
import { labIds } from '../src/main/labs/registry'
import { benchMarketTerrainState } from './market-terrain-state'
import { benchRisk } from './risk'
import { benchAgent } from './agent'
import { benchMarketTerrain } from './market-terrain'
import { benchSweepScaling as benchShortSweeps } from './sweep-scaling'
import { benchQueue } from './sweep-queue'

// `npm run bench`: the slice's throughput at each layer, as absolute figures and as ratios to a
// baseline measured in this same process (so machine speed cancels out of the ratios).
const STEPS = 10_000_000
const workersDir = join(__dirname, 'workers')

interface Row {
  name: string
  seconds: number
  stepsPerSecond: number
  ratio: number | null
}

async function main(): Promise<void> {
  const spec = RandomWalkSpec.parse({ task: 'random-walk', steps: STEPS, seed: 1 })
  const rows: Row[] = []
  const add = (name: string, seconds: number, baseline: number | null): void => {
    rows.push({ name, seconds, stepsPerSecond: STEPS / seconds, ratio: baseline === null ? null : seconds / baseline })
  }

  // Baseline: the generator alone — N standard normals summed, nothing else.
  let sink = 0
  const baseline = await best(() => {
    const rng = new Xoshiro128(1)
    let s = 0
    for (let i = 0; i < STEPS; i++) s += rng.standardNormal()
    sink += s
  })
  add('baseline: xoshiro128** normals (in process)', baseline, null)

  add('engine task in process (stats, hash, path)', await best(async () => void (await runRandomWalk(spec))), baseline)

  const engine = new SupervisedService('engine', engineMethods, join(workersDir, 'engine.js'), launchNodeProcess)
  await engine.start()
  add('engine service (child process, IPC)', await best(async () => void (await engine.call('engine.run', { spec }))), baseline)
  await engine.stop()

  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-'))
  const coldStart = performance.now()
  const ws = await startWorkstation({ host: 'browser', databasePath: join(dir, 'bench.db'), launcher: launchNodeProcess, workersDir })
  await ws.servicesReady
  const coldStartMs = performance.now() - coldStart
  const slice = await best(
    () =>
      new Promise<void>((resolve, reject) => {
        let runId = -1
        const off = ws.events.subscribe((event, payload) => {
          const run = (payload as { run?: RunSummary }).run
          if (event === 'run.updated' && run?.id === runId && run.status !== 'running') {
            off()
            if (run.status === 'completed') resolve()
            else reject(new Error(`run ended ${run.status}: ${run.error}`))
          }
        })
        void ws.router.call('runs.start', { spec }, { transport: 'direct' }).then((outcome) => {
          if (!outcome.ok) reject(new Error(outcome.error.message))
          else runId = (outcome.value as { run: RunSummary }).run.id
        })
      })
  )
  add('full slice: router → engine → store → events', slice, baseline)
  await ws.close()
  rmSync(dir, { recursive: true, force: true })

  console.log(`\nMechanica bench — random walk, ${STEPS.toLocaleString('en-US')} steps, best of ${REPEATS} (Node ${process.versions.node})\n`)
  console.log(`${'layer'.padEnd(48)} ${'seconds'.padStart(8)} ${'steps/s'.padStart(12)} ${'× baseline'.padStart(11)}`)
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(48)} ${row.seconds.toFixed(3).padStart(8)} ${(row.stepsPerSecond / 1e6).toFixed(1).padStart(10)} M ${row.ratio === null ? '—'.padStart(11) : row.ratio.toFixed(2).padStart(11)}`
    )
  }
  console.log(`\nworkstation cold start (store open + both services ready): ${coldStartMs.toFixed(0)} ms`)
  if (!Number.isFinite(sink)) console.log('(sink)', sink)
  await benchLabs()
  await benchSweepScaling()
  await benchShortSweeps()
  await benchQueue()
  await benchMicrostructure()
  await benchMemory()
  await benchRegime()
  await benchDecisionLog()
  await benchAuditChain()
  await benchMarketTerrainState()
  await benchRisk()
  await benchAgent()
  await benchMarketTerrain()
}

/**
 * Sweep scaling: the same 16-run seed ensemble (20,000 steps each) on 1 process, then one per
 * core. Each process is warmed up first so JIT compilation is not what gets measured. (Runs
 * of a few thousand steps scale poorly here: per-run fixed costs and allocation dominate.)
 */
async function benchSweepScaling(): Promise<void> {
  const SWEEP_T = 20_000
  const lab = labIds()[0]!
  const runs = expandExperiment({ lab, preset: 'faithful', base: { T: SWEEP_T }, seeds: Array.from({ length: 16 }, (_, i) => i + 1), grid: [], stress: [] })
  const cores = availableParallelism()
  const timings: Array<{ processes: number; seconds: number }> = []
  for (const processes of [...new Set([1, cores])]) {
    const workers = Array.from({ length: processes }, () => new SupervisedService('engine', engineMethods, join(workersDir, 'engine.js'), launchNodeProcess))
    await Promise.all(workers.map((w) => w.start()))
    await Promise.all(workers.map((w) => w.call('engine.run', { spec: runs[0]!.spec })))
    const t0 = performance.now()
    await runOnPool(workers, runs, (w, run) => w.call('engine.run', { spec: run.spec }))
    timings.push({ processes, seconds: (performance.now() - t0) / 1000 })
    await Promise.all(workers.map((w) => w.stop()))
  }
  const one = timings[0]!.seconds
  console.log(`
sweep: ${runs.length} runs of ${lab}, ${SWEEP_T.toLocaleString('en-US')} steps each`)
  for (const t of timings) {
    console.log(`  ${String(t.processes).padStart(2)} process(es): ${t.seconds.toFixed(2)} s, ${(runs.length / t.seconds).toFixed(1)} runs/s, speed-up × ${(one / t.seconds).toFixed(2)}`)
  }
}

// The bench starts itself again for measurements that need a fresh process; `--regime` runs
// only the regime model's comparison (`npm run bench -- --regime`).
const probes: Record<string, (args: string[]) => Promise<void>> = { [MEMORY_PROBE_FLAG]: memoryProbe, [LAB_PROBE_FLAG]: labProbe, '--regime': () => benchRegime(), '--risk': () => benchRisk(), '--agent': () => benchAgent(), '--sweep': () => benchShortSweeps(), '--queue': (args) => benchQueue(args), '--terrain': () => benchMarketTerrain() }
const probe = probes[process.argv[2] ?? '']
;(probe ? probe(process.argv.slice(3)) : main()).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
