import { ApiError, RunSpec, issuesFromZod, summariseIssues, type RunSpec as RunSpecType } from '../../shared/contract'
import { configHash } from '../engine/hashing'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { labCatalogue } from '../labs/catalogue'
import type { HestonRegimeConfig } from '../labs/heston-regime/config'
import { simulatePath } from '../labs/heston-regime/market'
import { CsvValidationError, parsePriceCsv } from '../regime/csv'
import { executeLab, planLab } from '../labs/execute'
import { serveWorker, yieldToEventLoop, type TaskContext } from './runtime'

/** What main needs before it writes a run's row: the real seed, the step count, the identity. */
export interface RunPlan {
  seed: number
  steps: number
  configHash: string
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
  // A price series for the regime model: a heston-regime path with its labels, or a parsed CSV.
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
    if (spec.task !== 'lab' || spec.lab !== 'heston-regime') throw new ApiError('invalid_params', 'regime series come from the heston-regime lab')
    const plan = planLab(spec)
    const path = simulatePath(plan.config as HestonRegimeConfig)
    return { source: `heston-regime (${spec.preset}, seed ${plan.seed})`, closes: path.prices, labels: path.labels }
  },
  'engine.plan': async (params): Promise<RunPlan> => {
    const spec = parseSpec(params)
    if (spec.task === 'random-walk') return { seed: spec.seed, steps: spec.steps, configHash: configHash(spec) }
    const plan = planLab(spec)
    return { seed: plan.seed, steps: plan.steps, configHash: plan.configHash }
  },
  'engine.run': async (params, ctx) => {
    const spec = parseSpec(params)
    switch (spec.task) {
      case 'random-walk':
        return runRandomWalk(spec, loopHost(ctx))
      case 'lab':
        return executeLab(spec, loopHost(ctx))
    }
  }
})
