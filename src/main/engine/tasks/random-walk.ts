import { createHash } from 'node:crypto'
import type { RandomWalkSpec, TaskOutput, WalkResults } from '../../../shared/contract'
import { throwIfCancelled, type LoopHost } from '../cancellation'
import { Xoshiro128 } from '../rng/xoshiro128'

/** Steps per chunk: the unit of hashing, progress and yielding (≈1 ms of work). */
export const WALK_CHUNK = 1 << 16
/** Charts get at most this many points; the hash always covers every step. */
export const MAX_PATH_POINTS = 4096

/**
 * A seeded Gaussian random walk: level ← level + μ + σ·z, z ~ N(0, 1) from xoshiro128**.
 * The vertical slice's engine task. Its resultsHash is sha256 over every level's float64
 * bytes (little-endian) in step order, so any change in any step changes the hash.
 */
export async function runRandomWalk(spec: RandomWalkSpec, host: LoopHost = {}): Promise<TaskOutput & { results: WalkResults }> {
  const { steps, seed, start, drift, volatility } = spec
  const rng = new Xoshiro128(seed)
  const hash = createHash('sha256')
  const chunk = new Float64Array(Math.min(WALK_CHUNK, steps))
  const bytes = new Uint8Array(chunk.buffer)

  const pathStride = Math.max(1, Math.ceil(steps / (MAX_PATH_POINTS - 1)))
  const path = new Float64Array(Math.floor(steps / pathStride) + 1)
  path[0] = start

  let level = start
  let peak = start
  let maxDrawdown = 0
  let min = start
  let max = start
  // Welford's running mean and variance of the increments: stable over 10M steps.
  let mean = 0
  let m2 = 0

  let step = 0
  while (step < steps) {
    const n = Math.min(chunk.length, steps - step)
    for (let i = 0; i < n; i++) {
      const r = drift + volatility * rng.standardNormal()
      level += r
      chunk[i] = level
      const k = step + i + 1
      const delta = r - mean
      mean += delta / k
      m2 += delta * (r - mean)
      if (level > peak) peak = level
      else if (peak - level > maxDrawdown) maxDrawdown = peak - level
      if (level < min) min = level
      if (level > max) max = level
      if (k % pathStride === 0) path[k / pathStride] = level
    }
    hash.update(n === chunk.length ? bytes : bytes.subarray(0, n * 8))
    step += n
    host.onProgress?.(step, steps)
    if (step < steps) {
      throwIfCancelled(host)
      if (host.yieldControl) await host.yieldControl()
      throwIfCancelled(host)
    }
  }

  return {
    results: {
      kind: 'random-walk',
      summary: {
        steps,
        final: level,
        min,
        max,
        meanIncrement: mean,
        stdevIncrement: steps > 1 ? Math.sqrt(m2 / (steps - 1)) : 0,
        maxDrawdown
      },
      pathStride,
      path
    },
    resultsHash: hash.digest('hex')
  }
}
