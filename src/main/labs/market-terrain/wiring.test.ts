import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runCollected } from '../../engine/kernel'
import { planLab } from '../execute'
import type { MarketTerrainConfig } from './config'
import { flowCapture } from './evaluation'
import { marketTerrainLab } from './lab'
import { type TerrainMarket, terrainMarket } from './market'
import { marketTerrainReport } from './metrics'
import { TRAILHEAD_STATE } from './state'
import { lcgNoise } from './test-support'
import { simulateUniverse } from './universe/simulate'
import { RISK_Z_GRID } from './walk-forward'

// The state, flow, grouping and walk-forward as the lab reads them: behaviour of the reference
// strategy and the no-look-ahead property of everything it decides on.

const plan = (preset: string, overrides: Record<string, unknown>) => planLab({ task: 'lab', lab: 'market-terrain', preset, overrides }).config as MarketTerrainConfig
const BARS = 600

/** Every per-bar series the policy or a view reads, cut at bar t (inclusive). */
function upTo(m: TerrainMarket, t: number): Record<string, number[]> {
  const n = m.n
  const cut = (a: ArrayLike<number>, width: number, bars = t + 1) => Array.from({ length: bars * width }, (_, k) => a[k]!)
  return {
    state: cut(m.state.state, 2),
    forecast: cut(m.state.forecast, 2),
    ellipse: cut(m.state.ellipse, 5),
    // lag-1 Surprise at bar s is scored on bar s + 1's observation: known at t for s < t.
    surprise: cut(m.state.surprise, 1, t),
    pressure: cut(m.state.pressure, 1),
    fragility: cut(m.state.fragility, 1),
    trigger: cut(m.state.trigger, 1),
    flow: cut(m.flow.net, n),
    exit: cut(m.flow.exit, n),
    oneWay: cut(m.flow.oneWay, 1),
    basket: cut(m.basket, n),
    boundary: cut(m.walkForward.threshold, 1),
    termStress: cut(m.termStress, 1)
  }
}

describe('market-terrain state, flow and strategy wiring', () => {
  it('has no look-ahead: changing the returns after bar t changes no state, flow, basket, boundary or position at bars ≤ t', async () => {
    const config = plan('corrected', { universe: { bars: BARS }, state: { trailhead_preset: 'C', trailhead_window: 60 } })
    const universe = simulateUniverse(config.universe, config.seed)
    const base = terrainMarket(config, universe)
    const baseRun = await runCollected(marketTerrainLab, config, { market: base })
    const baseCut = new Map<number, Record<string, number[]>>()
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 150, max: BARS - 20 }), fc.integer({ min: 1, max: 1000 }), async (t, seed) => {
        const noise = lcgNoise(seed)
        const returns = Float64Array.from(universe.returns, (r, k) => (k >= (t + 1) * universe.n ? 3 * r + 0.02 * noise() : r))
        const changed = terrainMarket(config, { ...universe, returns })
        if (!baseCut.has(t)) baseCut.set(t, upTo(base, t))
        expect(upTo(changed, t)).toEqual(baseCut.get(t))
        const run = await runCollected(marketTerrainLab, config, { market: changed })
        const legs = run.legs.length
        expect(Array.from(run.columns.position.subarray(0, (t + 1) * legs))).toEqual(Array.from(baseRun.columns.position.subarray(0, (t + 1) * legs)))
        // …and the change is real: something after t moved.
        expect(Array.from(changed.flow.net.subarray((t + 1) * universe.n))).not.toEqual(Array.from(base.flow.net.subarray((t + 1) * universe.n)))
      }),
      { numRuns: 3, seed: 17 }
    )
  }, 120_000)

  it('tilts the baskets along the predicted flow: with no tilt they are inverse-vol, with a tilt inflow assets weigh more', () => {
    const flat = terrainMarket(plan('faithful', { universe: { bars: 600 }, strategy: { flow_tilt: 0 } }))
    const tilted = terrainMarket(plan('faithful', { universe: { bars: 600 }, strategy: { flow_tilt: 2 } }))
    const n = flat.n
    const classOf = flat.universe.assets.classOf
    let compared = 0
    let leaned = 0
    for (let t = 300; t < 600; t++) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const [wi, wj] = [flat.basket[t * n + i]!, flat.basket[t * n + j]!]
          if (classOf[i] !== classOf[j] || wi === 0 || wj === 0) continue
          // inverse-vol within a class: w_i σ_i = w_j σ_j
          expect(wi * flat.assetVol[t * n + i]!).toBeCloseTo(wj * flat.assetVol[t * n + j]!, 5)
          compared++
          const [fi, fj] = [tilted.flow.net[t * n + i]!, tilted.flow.net[t * n + j]!]
          const [ti, tj] = [tilted.basket[t * n + i]!, tilted.basket[t * n + j]!]
          if (fi > fj && ti > 0 && tj > 0) {
            expect(ti / tj).toBeGreaterThan(wi / wj)
            leaned++
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(100)
    expect(leaned).toBeGreaterThan(20)
  })

  it('starts fault lines without a burst: faithful arms at bar 119 logging none of its opening stock, corrected waits for 240 bars of history', () => {
    const faithful = terrainMarket(plan('faithful', { universe: { bars: 800 } }))
    const corrected = terrainMarket(plan('corrected', { universe: { bars: 800 } }))
    expect(faithful.alertsNew[119]).toBe(0)
    expect(faithful.alertsActive[119]).toBeGreaterThan(0)
    expect(Math.min(...faithful.alertLog.map((a) => a.bar))).toBeGreaterThan(119)
    expect(Math.min(...corrected.alertLog.map((a) => a.bar))).toBeGreaterThan(59 + 240)
    // The hardness guard is not delayed by the corrected warm-up: both read hardness from bar 119.
    expect(Number.isNaN(corrected.edgeHardness[118]!)).toBe(true)
    expect(Number.isFinite(corrected.edgeHardness[119]!)).toBe(true)
  })

  it('conserves the predicted flow: net flows sum to 0 and One-Way confidence is a share', () => {
    const m = terrainMarket(plan('faithful', { universe: { bars: 400 } }))
    let read = 0
    for (let t = 0; t < m.bars; t++) {
      const w = m.flow.oneWay[t]!
      if (Number.isNaN(w)) continue
      read++
      expect(w).toBeGreaterThan(0)
      expect(w).toBeLessThanOrEqual(1)
      let sum = 0
      for (let i = 0; i < m.n; i++) sum += m.flow.net[t * m.n + i]!
      expect(Math.abs(sum)).toBeLessThan(1e-5)
    }
    expect(read).toBeGreaterThan(200)
  })

  it('fires presets B and C only with a One-Way path, and logs when only one index is lit', () => {
    for (const preset of ['B', 'C'] as const) {
      const m = terrainMarket(plan('faithful', { universe: { bars: BARS }, state: { trailhead_preset: preset, trailhead_window: 60 } }))
      const fires = m.state.events.filter((e) => e.kind === 'fire')
      for (const e of fires) expect(m.flow.oneWay[e.bar]!).toBeGreaterThanOrEqual(0.4)
      expect(m.state.events.some((e) => e.kind === 'log')).toBe(true)
      for (const e of m.state.events) expect(m.state.trigger[e.bar]).toBe(e.kind === 'fire' ? TRAILHEAD_STATE.fire : TRAILHEAD_STATE.log)
    }
  })

  it('trades the walk-forward boundary: risk_z_off before the first test window, a grid value chosen on earlier bars after', () => {
    const config = plan('faithful', { universe: { bars: 1000 }, strategy: { risk_z_off: 0.84 } })
    const m = terrainMarket(config)
    const folds = m.walkForward.folds
    expect(folds).toHaveLength(4)
    expect(folds[0]!.testFrom).toBe(m.stateFrom + Math.floor((1000 - m.stateFrom) * 0.4))
    expect(folds.at(-1)!.testTo).toBe(1000)
    for (let t = 0; t < folds[0]!.testFrom; t++) expect(m.walkForward.threshold[t]).toBe(0.84)
    for (const f of folds) {
      expect(RISK_Z_GRID).toContain(f.threshold)
      expect(f.trainFrom).toBe(m.stateFrom)
      for (let t = f.testFrom; t < f.testTo; t++) expect(m.walkForward.threshold[t]).toBe(f.threshold)
    }
    const off = terrainMarket(plan('faithful', { universe: { bars: 1000 }, strategy: { risk_z_off: 0.84 }, walk_forward: { folds: 0 } }))
    expect(off.walkForward.folds).toEqual([])
    expect(off.walkForward.threshold.every((x) => x === 0.84)).toBe(true)
  })

  it('reports the grouping against the true regimes on held-out bars, and the walk-forward folds from the run’s own equity', async () => {
    const config = plan('corrected', { universe: { bars: 1000 } })
    const run = await runCollected(marketTerrainLab, config)
    const r = marketTerrainReport(run, config)
    const g = r.telemetry.grouping as { train_bars: [number, number]; test_bars: [number, number]; methods: Array<{ method: string; accuracy: number; persistence: { switches: number }; true_changes: number }> }
    expect(g.methods.map((x) => x.method)).toEqual(['jump', 'kmeans', 'hmm'])
    expect(g.test_bars).toEqual([g.train_bars[1], 1000])
    let changes = 0
    for (let t = g.test_bars[0] + 1; t < 1000; t++) if (run.market.universe.regime[t] !== run.market.universe.regime[t - 1]) changes++
    for (const x of g.methods) {
      expect(x.accuracy).toBeGreaterThanOrEqual(0)
      expect(x.accuracy).toBeLessThanOrEqual(1)
      expect(x.true_changes).toBe(changes)
    }
    expect(r.metrics.jump_accuracy).toBe(g.methods[0]!.accuracy)
    const wf = r.telemetry.walk_forward as { folds: Array<{ test: [number, number]; total_return: number }>; out_of_sample: { total_return: number } }
    const eq = run.columns.equity
    const f0 = wf.folds[0]!
    expect(f0.total_return).toBeCloseTo(eq[f0.test[1] - 1]! / eq[f0.test[0] - 1]! - 1, 12)
    const product = wf.folds.reduce((p, f) => p * (1 + f.total_return), 1) - 1
    expect(wf.out_of_sample.total_return).toBeCloseTo(product, 10)
    const capture = flowCapture(eq, run.market.universe.returns, run.market.flow.net, run.market.n, run.market.stateFrom, run.steps, config.universe.bars_per_year)
    expect(capture.bars).toBeGreaterThan(500)
    expect(r.metrics.flow_capture).toBe(capture.flowCapture)
    expect(r.metrics.flow_path_return).toBe(capture.pathReturn)
  }, 60_000)
})
