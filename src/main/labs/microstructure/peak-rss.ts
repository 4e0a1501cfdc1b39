import { spawnSync } from 'node:child_process'
import { ResultsHasher, resolveLabConfig, runLab } from '../../engine/kernel'
import { SeriesStream } from '../series-stream'
import { microstructureLab } from './lab'

// The memory check of issue 11 item 7: a faithful baseline_mm run of 10,000,000 steps must peak
// under 200 MB resident, flat in run length. A run folds its outputs as the engine does (the
// lab's report, the results hash, the conflated chart series; no decision log) in this process;
// peak RSS is the process's, so each run length needs a fresh process. Too slow for the test
// suite (10M steps take about half a minute; the benchmark times it): for the benchmark, e.g.
//   child:  node out/main/bench.js microstructure-rss <steps>   → prints peakRssRun(steps) as JSON
//   parent: peakRssInChildren([process.execPath, 'out/main/bench.js', 'microstructure-rss'], [1e6, 2e6, 1e7])

export interface PeakRss {
  steps: number
  /** process.resourceUsage().maxRSS after the run, in MiB. */
  peakRssMiB: number
  finalPnl: number | null
  resultsHash: string
}

/** One faithful baseline_mm run of `steps` steps, in this process; call it in a fresh process per run length. */
export async function peakRssRun(steps: number): Promise<PeakRss> {
  const config = resolveLabConfig(microstructureLab, 'faithful', { steps })
  const market = microstructureLab.market(config, {})
  const report = microstructureLab.report(config, market)
  const hasher = new ResultsHasher()
  const costComponents = microstructureLab.execution(config).components
  const series = new SeriesStream(steps, { regimeNames: microstructureLab.regimes(config), actionNames: microstructureLab.actions, costComponents })
  const end = await runLab(microstructureLab, config, { market, sinks: [report, hasher, series] })
  const { metrics } = report.finish(end)
  const resultsHash = hasher.finish(end)
  series.finish()
  return {
    steps,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    finalPnl: metrics.final_pnl ?? null,
    resultsHash
  }
}

/** Runs `command … <steps>` once per run length, each in a fresh process, and reads the JSON line each prints last. */
export function peakRssInChildren(command: readonly string[], runs: readonly number[]): PeakRss[] {
  return runs.map((steps) => {
    const child = spawnSync(command[0]!, [...command.slice(1), String(steps)], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (child.status !== 0) throw new Error(`microstructure peak RSS run of ${steps} steps failed (exit ${child.status}): ${child.stderr}`)
    const lines = child.stdout.trim().split('\n')
    return JSON.parse(lines[lines.length - 1]!) as PeakRss
  })
}
