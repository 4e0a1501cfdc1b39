import { ApiError, STREAM_SAMPLED_COLUMNS, type MethodInput, type MethodResult, type RunSummary } from '../../shared/contract'
import { bucketWidth, conflateMinMax } from '../../shared/series-conflation'
import type { LabInputs } from '../labs/lab-module'
import type { EngineService } from '../services/service-host'
import type { RunsRepository } from '../store/runs-repository'
import { STEP_CHUNK } from '../store/step-log'
import { blobToFloat64 } from '../store/series-codec'
import type { InputResolver } from './run-inputs'

/**
 * `runs.surfaces` and `runs.events`: a stored run's surface per step (the engine simulates the
 * market again from the run's spec; inputs such as the regime model's output are computed again
 * once and kept for the last run asked about) and its constraint events as stored.
 */
export function runSurfaceHandlers(repository: RunsRepository, engine: EngineService, resolveInputs: InputResolver) {
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
      const plan = await engine.call('engine.plan', { spec: run.spec })
      if (plan.requires.length > 0) {
        if (lastInputs?.configHash !== plan.configHash) lastInputs = { configHash: plan.configHash, inputs: await resolveInputs(run.spec, plan.requires) }
        inputs = lastInputs.inputs
      }
      const window = { from: request.from, count: request.count, stride: request.stride, frames: request.frames }
      const frames = await engine.call('engine.surfaces', { spec: run.spec, inputs, window })
      return { runId: run.id, ...frames }
    },

    /**
     * Reads the stored float64 series and conflates them (one O(n) pass) so a long run does not
     * cross the wire whole. A run that stopped early (partial) has no results: its series are
     * read from the decision log batches it committed, and marked partial.
     */
    series(runId: number, maxBuckets: number): MethodResult<'runs.series'> {
      const run = runOf(runId)
      const results = repository.results(runId)
      if (!results && run.partial) return partialSeries(repository, run, maxBuckets)
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
        partial: false,
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

/**
 * The dashboard's series of a run that stopped early, from the decision log it committed:
 * equity, drawdown, leverage, regime and action as logged, cumulative cost (total and by
 * component) summed over the logged steps. Read a chunk at a time.
 */
function partialSeries(repository: RunsRepository, run: RunSummary, maxBuckets: number): MethodResult<'runs.series'> {
  const log = repository.stepLog(run.id)
  if (!log) throw new ApiError('invalid_params', `Run #${run.id} has no stored lab results and no decision log (status ${run.status}).`)
  const n = log.steps
  const { meta } = log
  const names = ['equity', 'drawdown', 'leverage', 'regime', 'action', 'cumulativeCost', ...meta.costComponents.map((c) => `cost:${c}`)]
  const columns: Record<string, Float64Array> = Object.fromEntries(names.map((name) => [name, new Float64Array(n)]))
  const running = new Float64Array(1 + meta.costComponents.length)
  const int32 = (blob: Buffer | undefined): Int32Array => {
    const out = new Int32Array((blob?.byteLength ?? 0) / 4)
    if (blob) new Uint8Array(out.buffer).set(blob)
    return out
  }
  for (let chunk = 0; chunk * STEP_CHUNK < n; chunk++) {
    const stored = repository.stepChunk(run.id, chunk)
    const t0 = chunk * STEP_CHUNK
    const floats = (name: string): Float64Array => {
      const blob = stored.get(name)
      if (!blob) throw new Error(`the stored decision log of run #${run.id} lacks column "${name}" in chunk ${chunk}`)
      return blobToFloat64(blob)
    }
    columns.equity!.set(floats('equity'), t0)
    columns.drawdown!.set(floats('drawdown'), t0)
    columns.leverage!.set(floats('leverage'), t0)
    columns.regime!.set(int32(stored.get('regime')), t0)
    columns.action!.set(int32(stored.get('action')), t0)
    // Cumulative cost, total and by component: running sums over the logged steps, in step order.
    const costs = [floats('cost'), ...meta.costComponents.map((c) => floats(`cost:${c}`))]
    const sums = [columns.cumulativeCost!, ...meta.costComponents.map((c) => columns[`cost:${c}`]!)]
    costs.forEach((values, k) => {
      for (let i = 0; i < values.length; i++) {
        running[k] = running[k]! + values[i]!
        sums[k]![t0 + i] = running[k]!
      }
    })
  }
  const bucket = bucketWidth(n, maxBuckets)
  const conflated = conflateMinMax(columns, n, { width: bucket, sampled: new Set(STREAM_SAMPLED_COLUMNS) })
  return {
    summary: null,
    partial: true,
    series: {
      runId: run.id,
      total: run.progressTotal,
      done: n,
      bucket,
      t: conflated.t,
      columns: conflated.columns,
      events: repository.events(run.id).map((e) => ({ t: e.t, rule: e.rule, message: e.message })),
      regimeNames: meta.regimeNames,
      actionNames: meta.actionNames,
      costComponents: meta.costComponents
    }
  }
}
