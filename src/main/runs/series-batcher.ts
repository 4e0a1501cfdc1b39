import { MAX_SERIES_FRAMES_PER_SECOND, type RunSeriesChunk } from '../../shared/contract'
import { concatConflated } from '../../shared/series-conflation'
import type { Clock } from '../clock'

type EngineChunk = Omit<RunSeriesChunk, 'runId'>

export interface Timers {
  set(callback: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const nodeTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
}

/**
 * Batches a run's streamed series chunks so the renderer gets at most 10 a second: chunks
 * that arrive within the interval are joined (they follow each other without gaps) and sent
 * together when it has passed. `flush` sends what waits at once (before the run's last update).
 */
export class SeriesBatcher {
  private readonly intervalMs = 1000 / MAX_SERIES_FRAMES_PER_SECOND
  private lastSentMs = Number.NEGATIVE_INFINITY
  private waiting: EngineChunk[] = []
  private timer: unknown = null
  /** Everything sent so far, for a view that opens while the run is under way. */
  private sent: RunSeriesChunk[] = []

  constructor(
    private readonly runId: number,
    private readonly send: (chunk: RunSeriesChunk) => void,
    private readonly clock: Clock,
    private readonly timers: Timers = nodeTimers
  ) {}

  offer(chunk: EngineChunk): void {
    this.waiting.push(chunk)
    const dueIn = this.lastSentMs + this.intervalMs - this.clock.nowMs()
    if (dueIn <= 0) this.flush()
    else if (this.timer === null) this.timer = this.timers.set(() => this.flush(), dueIn)
  }

  flush(): void {
    if (this.timer !== null) {
      this.timers.clear(this.timer)
      this.timer = null
    }
    if (this.waiting.length === 0) return
    const parts = this.waiting
    this.waiting = []
    this.lastSentMs = this.clock.nowMs()
    const last = parts[parts.length - 1]!
    const joined = parts.length === 1 ? { t: last.t, columns: last.columns } : concatConflated(parts)
    const chunk: RunSeriesChunk = { ...last, runId: this.runId, t: joined.t, columns: joined.columns, events: parts.flatMap((p) => p.events) }
    this.sent.push(chunk)
    this.send(chunk)
  }

  /** The series streamed so far as one chunk from step 0 (null before the first chunk went out). */
  snapshot(): RunSeriesChunk | null {
    if (this.sent.length === 0) return null
    if (this.sent.length > 1) {
      const last = this.sent[this.sent.length - 1]!
      const joined = concatConflated(this.sent)
      this.sent = [{ ...last, t: joined.t, columns: joined.columns, events: this.sent.flatMap((c) => c.events) }]
    }
    return this.sent[0]!
  }

  /** Drops what waits and what was sent (the run has ended: its stored results take over). */
  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer)
    this.timer = null
    this.waiting = []
    this.sent = []
  }
}
