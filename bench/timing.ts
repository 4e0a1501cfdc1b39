import { performance } from 'node:perf_hooks'

/** Runs of each measurement; the bench reports the fastest. */
export const REPEATS = 3

/** The fastest of REPEATS runs of fn, in seconds. */
export async function best(fn: () => Promise<unknown> | unknown): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now()
    await fn()
    fastest = Math.min(fastest, (performance.now() - t0) / 1000)
  }
  return fastest
}
