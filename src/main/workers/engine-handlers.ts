import { ApiError } from '../../shared/contract'
import type { EngineMethods } from '../../shared/contract/protocol'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { labCatalogue } from '../labs/catalogue'
import { CsvValidationError, parsePriceCsv } from '../regime/csv'
import { executeLab, findLab, planLab } from '../labs/execute'
import { surfaceFrames, surfaceSource } from '../labs/surfaces'
import type { ServiceHandlers, TaskContext } from '../services/protocol'
import { configHash } from '../engine/hashing'
import { yieldToEventLoop } from './runtime'
import { runCell } from '../experiments/run-cell'
import { CancelledError } from '../engine/cancellation'
import { terrainView } from '../labs/market-terrain/view-data'
import { portfolioRiskStepped } from '../risk/portfolio-risk'
import { terrainCsvHandlers } from './terrain-csv-handlers'

function loopHost(ctx: TaskContext<EngineMethods, 'engine.run'>) {
  return {
    signal: ctx.signal,
    onProgress: (done: number, total: number) => ctx.emit('progress', { done, total }),
    yieldControl: yieldToEventLoop
  }
}

/**
 * The engine service: plans and runs deterministic engine tasks off the main thread. Each
 * handler gets its params already parsed with the engine's method table (specs with their
 * defaults, inputs as typed arrays), and must answer with the table's response.
 */
// The catalogue (forms, presets, self-descriptions: about 360 kB) is fixed by the code: built once.
let catalogue: ReturnType<typeof labCatalogue> | null = null

export const engineHandlers: ServiceHandlers<EngineMethods> = {
  'engine.labs': () => ({ labs: (catalogue ??= labCatalogue()) }),
  // The stress menu of the config a spec resolves to; planning first refuses a bad spec with field issues.
  'engine.stressMenu': ({ spec }) => {
    const plan = planLab(spec)
    return { variants: plan.lab.stressMenu(plan.config) }
  },
  // A price series for the regime model: any lab's traded price (with its regime labels), or a parsed CSV.
  'engine.regimeSeries': ({ source }) => {
    if (source.kind === 'csv') {
      try {
        return { source: source.name, closes: parsePriceCsv(source.text).close, labels: null }
      } catch (error) {
        if (error instanceof CsvValidationError) throw new ApiError('invalid_params', `${source.name}: ${error.message}`)
        throw error
      }
    }
    const { spec } = source
    const lab = findLab(spec.lab)
    if (!lab.priceSeries) throw new ApiError('invalid_params', `${spec.lab} trades no single price series the regime model could read`)
    const plan = planLab(spec)
    const series = lab.priceSeries.series(plan.config)
    return { source: `${spec.lab} ${lab.priceSeries.name} (${spec.preset}, seed ${plan.seed})`, closes: series.closes, labels: series.labels }
  },
  'engine.plan': ({ spec }) => {
    if (spec.task === 'random-walk') return { seed: spec.seed, steps: spec.steps, configHash: configHash(spec), requires: [] }
    const plan = planLab(spec)
    return { seed: plan.seed, steps: plan.steps, configHash: plan.configHash, requires: plan.requires }
  },
  'engine.run': async ({ spec, inputs = {}, logBatches = false }, ctx) => {
    if (spec.task === 'random-walk') return runRandomWalk(spec, loopHost(ctx))
    // The book's diagnostics stream out as conflated chunks, and (when asked for) the decision
    // log as chained slices, while the lab runs; the last slice comes with the results.
    return executeLab(spec, {
      host: loopHost(ctx),
      inputs,
      onSeries: (chunk) => ctx.emit('series', chunk),
      onLogSlice: logBatches ? (slice) => ctx.emit('log', slice) : undefined
    })
  },
  // A stored run's surface per step, from its spec: the market simulated again (the last one is kept).
  'engine.surfaces': ({ spec, inputs = {}, window }) => surfaceFrames(surfaceSource(spec, inputs), window),
  // Sweep cells in batches: one message for many short runs, each answered with its summary.
  'engine.runCells': async ({ cells, log = false }, ctx) => {
    const outcomes = []
    for (const cell of cells) {
      if (ctx.signal.aborted) throw new CancelledError()
      outcomes.push(await runCell(cell, log))
    }
    return { cells: outcomes }
  },
  // A market-terrain run's Terrain view, from the same cached market as its surfaces.
  'engine.terrain': ({ spec, bar, series }) => terrainView(surfaceSource(spec), bar, series),
  // A portfolio's VaR/ES off main's thread: a stage at a time, with progress between stages.
  'engine.portfolioRisk': async ({ returns, options }, ctx) => {
    try {
      return await portfolioRiskStepped(returns, options, {
        signal: ctx.signal,
        onProgress: (done, total, label) => ctx.emit('progress', { done, total, label }),
        yieldControl: yieldToEventLoop
      })
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError('invalid_params', error.message)
      throw error
    }
  },
  // A user's CSV in the Terrain view: validated, run with progress, kept for the scrubber.
  ...terrainCsvHandlers
}
