/** Samples older than this fall out: rates follow what the workers do now, not since the start. */
export const RATE_WINDOW_MS = 10_000

interface Sample {
  t: number
  done: number
  byWorker: Map<string, number>
}

/**
 * Cells per second over the last RATE_WINDOW_MS, for the sweep and per worker, from the counts
 * the coordinator has written (so a rate is what reached the store, retries counted once).
 */
export class ThroughputWindow {
  private samples: Sample[] = []

  add(t: number, done: number, byWorker: ReadonlyArray<{ worker: string; cells: number }>): void {
    this.samples.push({ t, done, byWorker: new Map(byWorker.map((w) => [w.worker, w.cells])) })
    // Keep one sample at or before the window's start, so the span covers the whole window.
    while (this.samples.length > 2 && this.samples[1]!.t <= t - RATE_WINDOW_MS) this.samples.shift()
  }

  /** The sweep's cells per second; null until two samples at least 0.5 s apart. */
  rate(): number | null {
    return this.over((s) => s.done)
  }

  workerRate(worker: string): number | null {
    return this.over((s) => s.byWorker.get(worker) ?? 0)
  }

  private over(count: (s: Sample) => number): number | null {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last || last.t - first.t < 500) return null
    return ((count(last) - count(first)) * 1000) / (last.t - first.t)
  }
}
