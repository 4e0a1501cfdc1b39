import { ApiError, STREAM_SAMPLED_COLUMNS, type MethodInput, type MethodResult } from '../../shared/contract'
import { bucketWidth, conflateMinMax } from '../../shared/series-conflation'
import type { LabInputs } from '../labs/lab-module'
import type { ServiceHost } from '../services/service-host'
import type { RunsRepository } from '../store/runs-repository'
import type { RunPlan } from '../workers/engine'
import type { InputResolver } from './run-inputs'

/**
 * `runs.surfaces` and `runs.events`: a stored run's surface per step (the engine simulates the
 * market again from the run's spec; inputs such as the regime model's output are computed again
 * once and kept for the last run asked about) and its constraint events as stored.
 */
export function runSurfaceHandlers(repository: RunsRepository, engine: ServiceHost, resolveInputs: InputResolver) {
  let lastInputs: { configHash: string; inputs: LabInputs } | null = null

  const runOf = (runId: number) => {
    const run = repository.get(runId)
    if (!run) throw new ApiError('not_found', `There is no run #${runId}.`)
    return run
  }

  return {
    async surfaces(request: MethodInput<'runs.surfaces'>): Promise<MethodResult<'runs.surfaces'>> {
      const run = runOf(request.runId)
      if (run.spec.task !== 'lab') throw new ApiError('invalid_params', `Run #${run.id} is a ${run.spec.task}, which has no surface; surfaces belong to lab runs.`)
      let inputs: LabInputs = {}
      const plan = await engine.call<RunPlan>('engine.plan', run.spec)
      if (plan.requires.length > 0) {
        if (lastInputs?.configHash !== plan.configHash) lastInputs = { configHash: plan.configHash, inputs: await resolveInputs(run.spec, plan.requires) }
        inputs = lastInputs.inputs
      }
      const window = { from: request.from, count: request.count, stride: request.stride, frames: request.frames }
      const frames = await engine.call<Omit<MethodResult<'runs.surfaces'>, 'runId'>>('engine.surfaces', { spec: run.spec, inputs, window })
      return { runId: run.id, ...frames }
    },

    /** Reads the stored float64 series and conflates them (one O(n) pass) so a long run does not cross the wire whole. */
    series(runId: number, maxBuckets: number): MethodResult<'runs.series'> {
      const run = runOf(runId)
      const results = repository.results(runId)
      if (!results || results.kind !== 'lab') throw new ApiError('invalid_params', `Run #${runId} has no stored lab results (status ${run.status}).`)
      const { series, ...summary } = results
      const n = series.equity.length
      const columns: Record<string, ArrayLike<number>> = {
        equity: series.equity,
        drawdown: series.drawdown,
        leverage: series.leverage,
        cumulativeCost: series.cumulativeCost,
        regime: series.regime,
        action: series.action
      }
      for (const c of results.costComponents) columns[`cost:${c}`] = series.cumulativeCostByComponent[c] ?? new Float64Array(n)
      const bucket = bucketWidth(n, maxBuckets)
      const conflated = conflateMinMax(columns, n, { width: bucket, sampled: new Set(STREAM_SAMPLED_COLUMNS) })
      const events = repository.events(runId).map((e) => ({ t: e.t, rule: e.rule, message: e.message }))
      return {
        summary,
        series: {
          runId,
          total: results.plannedSteps,
          done: results.steps,
          bucket,
          t: conflated.t,
          columns: conflated.columns,
          events,
          regimeNames: results.regimeNames,
          actionNames: results.actionNames,
          costComponents: results.costComponents
        }
      }
    },

    events(runId: number): MethodResult<'runs.events'> {
      runOf(runId)
      return { events: repository.events(runId) }
    }
  }
}
