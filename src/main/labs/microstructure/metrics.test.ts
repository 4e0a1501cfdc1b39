import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inverseNormal, lognormalTable, streamSeed } from './market'
import { resolveLabConfig, runLab } from '../../engine/kernel'
import { FLOW } from './execution'
import { halfLifeFromAR1, halfLifeFromPeak, maxDrawdownPnl, microstructureReport, sharpeAnnualized } from './metrics'
import { FillLog, annotateFills, collectScenario, reference, runMicrostructure, wholeRun } from './test-support'
import { microstructureLab } from './lab'

describe('inventory half-life', () => {
  it('seed (peak): steps from the |inventory| peak until it is at most half of it', () => {
    expect(halfLifeFromPeak([0, 2, 4, 3, 2, 1])).toBe(2)
    expect(halfLifeFromPeak([0, -1, -6, -5, -4, -3])).toBe(3)
  })

  it('seed (peak): ∞ when inventory never falls to half its peak after it, 0 for a flat book', () => {
    expect(halfLifeFromPeak([0, 1, 2, 3])).toBe(Number.POSITIVE_INFINITY)
    expect(halfLifeFromPeak([0, 0, 0])).toBe(0)
  })

  it('corrected (AR(1)): ln ½ / ln φ for a geometric decay, whatever its start', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.double({ min: 1, max: 100, noNaN: true }), (phi, q0) => {
        const q = Array.from({ length: 40 }, (_, t) => q0 * phi ** t)
        expect(halfLifeFromAR1(q)).toBeCloseTo(Math.log(0.5) / Math.log(phi), 9)
      })
    )
  })

  it('corrected (AR(1)): an oscillating decay uses |φ|; no decay is ∞; a flat book is 0', () => {
    expect(halfLifeFromAR1([8, -4, 2, -1, 0.5])).toBeCloseTo(1, 12)
    expect(halfLifeFromAR1([1, -1, 1, -1, 1])).toBe(Number.POSITIVE_INFINITY)
    expect(halfLifeFromAR1([0, 0, 0])).toBe(0)
  })

  it('the correction: a late peak reads ∞ under the seed rule although inventory mean-reverts fast', () => {
    const q = [3, -2, 1, -1, 2, -1, 0, 1, -1, 0, 2, -2, 1, 0, 9]
    expect(halfLifeFromPeak(q)).toBe(Number.POSITIVE_INFINITY)
    expect(Number.isFinite(halfLifeFromAR1(q))).toBe(true)
  })
})

describe('P&L statistics', () => {
  it('max drawdown is the largest fall of cumulative P&L from its peak, counted from 0, as a negative number', () => {
    expect(maxDrawdownPnl([1, 3, 0, 2, -1])).toBe(-4)
    expect(maxDrawdownPnl([-2, -1])).toBe(-2)
    expect(maxDrawdownPnl([1, 2, 3])).toBe(0)
  })

  it('sharpe is 0 for a P&L that never moves and scales with √periods', () => {
    expect(sharpeAnnualized([0, 0, 0], 252)).toBe(0)
    const pnl = [1, -0.5, 2, 0.3, -1]
    expect(sharpeAnnualized(pnl, 400) / sharpeAnnualized(pnl, 100)).toBeCloseTo(2, 12)
  })
})

describe('fill annotation', () => {
  it('adds mid_after = mid(t + h) and the horizon, cut at the last marked step', () => {
    const log = new FillLog()
    log.push(1, 1, 99.99, 2, FLOW, 100)
    log.push(4, -1, 100.03, 1, FLOW, 100.02)
    const mid = Float64Array.of(100, 100, 100.01, 100.02, 100.02, 100.05)
    const a = annotateFills(log, mid, 2, 5)
    expect(Array.from(a.midBefore)).toEqual([100, 100.02])
    expect(Array.from(a.midAfter)).toEqual([100.02, 100.05])
    expect(Array.from(a.horizon)).toEqual([2, 1])
  })

  it('grows without losing fills', () => {
    const log = new FillLog()
    for (let i = 0; i < 1000; i++) log.push(i, i % 2 ? 1 : -1, i, 1, FLOW, i)
    expect(log.length).toBe(1000)
    expect(log.t[999]).toBe(999)
    expect(log.price[500]).toBe(500)
  })
})

describe('scenario', () => {
  it('named streams differ from each other and between seeds', () => {
    const seeds = new Set([streamSeed(1, 'scenario'), streamSeed(1, 'depth'), streamSeed(1, 'fills'), streamSeed(2, 'scenario')])
    expect(seeds.size).toBe(4)
  })

  it('is deterministic per seed, positive, and widens the spread and thins depth when stressed', () => {
    const config = resolveLabConfig(microstructureLab, 'faithful', { steps: 20_000, 'scenario.p_enter_stress': 0.05, 'scenario.p_exit_stress': 0.05 })
    const a = collectScenario(config)
    const b = collectScenario(config)
    expect(a.mid).toEqual(b.mid)
    expect(a.depthBid).toEqual(b.depthBid)
    const avg = (r: number, f: (t: number) => number): number => {
      let s = 0
      let n = 0
      for (let t = 0; t < a.n; t++) {
        if (a.regime[t] !== r) continue
        s += f(t)
        n++
      }
      return s / n
    }
    expect(avg(1, (t) => a.spreadTicks[t]!)).toBeGreaterThan(avg(0, (t) => a.spreadTicks[t]!))
    expect(avg(1, (t) => a.depthBid[t * a.levels]!)).toBeLessThan(avg(0, (t) => a.depthBid[t * a.levels]!))
    let narrowest = Number.POSITIVE_INFINITY
    let lowest = Number.POSITIVE_INFINITY
    for (let t = 0; t < a.n; t++) {
      narrowest = Math.min(narrowest, a.askTick[t]! - a.bidTick[t]!)
      lowest = Math.min(lowest, a.bidTick[t]! - a.levels + 1)
    }
    expect(narrowest).toBeGreaterThanOrEqual(1)
    expect(lowest).toBeGreaterThan(0)
    // realised per-step log-return volatility in calm is sigma_bps
    let ss = 0
    let n = 0
    for (let t = 0; t + 1 < a.n; t++) {
      if (a.regime[t] !== 0) continue
      ss += Math.log(a.mid[t + 1]! / a.mid[t]!) ** 2
      n++
    }
    expect(Math.sqrt(ss / n) * 1e4).toBeCloseTo(config.scenario.sigma_bps, 0)
  })

  it('draws depth noise from lognormal quantiles with mean ≈ 1', () => {
    expect(inverseNormal(0.5)).toBeCloseTo(0, 12)
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 5)
    expect(inverseNormal(0.001)).toBeCloseTo(-3.090232, 5)
    const table = lognormalTable(0.3)
    expect(table.reduce((s, v) => s + v, 0) / 256).toBeCloseTo(1, 2)
  })
})

describe('streaming report', () => {
  const CASES: Array<['faithful' | 'corrected', Record<string, unknown>]> = [
    ['faithful', {}],
    ['corrected', {}],
    ['faithful', { seed: 2, 'analytics.adverse_horizon_steps': 1 }],
    ['corrected', { seed: 3, 'analytics.adverse_horizon_steps': 5000, 'scenario.drift_bps': 0.5 }],
    ['faithful', { seed: 4, 'analytics.adverse_horizon_steps': 4096, 'strategy.decision_every': 3 }],
    ['corrected', { seed: 5, 'corrections.half_life': 'peak', 'strategy.inv_penalty_bps': 5 }],
    ['faithful', { seed: 6, 'corrections.half_life': 'ar1', 'corrections.realized_spread': 'at_horizon' }],
    ['faithful', { seed: 7, profile: 'twap', 'strategy.total_steps': 7000 }],
    ['corrected', { seed: 8, profile: 'momentum' }],
    ['faithful', { seed: 9, 'risk.position_limit': 2, 'strategy.inv_penalty_bps': 0, 'strategy.target_inventory': 0 }],
    ['faithful', { seed: 10, 'strategy.type': 'DoNothing' }],
    ['faithful', { seed: 11, steps: 4096 }],
    ['corrected', { seed: 12, steps: 4097, 'analytics.adverse_horizon_steps': 10_000 }]
  ]

  it.each(CASES)('equals the whole-run reference: every metric exact, Sharpe within 1e-12 (%s %j)', async (preset, overrides) => {
    const config = resolveLabConfig(microstructureLab, preset, { steps: 9000, ...overrides })
    const result = await runMicrostructure(config)
    const expected = reference.report(wholeRun(result, config), config)
    const { sharpe_annualized: sharpe, ...exact } = result.metrics
    const { sharpe_annualized: expectedSharpe, ...expectedExact } = expected.metrics
    expect(exact).toStrictEqual(expectedExact)
    expect(Object.keys(result.metrics)).toEqual(Object.keys(expected.metrics))
    expect(Math.abs(sharpe! - expectedSharpe!)).toBeLessThanOrEqual(1e-12 * Math.abs(expectedSharpe!))
    expect(result.telemetry).toStrictEqual(expected.telemetry)
  })

  it('holds no per-step state: what it keeps does not grow with the run', async () => {
    const retained = async (steps: number): Promise<number> => {
      const config = resolveLabConfig(microstructureLab, 'faithful', { steps })
      const market = microstructureLab.market(config, {})
      const report = microstructureReport(config, market)
      const end = await runLab(microstructureLab, config, { market, sinks: [report] })
      report.finish(end)
      return report.retainedBytes() + market.scenario.retainedBytes()
    }
    const short = await retained(20_000)
    const long = await retained(200_000)
    expect(long).toBe(short)
    expect(long).toBeLessThan(2 * 1024 * 1024)
  })
})
