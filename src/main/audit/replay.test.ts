import { describe, expect, it } from 'vitest'
import { runLogged } from '../labs/test-support'
import { ReplayComparator, compareReplay, sliceFeeder } from './replay'

const run = (overrides: Record<string, unknown>, seed = 7) => runLogged({ task: 'lab', lab: 'fx-carry', preset: 'faithful', seed, overrides })

describe('replay comparison', () => {
  it('a replay of the same spec is identical, step for step and event for event', async () => {
    const a = await run({})
    const b = await run({})
    expect(compareReplay([a.records], a.records.events, b.records, b.records.events)).toEqual({ identical: true, stepsCompared: a.records.t.length, storedSteps: a.records.t.length, replayedSteps: a.records.t.length, firstDivergence: null })
  })

  it('names the first divergent step and field after a change (here: a different cost per trade)', async () => {
    const stored = await run({})
    const other = await run({ 'execution_params.cost_bps': 9 })
    const result = compareReplay([stored.records], stored.records.events, other.records, other.records.events)
    expect(result.identical).toBe(false)
    expect(result.firstDivergence?.t).toBe(result.stepsCompared)
    expect(result.firstDivergence?.field).toMatch(/^(regime|action|source|rationale|position\[\d\]|trade\[\d\]|cost(:\w+)?|pnl:\w+|netPnl|equity|drawdown|leverage)$/)
    expect(result.firstDivergence?.stored).not.toBe(result.firstDivergence?.replayed)
  })

  it('reports a replay that stops short or runs longer', async () => {
    const a = await run({})
    const short = { ...a.records, t: a.records.t.subarray(0, 100) }
    expect(compareReplay([a.records], a.records.events, short, a.records.events).firstDivergence).toMatchObject({ t: 100, field: 'step' })
    expect(compareReplay([short], a.records.events, a.records, a.records.events).firstDivergence).toMatchObject({ t: 100, field: 'step' })
  })

  it('treats −0 and 0 as different values (same bytes or not identical)', async () => {
    const a = await run({})
    const b = await run({})
    const index = Array.from(b.records.cost).findIndex((c) => c === 0)
    expect(index).toBeGreaterThanOrEqual(0)
    b.records.cost[index] = -0
    expect(compareReplay([a.records], a.records.events, b.records, b.records.events).firstDivergence).toMatchObject({ t: index, field: 'cost', stored: '0', replayed: '-0' })
  })

  it('compares slice by slice as a replay streams, with the same verdict as at once', async () => {
    const spec = { task: 'lab' as const, lab: 'latency-arb', preset: 'faithful', seed: 5, overrides: { T: 10_000, 'fees.venue_a_bps': 0.5 } }
    const stored = await runLogged(spec)
    const other = await runLogged({ ...spec, overrides: { ...spec.overrides, 'fees.venue_a_bps': 0.6 } })
    for (const replay of [stored, other]) {
      const comparator = new ReplayComparator([stored.records], stored.records.events)
      const feed = sliceFeeder(comparator)
      for (const slice of replay.slices) feed(slice)
      expect(comparator.finish()).toEqual(compareReplay([stored.records], stored.records.events, replay.records, replay.records.events))
    }
    expect(compareReplay([stored.records], stored.records.events, other.records, other.records.events).identical).toBe(false)
  })
})
