import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

/** CPU seconds (user + system) a process has used, from /proc; null where there is no /proc. */
function cpuSecondsOf(pid: number | null): number | null {
  if (pid === null) return null
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/**
 * The machine's own ceiling: a fixed arithmetic loop (no allocation, no messages) in 1 and then
 * `processes` child processes at once. If even this does not scale linearly, the cores are not
 * independent (shared physical cores or a host that overcommits them) and no pool can do better.
 */
export async function machineCeiling(processes: number): Promise<number> {
  const loop = 'let x=0;for(let i=0;i<3e8;i++){x=(Math.imul(x,1664525)+1013904223+i)|0}if(x===7)console.log(x)'
  const once = async (count: number): Promise<number> => {
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: count }, () => new Promise<void>((resolve, reject) => spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`calibration loop exited ${code}`))))))
    )
    return (performance.now() - t0) / 1000
  }
  const one = await once(1)
  const many = await once(processes)
  return (processes * one) / many
}

/**
 * Runs per second of `cells` on `processes` engines, one run per message or batched, and main's
 * CPU time per run: on two cores, every millisecond main spends is taken from an engine.
 */
export async function sweepRate(cells: SweepCellTask[], processes: number, batched: boolean): Promise<{ perSecond: number; mainMs: number; engineMs: number | null }> {
  return withEngines(processes, cells[0]!, async (engines) => {
    const engineCpu = (): number | null => {
      const each = engines.map((e) => cpuSecondsOf(e.status().pid))
      return each.some((s) => s === null) ? null : each.reduce((a: number, b) => a + b!, 0)
    }
    const engine0 = engineCpu()
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    if (batched) await runCellsOnPool(engines, cells, async (e, batch) => (await e.call('engine.runCells', { cells: batch })).cells)
    else await runOnPool(engines, cells, (e, cell) => e.call('engine.run', { spec: cell.spec }))
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    const engine1 = engineCpu()
    const engineMs = engine0 === null || engine1 === null ? null : ((engine1 - engine0) * 1000) / cells.length
    return { perSecond: cells.length / seconds, mainMs: (cpu.user + cpu.system) / 1000 / cells.length, engineMs }
  })
}

export async function benchSweepScaling(): Promise<void> {
  const cores = availableParallelism()
  const two = Math.min(2, cores)
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ')
  console.log(`\nsweep scaling — short runs on 1 and ${two} engine processes (${cores} cores; load average ${load()} at start)`)
  const ceiling = await machineCeiling(two)
  console.log(`machine ceiling: a fixed arithmetic loop in ${two} processes at once runs ${ceiling.toFixed(2)}× one (${((ceiling / two) * 100).toFixed(0)} % of linear) — no pool can scale better than this`)
  console.log(`${'runs'.padEnd(34)} ${'in process'.padStart(10)} ${'path'.padEnd(16)} ${'1 proc'.padStart(9)} ${`${two} procs`.padStart(9)} ${'ratio'.padStart(6)} ${'of linear'.padStart(9)} ${'main ms/run'.padStart(11)} ${'engine CPU ms/run 1→2'.padStart(22)}`)
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
        `${`${c.runs} × ${c.name}`.padEnd(34)} ${inProcess.toFixed(0).padStart(8)}/s ${(batched ? 'batched cells' : 'run per message').padEnd(16)} ${one.perSecond.toFixed(0).padStart(7)}/s ${many.perSecond.toFixed(0).padStart(7)}/s ${ratio.toFixed(2).padStart(6)} ${`${((ratio / two) * 100).toFixed(0)} %`.padStart(9)} ${many.mainMs.toFixed(3).padStart(11)} ${(one.engineMs === null || many.engineMs === null ? 'n/a' : `${one.engineMs.toFixed(2)} → ${many.engineMs.toFixed(2)}`).padStart(22)}`
      )
    }
  }
  console.log(`  load average ${load()} at end (a shared machine depresses the ${two}-process figures)`)
}
