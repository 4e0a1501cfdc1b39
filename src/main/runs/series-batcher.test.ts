import { describe, expect, it } from 'vitest'
import type { RunSeriesChunk } from '../../shared/contract'
import { SeriesBatcher, type Timers } from './series-batcher'

function chunk(from: number, n: number, events: Array<{ t: number; rule: string; message: string }> = []): Omit<RunSeriesChunk, 'runId'> {
  const t = Float64Array.from({ length: n }, (_, i) => from + i)
  return { total: 1000, done: from + n, bucket: 1, t, columns: { equity: t.map((x) => 100 + x) }, events, regimeNames: ['calm'], actionNames: ['FLAT'], costComponents: [] }
}

function harness() {
  let now = 0
  const pending: Array<{ at: number; callback: () => void; live: boolean }> = []
  const timers: Timers = {
    set: (callback, ms) => {
      const entry = { at: now + ms, callback, live: true }
      pending.push(entry)
      return entry
    },
    clear: (handle) => ((handle as { live: boolean }).live = false)
  }
  const sent: RunSeriesChunk[] = []
  const batcher = new SeriesBatcher(7, (c) => sent.push(c), { nowMs: () => now, isoNow: () => '' }, timers)
  const advance = (ms: number): void => {
    now += ms
    for (const entry of pending) {
      if (!entry.live || entry.at > now) continue
      entry.live = false
      entry.callback()
    }
  }
  return { batcher, sent, advance }
}

describe('series batching', () => {
  it('sends at most 10 chunks a second, joining what arrives in between', () => {
    const { batcher, sent, advance } = harness()
    batcher.offer(chunk(0, 3))
    expect(sent).toHaveLength(1)
    // three chunks within the next 100 ms wait for the interval and go out as one
    advance(20)
    batcher.offer(chunk(3, 2, [{ t: 4, rule: 'leverage_clip', message: 'clipped' }]))
    advance(20)
    batcher.offer(chunk(5, 2))
    advance(20)
    batcher.offer(chunk(7, 1))
    expect(sent).toHaveLength(1)
    advance(40)
    expect(sent).toHaveLength(2)
    const joined = sent[1]!
    expect(joined.runId).toBe(7)
    expect(Array.from(joined.t)).toEqual([3, 4, 5, 6, 7])
    expect(Array.from(joined.columns.equity!)).toEqual([103, 104, 105, 106, 107])
    expect(joined.done).toBe(8)
    expect(joined.events.map((e) => e.t)).toEqual([4])
  })

  it('flush sends what waits at once; nothing is sent twice', () => {
    const { batcher, sent, advance } = harness()
    batcher.offer(chunk(0, 1))
    batcher.offer(chunk(1, 1))
    batcher.flush()
    expect(sent.map((c) => Array.from(c.t))).toEqual([[0], [1]])
    advance(500)
    expect(sent).toHaveLength(2)
  })

  it('a snapshot joins everything sent so far, for a view opened mid-run', () => {
    const { batcher, advance } = harness()
    expect(batcher.snapshot()).toBeNull()
    batcher.offer(chunk(0, 2, [{ t: 1, rule: 'position_limit', message: 'limited' }]))
    advance(200)
    batcher.offer(chunk(2, 3))
    const snapshot = batcher.snapshot()!
    expect(Array.from(snapshot.t)).toEqual([0, 1, 2, 3, 4])
    expect(snapshot.done).toBe(5)
    expect(snapshot.events).toHaveLength(1)
  })

  it('dispose drops waiting chunks and their timer', () => {
    const { batcher, sent, advance } = harness()
    batcher.offer(chunk(0, 1))
    batcher.offer(chunk(1, 1))
    batcher.dispose()
    advance(500)
    expect(sent).toHaveLength(1)
  })
})
