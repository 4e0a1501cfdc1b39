import { describe, expect, it } from 'vitest'
import { runCollected } from '../../engine/kernel'
import { planLab } from '../execute'
import type { MarketTerrainConfig } from './config'
import { joinSeries } from './grouping'
import { groupingFeatures } from './grouping-run'
import { seedGroupingSeries } from './grouping-seeds'
import { marketTerrainLab } from './lab'
import { terrainMarket } from './market'
import { groupingColumns, marketTerrainReport } from './metrics'

// The grouping scored on held-out seeds (issue 17 §5): each held-out universe's features are
// computed by the lighter path of grouping-seeds.ts, so that path must read exactly what the lab
// reads; the block averages the per-seed scores; a held-out seed the models saw is refused.

const plan = (overrides: Record<string, unknown>, seed = 4) => planLab({ task: 'lab', lab: 'market-terrain', preset: 'corrected', overrides, seed }).config as MarketTerrainConfig

interface HeldOutMethod {
  method: string
  accuracy: number
  online_accuracy: number
  persistence: { switches: number; mean_run_length: number }
  mean_time_to_detection: number | null
  detected: number
  true_changes: number
  lambda?: number
  per_seed: Array<{ seed: number; accuracy: number; switches: number }>
}
interface HeldOut {
  train_seeds: number[]
  seeds: number[]
  bars: [number, number]
  methods: HeldOutMethod[]
}

describe('grouping on held-out seeds', () => {
  it('computes a seed’s features and true regimes exactly as the lab’s market reads them', () => {
    const config = plan({ universe: { bars: 500 } })
    const m = terrainMarket(config)
    const s = seedGroupingSeries(config, config.seed)
    const own = groupingFeatures(groupingColumns(m), m.stateFrom, m.bars)
    expect(s.features.T).toBe(m.bars - m.stateFrom)
    expect(Buffer.from(s.features.x.buffer).equals(Buffer.from(own.x.buffer))).toBe(true)
    expect(Array.from(s.labels)).toEqual(Array.from(m.universe.regime.subarray(m.stateFrom)))
    // Another seed is another universe.
    expect(Buffer.from(seedGroupingSeries(config, 5).features.x.buffer).equals(Buffer.from(own.x.buffer))).toBe(false)
  })

  it('joins training seeds end to end, labels with them', () => {
    const a = { features: { x: Float64Array.of(1, 2, 3, 4), T: 2, F: 2 }, labels: Int32Array.of(0, 1) }
    const b = { features: { x: Float64Array.of(5, 6), T: 1, F: 2 }, labels: Int32Array.of(1) }
    const j = joinSeries([a, b])
    expect(Array.from(j.features.x)).toEqual([1, 2, 3, 4, 5, 6])
    expect(j.features.T).toBe(3)
    expect(Array.from(j.labels)).toEqual([0, 1, 1])
    expect(() => joinSeries([a, { features: { x: Float64Array.of(1), T: 1, F: 1 }, labels: Int32Array.of(0) }])).toThrow(/^train\[1\] has 1 features, train\[0\] 2$/)
  })

  it('reports each method averaged over the held-out seeds, leaves the within-run block as it was, and is deterministic', async () => {
    const base = { universe: { bars: 700 } }
    const config = plan({ ...base, grouping: { train_seeds: [7], heldout_seeds: [5, 6] } })
    const report = async (c: MarketTerrainConfig) => marketTerrainReport(await runCollected(marketTerrainLab, c), c)
    const r = await report(config)
    const plain = await report(plan(base))
    const g = r.telemetry.grouping as { methods: unknown[]; held_out: HeldOut }
    expect(g.methods).toEqual((plain.telemetry.grouping as { methods: unknown[] }).methods)
    expect((plain.telemetry.grouping as { held_out?: unknown }).held_out).toBeUndefined()
    const h = g.held_out
    expect(h.train_seeds).toEqual([4, 7])
    expect(h.seeds).toEqual([5, 6])
    expect(h.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    for (const m of h.methods) {
      expect(m.per_seed.map((p) => p.seed)).toEqual([5, 6])
      expect(m.accuracy).toBeCloseTo((m.per_seed[0]!.accuracy + m.per_seed[1]!.accuracy) / 2, 12)
      expect(m.persistence.switches).toBeCloseTo((m.per_seed[0]!.switches + m.per_seed[1]!.switches) / 2, 12)
      expect(m.accuracy).toBeGreaterThanOrEqual(0)
      expect(m.accuracy).toBeLessThanOrEqual(1)
      expect(m.detected).toBeLessThanOrEqual(m.true_changes)
    }
    expect(h.methods[0]!.lambda).toBeGreaterThanOrEqual(0)
    expect((await report(config)).telemetry.grouping).toEqual(r.telemetry.grouping)
  })

  it('refuses a held-out seed the models are fitted on, in one line naming the field', () => {
    const err = (overrides: Record<string, unknown>) => {
      try {
        plan(overrides)
      } catch (e) {
        return (e as Error).message
      }
      return ''
    }
    expect(err({ grouping: { heldout_seeds: [5, 4] } })).toMatch(/grouping\.heldout_seeds\.1: seed 4 is the run’s own seed/)
    expect(err({ grouping: { train_seeds: [6], heldout_seeds: [6] } })).toMatch(/grouping\.heldout_seeds\.0: seed 6 is also a training seed/)
    expect(err({ grouping: { heldout_seeds: [5, 5] } })).toMatch(/grouping\.heldout_seeds\.1: seed 5 is listed twice/)
    expect(err({ grouping: { heldout_seeds: 5 } })).toMatch(/grouping\.heldout_seeds: must be a list of seeds/)
  })
})
