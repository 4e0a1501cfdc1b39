import { MAX_PROGRESS_FRAMES_PER_SECOND } from '../../shared/contract'
import type { Clock } from '../clock'

export interface ProgressFrame {
  done: number
  total: number
  stepsPerSecond: number
  etaSeconds: number | null
}

/**
 * Turns the engine's per-chunk progress into frames for people: at most 30 a second, with a
 * rate smoothed over the recent window and an ETA. The last frame (done = total) always passes.
 */
export class ProgressThrottle {
  private readonly minIntervalMs = 1000 / MAX_PROGRESS_FRAMES_PER_SECOND
  private readonly startedMs: number
  private lastEmitMs = Number.NEGATIVE_INFINITY
  private rate = 0
  private lastSampleMs: number
  private lastSampleDone = 0

  constructor(private readonly clock: Clock) {
    this.startedMs = clock.nowMs()
    this.lastSampleMs = this.startedMs
  }

  /** Returns a frame to send now, or null when it is too soon. */
  offer(done: number, total: number): ProgressFrame | null {
    const now = this.clock.nowMs()
    const final = done >= total
    if (!final && now - this.lastEmitMs < this.minIntervalMs) return null
    const dt = now - this.lastSampleMs
    if (dt > 0) {
      const instant = ((done - this.lastSampleDone) * 1000) / dt
      // Exponential smoothing; the first sample seeds the rate.
      this.rate = this.rate === 0 ? instant : 0.7 * this.rate + 0.3 * instant
      this.lastSampleMs = now
      this.lastSampleDone = done
    }
    this.lastEmitMs = now
    const elapsed = now - this.startedMs
    const stepsPerSecond = final && elapsed > 0 ? (done * 1000) / elapsed : this.rate
    const etaSeconds = final ? 0 : stepsPerSecond > 0 ? (total - done) / stepsPerSecond : null
    return { done, total, stepsPerSecond, etaSeconds }
  }
}
