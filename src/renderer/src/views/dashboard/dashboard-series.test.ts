import { describe, expect, it } from 'vitest'
import type { RunSeriesChunk } from '../../../../shared/contract'
import { appendChunk, fromChunk } from './dashboard-series'

function chunk(steps: number[], done: number, events: RunSeriesChunk['events'] = []): RunSeriesChunk {
  const t = Float64Array.from(steps)
  return { runId: 3, total: 100, done, bucket: 1, t, columns: { equity: t.map((x) => 100 + x), regime: t.map((x) => x % 2) }, events, regimeNames: ['calm', 'stress'], actionNames: ['FLAT'], costComponents: [] }
}

describe('dashboard series while a run streams', () => {
  it('appends chunks in order', () => {
    let s = fromChunk(chunk([0, 1, 2], 3))
    s = appendChunk(s, chunk([3, 4], 5, [{ t: 4, rule: 'leverage_clip', message: 'x' }]))
    expect(Array.from(s.t)).toEqual([0, 1, 2, 3, 4])
    expect(Array.from(s.columns.equity!)).toEqual([100, 101, 102, 103, 104])
    expect(s.done).toBe(5)
    expect(s.events).toHaveLength(1)
    expect(s.eventsByRule).toEqual({ leverage_clip: 1 })
  })

  it('counts events per rule as chunks arrive, each event once', () => {
    let s = fromChunk(chunk([0, 1], 2, [{ t: 1, rule: 'leverage_clip', message: 'a' }]))
    s = appendChunk(s, chunk([2, 3], 4, [{ t: 2, rule: 'leverage_clip', message: 'b' }, { t: 3, rule: 'drawdown_stop', message: 'c' }]))
    // A chunk overlapping what is shown brings an event already counted (t 3) and a new one (t 5).
    s = appendChunk(s, chunk([3, 4, 5], 6, [{ t: 3, rule: 'drawdown_stop', message: 'c' }, { t: 5, rule: 'leverage_clip', message: 'd' }]))
    expect(s.eventsByRule).toEqual({ leverage_clip: 3, drawdown_stop: 1 })
    expect(s.events.map((e) => e.t)).toEqual([1, 2, 3, 5])
  })

  it('skips the slots a chunk shares with the snapshot it follows, keeping the grid increasing', () => {
    let s = fromChunk(chunk([0, 1, 2, 3], 4, [{ t: 2, rule: 'position_limit', message: 'y' }]))
    s = appendChunk(s, chunk([2, 3, 4, 5], 6, [{ t: 2, rule: 'position_limit', message: 'y' }]))
    expect(Array.from(s.t)).toEqual([0, 1, 2, 3, 4, 5])
    expect(Array.from(s.columns.regime!)).toEqual([0, 1, 0, 1, 0, 1])
    expect(s.events).toHaveLength(1)
    // a chunk wholly inside what is shown only moves `done`
    const same = appendChunk(s, chunk([4, 5], 7))
    expect(same.t.length).toBe(6)
    expect(same.done).toBe(7)
  })

  it('refuses a chunk without a column the series has', () => {
    const s = fromChunk(chunk([0], 1))
    const bad = { ...chunk([1], 2), columns: { equity: Float64Array.of(1) } }
    expect(() => appendChunk(s, bad)).toThrow(/lacks the column "regime"/)
  })
})
