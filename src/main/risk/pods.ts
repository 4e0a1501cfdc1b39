import type { RunsRepository } from '../store/runs-repository'
import { blobToFloat64 } from '../store/series-codec'
import { STEP_CHUNK } from '../store/step-log'
import type { AlignmentRule } from '../../shared/contract/portfolio'

/**
 * Stored runs as the pods of a portfolio: each run's equity per step, read column by column
 * from its decision log (never whole rows), turned into per-step returns on one step calendar.
 * A lab's steps run 0…steps − 1 without gaps, so two runs share a calendar exactly when they
 * have the same number of steps; `common` aligns unequal ones on the steps they all have.
 */
export interface PodSeries {
  runId: number
  lab: string
  preset: string
  resultsHash: string | null
  equity: Float64Array
}

export type { AlignmentRule } from '../../shared/contract/portfolio'

/** Bad input about runs or calendars: a one-line message for the CLI and UI. */
export class PodInputError extends Error {}

export function readPod(repo: RunsRepository, runId: number): PodSeries {
  const run = repo.get(runId)
  if (!run) throw new PodInputError(`run #${runId} does not exist in this database`)
  if (run.spec.task !== 'lab') throw new PodInputError(`run #${runId} is a ${run.task} run; a pod must be a lab run`)
  if (run.status !== 'completed') throw new PodInputError(`run #${runId} is ${run.status}; a pod must be a completed run`)
  const log = repo.stepLog(runId)
  if (!log || log.steps < 2) throw new PodInputError(`run #${runId} has no decision log to read its equity from`)
  const equity = new Float64Array(log.steps)
  for (let chunk = 0; chunk * STEP_CHUNK < log.steps; chunk++) {
    const blob = repo.stepColumn(runId, chunk, 'equity')
    if (!blob) throw new PodInputError(`run #${runId}'s decision log lacks the equity of steps from ${chunk * STEP_CHUNK}`)
    equity.set(blobToFloat64(blob).subarray(0, Math.min(STEP_CHUNK, log.steps - chunk * STEP_CHUNK)), chunk * STEP_CHUNK)
  }
  return { runId, lab: run.spec.lab, preset: run.spec.preset, resultsHash: run.resultsHash, equity }
}

/** Per-step simple returns rₜ = Eₜ/Eₜ₋₁ − 1 of each pod, on the calendar the rule gives (steps 1…n − 1). */
export function alignedReturns(pods: readonly PodSeries[], rule: AlignmentRule): { steps: number; returns: Float64Array[] } {
  if (pods.length === 0) throw new PodInputError('a portfolio needs at least one run')
  const lengths = pods.map((p) => p.equity.length)
  const steps = Math.min(...lengths)
  if (rule === 'exact') {
    const other = pods.find((p) => p.equity.length !== pods[0]!.equity.length)
    if (other) throw new PodInputError(`runs #${pods[0]!.runId} (${pods[0]!.equity.length} steps) and #${other.runId} (${other.equity.length} steps) are on different step calendars; pass --align common to use the steps they share`)
  }
  const returns = pods.map((p) => {
    const r = new Float64Array(steps - 1)
    for (let t = 1; t < steps; t++) {
      const before = p.equity[t - 1]!
      if (!(before > 0) || !Number.isFinite(p.equity[t]!)) throw new PodInputError(`run #${p.runId}'s equity is ${before} at step ${t - 1}; returns need a positive equity`)
      r[t - 1] = p.equity[t]! / before - 1
    }
    return r
  })
  return { steps, returns }
}

/**
 * A pod's own exposure per step, from the signed position of each leg its decision log holds:
 * net = Σ position, gross = Σ |position| (the log's `leverage` column is this gross). The unit is
 * the lab's position unit — a fraction of equity for labs with a compound ledger (fx-carry,
 * cross-asset, heston-regime, market-terrain), lots or notional for additive ones — so a net
 * across pods of different labs is only defined where every pod's unit is a fraction of equity.
 */
export interface PodExposure {
  legs: string[]
  net: Float64Array
  gross: Float64Array
}

export function readPodExposure(repo: RunsRepository, runId: number): PodExposure {
  const log = repo.stepLog(runId)
  if (!log) throw new PodInputError(`run #${runId} has no decision log to read its positions from`)
  const legs = log.meta.legs.length
  const net = new Float64Array(log.steps)
  const gross = new Float64Array(log.steps)
  for (let chunk = 0; chunk * STEP_CHUNK < log.steps; chunk++) {
    const blob = repo.stepColumn(runId, chunk, 'position')
    if (!blob) throw new PodInputError(`run #${runId}'s decision log lacks the positions of steps from ${chunk * STEP_CHUNK}`)
    const position = blobToFloat64(blob)
    const from = chunk * STEP_CHUNK
    const count = Math.min(STEP_CHUNK, log.steps - from)
    for (let s = 0; s < count; s++) {
      let n = 0
      let g = 0
      for (let leg = 0; leg < legs; leg++) {
        const x = position[s * legs + leg]!
        n += x
        g += Math.abs(x)
      }
      net[from + s] = n
      gross[from + s] = g
    }
  }
  return { legs: log.meta.legs, net, gross }
}
