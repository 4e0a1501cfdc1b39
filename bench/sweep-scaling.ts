import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { LabRunSpec } from '../src/shared/contract'
import { engineMethods, type SweepCellTask } from '../src/shared/contract/protocol'
import { runCellsOnPool } from '../src/main/experiments/batch-pool'
import { runOnPool } from '../src/main/experiments/pool'
import { runCell } from '../src/main/experiments/run-cell'
import { launchNodeProcess } from '../src/main/services/node-launcher'
import { SupervisedService } from '../src/main/services/service-host'

// `npm run bench`, sweep scaling: short runs (an 800-step book lab, a 2,500-step order book)
// spread over 1 and then 2 engine processes, one run per message (engine.run, what sweeps did)
// against batches of cells per message (engine.runCells). Measured back to back in this process;
// the load average is printed beside them because other work on the machine depresses the ratio.

interface Case {
  name: string
  runs: number
  spec: (seed: number) => LabRunSpec
}

export const SWEEP_CASES: Case[] = [
  { name: 'fx-carry, 800 steps', runs: 400, spec: (seed) => ({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 800 }, seed }) },
  { name: 'microstructure, 2,500 steps', runs: 120, spec: (seed) => ({ task: 'lab', lab: 'microstructure', preset: 'faithful', overrides: { steps: 2500 }, seed }) }
]

type Engine = SupervisedService<typeof engineMethods>

async function withEngines<T>(count: number, warm: SweepCellTask, fn: (engines: Engine[]) => Promise<T>): Promise<T> {
  const engines = Array.from({ length: count }, () => new SupervisedService('engine', engineMethods, join(__dirname, 'workers', 'engine.js'), launchNodeProcess))
  try {
    await Promise.all(engines.map((e) => e.start()))
    // Warm-up: JIT compilation of both paths is not what gets measured.
    await Promise.all(engines.map((e) => e.call('engine.runCells', { cells: Array.from({ length: 20 }, () => warm) })))
    await Promise.all(engines.map((e) => e.call('engine.run', { spec: warm.spec })))
    return await fn(engines)
  } finally {
    await Promise.all(engines.map((e) => e.stop()))
  }
}

/**
 * Runs per second of `cells` on `processes` engines, one run per message or batched, and main's
 * CPU time per run: on two cores, every millisecond main spends is taken from an engine.
 */
export async function sweepRate(cells: SweepCellTask[], processes: number, batched: boolean): Promise<{ perSecond: number; mainMs: number }> {
  return withEngines(processes, cells[0]!, async (engines) => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    if (batched) await runCellsOnPool(engines, cells, async (e, batch) => (await e.call('engine.runCells', { cells: batch })).cells)
    else await runOnPool(engines, cells, (e, cell) => e.call('engine.run', { spec: cell.spec }))
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    return { perSecond: cells.length / seconds, mainMs: (cpu.user + cpu.system) / 1000 / cells.length }
  })
}

export async function benchSweepScaling(): Promise<void> {
  const cores = availableParallelism()
  const two = Math.min(2, cores)
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')
  console.log(`\nsweep scaling — short runs on 1 and ${two} engine processes (${cores} cores; load average ${load()} at start)`)
  console.log(`${'runs'.padEnd(34)} ${'in process'.padStart(10)} ${'path'.padEnd(16)} ${'1 proc'.padStart(9)} ${`${two} procs`.padStart(9)} ${'ratio'.padStart(6)} ${'of linear'.padStart(9)} ${'main ms/run'.padStart(11)}`)
  for (const c of SWEEP_CASES) {
    const cells = Array.from({ length: c.runs }, (_, i): SweepCellTask => ({ spec: c.spec(i + 1) }))
    // The run alone, in this process: what one process could do with no messages at all.
    for (let i = 0; i < 20; i++) await runCell(cells[i % cells.length]!, false)
    const t0 = performance.now()
    for (const cell of cells) await runCell(cell, false)
    const inProcess = cells.length / ((performance.now() - t0) / 1000)
    for (const batched of [false, true]) {
      const one = await sweepRate(cells, 1, batched)
      const many = await sweepRate(cells, two, batched)
      const ratio = many.perSecond / one.perSecond
      console.log(
        `${`${c.runs} × ${c.name}`.padEnd(34)} ${inProcess.toFixed(0).padStart(8)}/s ${(batched ? 'batched cells' : 'run per message').padEnd(16)} ${one.perSecond.toFixed(0).padStart(7)}/s ${many.perSecond.toFixed(0).padStart(7)}/s ${ratio.toFixed(2).padStart(6)} ${`${((ratio / two) * 100).toFixed(0)} %`.padStart(9)} ${many.mainMs.toFixed(3).padStart(11)}`
      )
    }
  }
  console.log(`  load average ${load()} at end (a shared machine depresses the ${two}-process figures)`)
}
