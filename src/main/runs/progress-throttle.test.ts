import { describe, expect, it } from 'vitest'
import { MAX_PROGRESS_FRAMES_PER_SECOND } from '../../shared/contract'
import type { Clock } from '../clock'
import { ProgressThrottle, type ProgressFrame } from './progress-throttle'

/** A clock that moves only when the test says so. */
function fakeClock(startMs = 1_000_000): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = startMs
  return {
    nowMs: () => now,
    isoNow: () => new Date(now).toISOString(),
    set: (ms) => void (now = ms),
    advance: (ms) => void (now += ms)
  }
}

describe('ProgressThrottle', () => {
  it('lets at most 30 frames a second through when offered 10,000 updates in one simulated second', () => {
    expect(MAX_PROGRESS_FRAMES_PER_SECOND).toBe(30)
    const clock = fakeClock(0)
    const throttle = new ProgressThrottle(clock)
    const total = 1_000_000
    const emittedAt: number[] = []
    for (let i = 0; i < 10_000; i++) {
      clock.set(i / 10) // one update every 0.1 ms, 0 … 999.9 ms
      if (throttle.offer(i, total)) emittedAt.push(i / 10)
    }
    expect(emittedAt.length).toBe(30)
    expect(emittedAt[0]).toBe(0)
    for (let k = 1; k < emittedAt.length; k++) {
      expect((emittedAt[k] as number) - (emittedAt[k - 1] as number)).toBeGreaterThanOrEqual(1000 / 30)
    }
  })

  it('never exceeds 30 non-final frames in any one-second window over ten seconds of bursts', () => {
    const clock = fakeClock(0)
    const throttle = new ProgressThrottle(clock)
    const emittedAt: number[] = []
    let t = 0
    for (let i = 0; i < 10_000; i++) {
      // Irregular spacing: bursts of closely spaced updates with pauses between them.
      t += i % 100 === 0 ? 37 : 0.61
      clock.set(t)
      if (throttle.offer(i, 1_000_000)) emittedAt.push(t)
    }
    for (let k = 0; k + 30 < emittedAt.length; k++) {
      expect((emittedAt[k + 30] as number) - (emittedAt[k] as number)).toBeGreaterThanOrEqual(1000)
    }
    expect(emittedAt.length).toBeGreaterThan(30)
  })

  it('always lets the final frame through, with eta 0, even right after another frame', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    clock.advance(100)
    expect(throttle.offer(500, 1000)).not.toBeNull()
    clock.advance(1)
    expect(throttle.offer(600, 1000)).toBeNull()
    const final = throttle.offer(1000, 1000)
    expect(final).toEqual({ done: 1000, total: 1000, stepsPerSecond: (1000 * 1000) / 101, etaSeconds: 0 })
  })

  it('lets the final frame through at the very first offer at the same instant as construction', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    const frame = throttle.offer(10, 10)
    expect(frame).not.toBeNull()
    expect(frame?.etaSeconds).toBe(0)
    expect(frame?.done).toBe(10)
  })

  it('has no rate and no ETA before any time has passed', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    expect(throttle.offer(0, 1000)).toEqual({ done: 0, total: 1000, stepsPerSecond: 0, etaSeconds: null })
  })

  it('reports 1,000,000 steps/s and the matching ETA for a constant simulated rate', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    const total = 10_000_000
    const frames: ProgressFrame[] = []
    // 40 ms per update (past the 33.3 ms gap), 40,000 steps each: exactly 1e6 steps/s.
    for (let t = 40; t < 10_000; t += 40) {
      clock.advance(40)
      const frame = throttle.offer(t * 1000, total)
      if (frame) frames.push(frame)
    }
    expect(frames.length).toBe(249)
    for (const frame of frames) {
      expect(frame.stepsPerSecond).toBeCloseTo(1_000_000, 6)
      expect(frame.etaSeconds).toBeCloseTo((total - frame.done) / 1_000_000, 9)
    }
    expect(frames[0]).toEqual({ done: 40_000, total, stepsPerSecond: 1_000_000, etaSeconds: 9.96 })
    expect(frames.at(-1)?.etaSeconds).toBeCloseTo(0.04, 9)

    clock.advance(40)
    expect(throttle.offer(total, total)).toEqual({ done: total, total, stepsPerSecond: 1_000_000, etaSeconds: 0 })
  })

  it('measures the rate over the time since the last frame, ignoring throttled offers', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    clock.advance(50)
    expect(throttle.offer(50_000, 1e9)?.stepsPerSecond).toBe(1_000_000)
    // Throttled: the sample is not taken.
    clock.advance(10)
    expect(throttle.offer(60_000, 1e9)).toBeNull()
    // 50 ms later at double speed since the last frame: instant rate 2e6, smoothed 0.7·1e6 + 0.3·2e6.
    clock.advance(40)
    const frame = throttle.offer(150_000, 1e9)
    expect(frame?.stepsPerSecond).toBeCloseTo(1_300_000, 6)
    expect(frame?.etaSeconds).toBeCloseTo((1e9 - 150_000) / 1_300_000, 9)
  })

  it('reports the final frame rate as the average over the whole run', () => {
    const clock = fakeClock()
    const throttle = new ProgressThrottle(clock)
    clock.advance(100)
    throttle.offer(1_000_000, 3_000_000) // 1e7 steps/s for a while
    clock.advance(900)
    expect(throttle.offer(3_000_000, 3_000_000)).toEqual({ done: 3_000_000, total: 3_000_000, stepsPerSecond: 3_000_000, etaSeconds: 0 })
  })
})
