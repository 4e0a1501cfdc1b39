import { ApiError } from '../../shared/contract'
import type { CellOutcome, SweepCellTask } from '../../shared/contract/protocol'
import { MAX_CELLS_PER_BATCH } from '../../shared/contract/protocol'
import type { PoolProgress } from './pool'

/** Runs one batch of cells on one engine process (`engine.runCells`). */
export type BatchRunner<W> = (worker: W, cells: SweepCellTask[], signal: AbortSignal) => Promise<CellOutcome[]>

export interface BatchPoolOptions {
  /** Cells per message (default: batchSizeFor). */
  batchSize?: number
  /** Batches queued on each process at once: 2 keeps a process busy while main reads the last answer. */
  inFlight?: number
  signal?: AbortSignal
  /** The writer: each batch's outcomes as they arrive, after the process already has its next batch. */
  onBatch?: (first: number, outcomes: CellOutcome[]) => void
  onProgress?: (p: PoolProgress) => void
}

/**
 * Cells per message: enough that the per-message cost (structured clone, validation, a turn of
 * main's event loop) is spread over many short runs, few enough that every process gets about
 * sixteen batches, so the last ones finish together.
 */
export function batchSizeFor(cells: number, processes: number): number {
  return Math.max(1, Math.min(MAX_CELLS_PER_BATCH, 64, Math.ceil(cells / (processes * 16))))
}

/**
 * Spreads sweep cells over engine processes in batches, `inFlight` batches queued per process so
 * that a process never waits for main between batches; outcomes come back in cell order. A batch
 * whose process fails (crash, malformed answer) marks its cells failed with the reason.
 */
export async function runCellsOnPool<W>(workers: readonly W[], cells: readonly SweepCellTask[], run: BatchRunner<W>, options: BatchPoolOptions = {}): Promise<CellOutcome[]> {
  if (workers.length === 0) throw new Error('the pool has no engine processes')
  const size = options.batchSize ?? batchSizeFor(cells.length, workers.length)
  const inFlight = Math.max(1, options.inFlight ?? 2)
  const outcomes: CellOutcome[] = new Array(cells.length)
  let next = 0
  let done = 0
  let failed = 0
  const signal = options.signal ?? new AbortController().signal

  const lane = async (worker: W): Promise<void> => {
    while (next < cells.length && !signal.aborted) {
      const first = next
      const batch = cells.slice(first, first + size)
      next += batch.length
      let answer: CellOutcome[]
      try {
        answer = await run(worker, batch, signal)
        if (answer.length !== batch.length) throw new Error(`the engine answered ${answer.length} cells for a batch of ${batch.length}`)
      } catch (error) {
        if (error instanceof ApiError && error.code === 'cancelled') return
        const message = (error as Error).message
        answer = batch.map(() => ({ ok: false as const, error: { code: error instanceof ApiError ? error.code : 'internal', message } }))
      }
      for (let i = 0; i < answer.length; i++) {
        outcomes[first + i] = answer[i]!
        if (!answer[i]!.ok) failed++
      }
      done += answer.length
      options.onBatch?.(first, answer)
      options.onProgress?.({ done, total: cells.length, failed })
    }
  }
  await Promise.all(workers.flatMap((w) => Array.from({ length: inFlight }, () => lane(w))))
  if (signal.aborted) throw new ApiError('cancelled', `the sweep was cancelled after ${done} of ${cells.length} runs`)
  return outcomes
}
