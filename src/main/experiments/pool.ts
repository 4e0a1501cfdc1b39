import { ApiError } from '../../shared/contract'

export interface PoolProgress {
  done: number
  total: number
  failed: number
}

export interface PoolResult<R> {
  index: number
  ok: boolean
  value?: R
  error?: string
}

/**
 * Spreads independent tasks over a set of engine processes, one task per process at a time,
 * in submission order; results come back indexed so the caller's table order never depends on
 * which process finished first.
 */
export async function runOnPool<W, T, R>(
  workers: readonly W[],
  tasks: readonly T[],
  run: (worker: W, task: T, signal: AbortSignal, index: number) => Promise<R>,
  options: { signal?: AbortSignal; onProgress?: (p: PoolProgress) => void } = {}
): Promise<PoolResult<R>[]> {
  if (workers.length === 0) throw new Error('the pool has no engine processes')
  const results: PoolResult<R>[] = new Array(tasks.length)
  let next = 0
  let done = 0
  let failed = 0
  const controller = new AbortController()
  const abort = (): void => controller.abort()
  options.signal?.addEventListener('abort', abort, { once: true })

  const lane = async (worker: W): Promise<void> => {
    while (next < tasks.length) {
      if (controller.signal.aborted) return
      const index = next++
      try {
        results[index] = { index, ok: true, value: await run(worker, tasks[index] as T, controller.signal, index) }
      } catch (error) {
        if (error instanceof ApiError && error.code === 'cancelled') return
        failed++
        results[index] = { index, ok: false, error: (error as Error).message }
      }
      done++
      options.onProgress?.({ done, total: tasks.length, failed })
    }
  }
  try {
    await Promise.all(workers.map(lane))
  } finally {
    options.signal?.removeEventListener('abort', abort)
  }
  if (controller.signal.aborted) throw new ApiError('cancelled', `the experiment was cancelled after ${done} of ${tasks.length} runs`)
  return results
}
