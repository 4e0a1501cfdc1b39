import { ApiError, STREAM_SAMPLED_COLUMNS, type MethodInput, type MethodResult, type RunSummary } from '../../shared/contract'
import { StreamConflator, bucketWidth, concatConflated, reconflate, type ConflatedSeries } from '../../shared/series-conflation'
import type { LabInputs } from '../engine/kernel'
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
     * The stored chart series (conflated when the run was written) conflated further to the
     * chart's width, so a long run does not cross the wire whole. A run that stopped early
     * (partial) has no results: its series are read from the decision log batches it
     * committed, a chunk at a time, and marked partial.
     */
    series(runId: number, maxBuckets: number): MethodResult<'runs.series'> {
      const run = runOf(runId)
      const results = repository.results(runId)
      if (!results && run.partial) return partialSeries(repository, run, maxBuckets)
      if (!results || results.kind !== 'lab') throw new ApiError('invalid_params', `Run #${runId} has no stored lab results (status ${run.status}).`)
      const { series: stored, ...summary } = results
      const series = reconflate(stored, results.steps, maxBuckets, new Set(STREAM_SAMPLED_COLUMNS))
      const events = repository.events(runId).map((e) => ({ t: e.t, rule: e.rule, message: e.message }))
      return {
        summary,
        partial: false,
        series: {
          runId,
          total: results.plannedSteps,
          done: results.steps,
          bucket: series.bucket,
          t: series.t,
          columns: series.columns,
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
 * component) summed over the logged steps, conflated a chunk at a time (memory bounded by the
 * chart, not the run).
 */
function partialSeries(repository: RunsRepository, run: RunSummary, maxBuckets: number): MethodResult<'runs.series'> {
  const log = repository.stepLog(run.id)
  if (!log) throw new ApiError('invalid_params', `Run #${run.id} has no stored lab results and no decision log (status ${run.status}).`)
  const n = log.steps
  const { meta } = log
  const costNames = meta.costComponents.map((c) => `cost:${c}`)
  const names = ['equity', 'drawdown', 'leverage', 'regime', 'action', 'cumulativeCost', ...costNames]
  const bucket = bucketWidth(n, maxBuckets)
  const conflator = new StreamConflator(bucket, names, new Set(STREAM_SAMPLED_COLUMNS))
  const parts: ConflatedSeries[] = []
  const running = new Float64Array(1 + meta.costComponents.length)
  const int32 = (blob: Buffer | undefined): Int32Array => {
    const out = new Int32Array((blob?.byteLength ?? 0) / 4)
    if (blob) new Uint8Array(out.buffer).set(blob)
    return out
  }
  for (let chunk = 0; chunk * STEP_CHUNK < n; chunk++) {
    const stored = repository.stepChunk(run.id, chunk)
    const floats = (name: string): Float64Array => {
      const blob = stored.get(name)
      if (!blob) throw new Error(`the stored decision log of run #${run.id} lacks column "${name}" in chunk ${chunk}`)
      return blobToFloat64(blob)
    }
    const equity = floats('equity')
    const count = equity.length
    // Cumulative cost, total and by component: running sums over the logged steps, in step order.
    const costs = [floats('cost'), ...meta.costComponents.map((c) => floats(`cost:${c}`))]
    const sums = costs.map((values, k) => {
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) {
        running[k] = running[k]! + values[i]!
        out[i] = running[k]!
      }
      return out
    })
    const columns: Record<string, ArrayLike<number>> = {
      equity,
      drawdown: floats('drawdown'),
      leverage: floats('leverage'),
      regime: int32(stored.get('regime')),
      action: int32(stored.get('action')),
      cumulativeCost: sums[0]!
    }
    costNames.forEach((name, k) => (columns[name] = sums[k + 1]!))
    const part = conflator.push(chunk * STEP_CHUNK, columns, count)
    if (part) parts.push(part)
  }
  const tail = conflator.finish()
  if (tail) parts.push(tail)
  const conflated = concatConflated(parts)
  return {
    summary: null,
    partial: true,
    series: {
      runId: run.id,
      total: run.progressTotal,
      done: n,
      bucket,
      t: conflated.t,
      columns: Object.keys(conflated.columns).length > 0 ? conflated.columns : Object.fromEntries(names.map((name) => [name, new Float64Array(0)])),
      events: repository.events(run.id).map((e) => ({ t: e.t, rule: e.rule, message: e.message })),
      regimeNames: meta.regimeNames,
      actionNames: meta.actionNames,
      costComponents: meta.costComponents
    }
  }
}
