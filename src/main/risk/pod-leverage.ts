import type { RunsRepository } from '../store/runs-repository'
import { blobToFloat64 } from '../store/series-codec'
import { STEP_CHUNK } from '../store/step-log'
import { PodInputError } from './pods'

/** The gross leverage of a stored run's book at its last step, from its decision log (the single-position and gross limits read it). */
export function lastLeverage(repo: RunsRepository, runId: number, steps: number): number {
  const chunk = Math.floor((steps - 1) / STEP_CHUNK)
  const blob = repo.stepColumn(runId, chunk, 'leverage')
  if (!blob) throw new PodInputError(`run #${runId}'s decision log lacks its leverage`)
  return Math.abs(blobToFloat64(blob)[(steps - 1) % STEP_CHUNK]!)
}
