import { ApiError, RunSpec, issuesFromZod, summariseIssues, type RunSpec as RunSpecType } from '../../shared/contract'
import { configHash } from '../engine/hashing'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { labCatalogue } from '../labs/catalogue'
import { CsvValidationError, parsePriceCsv } from '../regime/csv'
import { executeLab, findLab, planLab } from '../labs/execute'
import type { StepLogSlice } from '../engine/kernel/step-records'
import type { LabInputs } from '../labs/lab-module'
import type { RunPlan } from '../../shared/contract/protocol'
import { seriesStreamFor } from '../labs/series-stream'
import { surfaceFrames, surfaceSource, type SurfaceWindow } from '../labs/surfaces'
import { serveWorker, yieldToEventLoop, type TaskContext } from './runtime'

/**
 * `engine.run` takes a bare spec, or a spec with the inputs its plan required and, with
 * `logBatches`, asks for the decision log as `log` events while the run advances (the result
 * then carries only its last slice, `logTail`, instead of the whole log).
 */
function runParams(params: unknown): { spec: unknown; inputs: LabInputs; logBatches: boolean } {
  if (params !== null && typeof params === 'object' && 'spec' in params && !('task' in params)) {
    const { spec, inputs, logBatches } = params as { spec: unknown; inputs?: LabInputs; logBatches?: boolean }
    return { spec, inputs: inputs ?? {}, logBatches: logBatches === true }
  }
  return { spec: params, inputs: {}, logBatches: false }
}

function parseSpec(params: unknown): RunSpecType {
  const parsed = RunSpec.safeParse(params)
  if (!parsed.success) {
    // Same paths as the router reports them (spec.steps, not steps).
    const issues = issuesFromZod(parsed.error, params, 'spec').map((i) => (i.path === 'spec' ? i : { ...i, path: `spec.${i.path}` }))
    throw new ApiError('invalid_params', summariseIssues(issues), issues)
  }
  return parsed.data
}

function loopHost(ctx: TaskContext) {
  return {
    signal: ctx.signal,
    onProgress: (done: number, total: number) => ctx.emit('progress', { done, total }),
    yieldControl: yieldToEventLoop
  }
}

// The engine service: plans and runs deterministic engine tasks off the main thread.
serveWorker({
  'engine.labs': async () => ({ labs: labCatalogue() }),
  // The stress menu of the config a spec resolves to; planning first refuses a bad spec with field issues.
  'engine.stressMenu': async (params) => {
    const spec = parseSpec(params)
    if (spec.task !== 'lab') throw new ApiError('invalid_params', 'a stress menu belongs to a lab run (task "lab")')
    const plan = planLab(spec)
    return { variants: plan.module.stressMenu?.(plan.config) ?? [] }
  },
  // A price series for the regime model: any lab's traded price (with its regime labels), or a parsed CSV.
  'engine.regimeSeries': async (params) => {
    const source = params as { kind: 'lab'; spec: unknown } | { kind: 'csv'; name: string; text: string }
    if (source.kind === 'csv') {
      try {
        return { source: source.name, closes: parsePriceCsv(source.text).close, labels: null }
      } catch (error) {
        if (error instanceof CsvValidationError) throw new ApiError('invalid_params', `${source.name}: ${error.message}`)
        throw error
      }
    }
    const spec = parseSpec(source.spec)
    if (spec.task !== 'lab') throw new ApiError('invalid_params', 'regime series come from a lab run spec')
    const module = findLab(spec.lab)
    if (!module.priceSeries) throw new ApiError('invalid_params', `${spec.lab} trades no single price series the regime model could read`)
    const plan = planLab(spec)
    const series = module.priceSeries(plan.config)
    return { source: `${spec.lab} ${series.name} (${spec.preset}, seed ${plan.seed})`, closes: series.closes, labels: series.labels }
  },
  'engine.plan': async (params): Promise<RunPlan> => {
    const spec = parseSpec(params)
    if (spec.task === 'random-walk') return { seed: spec.seed, steps: spec.steps, configHash: configHash(spec), requires: [] }
    const plan = planLab(spec)
    return { seed: plan.seed, steps: plan.steps, configHash: plan.configHash, requires: plan.requires }
  },
  'engine.run': async (params, ctx) => {
    const { spec: rawSpec, inputs, logBatches } = runParams(params)
    const spec = parseSpec(rawSpec)
    switch (spec.task) {
      case 'random-walk':
        return runRandomWalk(spec, loopHost(ctx))
      case 'lab': {
        // The book's diagnostics stream out as conflated chunks while the lab runs.
        const stream = seriesStreamFor(spec, (chunk) => ctx.emit('series', chunk))
        const onLogSlice = logBatches ? (slice: StepLogSlice) => ctx.emit('log', slice) : undefined
        const output = await executeLab(spec, { ...loopHost(ctx), onSteps: stream.onSteps }, undefined, inputs, onLogSlice)
        stream.finish()
        if (!output.logTail) return output
        // Main holds every earlier slice already; the whole log need not cross again.
        const { records: _records, ...rest } = output
        return rest
      }
    }
  },
  // A stored run's surface per step, from its spec: the market simulated again (the last one is kept).
  'engine.surfaces': async (params) => {
    const { spec: rawSpec, inputs, window } = params as { spec: unknown; inputs?: LabInputs; window: SurfaceWindow }
    const spec = parseSpec(rawSpec)
    if (spec.task !== 'lab') throw new ApiError('invalid_params', 'surfaces belong to lab runs (task "lab")')
    return surfaceFrames(surfaceSource(spec, inputs ?? {}), window)
  }
})
