import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { REGIME_NAMES, YIELD_CURVE_PRESETS } from './config'
import { yieldCurveLab } from './lab'
import { STRESS, yieldMarket } from './market'
import { yieldCurveReport } from './metrics'
import { bookOf } from './policy'

// What each correction of the `corrected` preset changes, one switch at a time against faithful.

const faithful = resolveLabConfig(yieldCurveLab, 'faithful', {})
const withFix = (path: string, value: unknown) => resolveLabConfig(yieldCurveLab, 'faithful', { [`corrections.${path}`]: value })

describe('yield-curve corrected preset', () => {
  it('names each fix and sets exactly the switches under `corrections`', () => {
    expect(YIELD_CURVE_PRESETS.corrected.corrections.map((c) => c.id)).toEqual([
      'no_lookahead',
      'slope_names',
      'butterfly_sign',
      'level_factor',
      'liquidity_target',
      'signed_carry',
      'cost_size',
      'z_history'
    ])
    for (const c of YIELD_CURVE_PRESETS.corrected.corrections) expect(c.why.length).toBeGreaterThan(60)
    const corrected = resolveLabConfig(yieldCurveLab, 'corrected', {})
    expect({ ...corrected, corrections: faithful.corrections }).toEqual(faithful)
  })

  it('no_lookahead: the book carried into t earns t−1 → t; the book traded at t earns nothing until t+1', async () => {
    const config = withFix('pnl_timing', 'mark_then_trade')
    const run = await runCollected(yieldCurveLab, config)
    const m = run.market
    const c = run.columns
    let marked = 0
    for (let k = 1; k < run.steps; k++) {
      const nt = k + 1
      let expected = 0
      for (let leg = 0; leg < 3; leg++) expected += c.position[(k - 1) * 3 + leg]! * (m.price[nt * 3 + leg]! - m.price[(nt - 1) * 3 + leg]!)
      expect(c.pnlByComponent.price![k]).toBeCloseTo(expected, 6)
      if (c.position[(k - 1) * 3] !== 0) marked++
    }
    expect(marked).toBeGreaterThan(50)
    // the first step that trades books no price P&L: it had no book before
    const first = Array.from(c.action).findIndex((a) => a !== 0)
    expect(c.pnlByComponent.price![first]).toBe(0)
    const lookahead = yieldCurveReport(await runCollected(yieldCurveLab, faithful), faithful).metrics
    const honest = yieldCurveReport(run, config).metrics
    // the look-ahead turns 1,000,000 into ~25 million at Sharpe ~4.9; marked honestly the same rule earns far less
    expect(lookahead['Sharpe (synthetic scaling)']!).toBeGreaterThan(4)
    expect(honest['Sharpe (synthetic scaling)']!).toBeLessThan(lookahead['Sharpe (synthetic scaling)']! / 2)
    expect(honest['Final equity']!).toBeLessThan(lookahead['Final equity']! / 5)
  })

  it('slope_names: STEEPENER is long 2Y / short 10Y in market convention, long 10Y / short 2Y in the notebook; both DV01-neutral', () => {
    const m = yieldMarket(faithful)
    const out = new Float64Array(3)
    for (const [config, sign2] of [
      [faithful, -1],
      [withFix('slope_names', 'market'), 1]
    ] as const) {
      bookOf('STEEPENER', m, 5, config, 0, out)
      expect(Math.sign(out[0]!)).toBe(sign2)
      expect(Math.sign(out[1]!)).toBe(-sign2)
      expect(Math.abs(out[0]! * m.dv01[15]! + out[1]! * m.dv01[16]!)).toBeLessThan(1e-3) // of 12,000 DV01 a leg
      bookOf('FLATTENER', m, 5, config, 0, out)
      expect(Math.sign(out[0]!)).toBe(-sign2)
    }
  })

  it('butterfly_sign: the fly goes long the belly when z_fly < 0 (the notebook is always long wings)', () => {
    const m = yieldMarket(faithful)
    const out = new Float64Array(3)
    bookOf('BUTTERFLY', m, 5, faithful, -2, out)
    expect([Math.sign(out[0]!), Math.sign(out[1]!), Math.sign(out[2]!)]).toEqual([1, -1, 1])
    bookOf('BUTTERFLY', m, 5, withFix('butterfly_sign', 'by_z_fly'), -2, out)
    expect([Math.sign(out[0]!), Math.sign(out[1]!), Math.sign(out[2]!)]).toEqual([-1, 1, -1])
    bookOf('BUTTERFLY', m, 5, withFix('butterfly_sign', 'by_z_fly'), 2, out)
    expect(Math.sign(out[0]!)).toBe(1)
  })

  it('level_factor: β0 drifts to ~25% in the notebook; as a level it stays under 8%, on the same draws', () => {
    const a = yieldMarket(faithful)
    const b = yieldMarket(withFix('level_factor', 'level'))
    expect(b.termPremium).toEqual(a.termPremium)
    expect(b.regime).toEqual(a.regime)
    expect(Math.max(...a.beta0)).toBeGreaterThan(0.2)
    expect(Math.max(...a.y10)).toBeGreaterThan(0.2)
    expect(Math.max(...b.beta0)).toBeLessThan(0.08)
    expect(Math.max(...b.y10)).toBeLessThan(0.1)
  })

  it('liquidity_target: the notebook’s liquidity is higher in stress and sits on its floor; reverting to a regime target it is lower in stress', () => {
    const meanBy = (liq: Float64Array, regime: Int32Array, stress: boolean) => {
      let s = 0
      let n = 0
      for (let t = 0; t < liq.length; t++) {
        if ((regime[t] === STRESS) !== stress) continue
        s += liq[t]!
        n++
      }
      return s / n
    }
    const a = yieldMarket(faithful)
    const b = yieldMarket(withFix('liquidity', 'regime_target'))
    expect(meanBy(a.liq, a.regime, true)).toBeGreaterThan(meanBy(a.liq, a.regime, false))
    expect(Array.from(a.liq).filter((l) => l === 0.15).length / a.liq.length).toBeGreaterThan(0.3)
    expect(meanBy(b.liq, b.regime, true)).toBeLessThan(meanBy(b.liq, b.regime, false) - 0.1)
    expect(Array.from(b.liq).filter((l) => l === 0.15).length).toBeLessThan(20)
    expect(REGIME_NAMES[STRESS]).toBe('stress_liquidity')
  })

  it('signed_carry: a short book pays carry when its yield is above the policy rate; the notebook pays every book', async () => {
    const a = await runCollected(yieldCurveLab, faithful)
    const b = await runCollected(yieldCurveLab, withFix('carry', 'signed'))
    expect(Array.from(a.columns.pnlByComponent.carry!).every((x) => x >= 0)).toBe(true)
    expect(Array.from(b.columns.pnlByComponent.carry!).some((x) => x < 0)).toBe(true)
    expect(Array.from(b.columns.pnlByComponent.carry!).some((x) => x > 0)).toBe(true)
  })

  it('cost_size: costs on traded notional are thousands of times the notebook’s DV01-sized costs', async () => {
    const a = yieldCurveReport(await runCollected(yieldCurveLab, faithful), faithful).metrics
    const config = withFix('cost_size', 'notional')
    const b = yieldCurveReport(await runCollected(yieldCurveLab, config), config).metrics
    expect(a['Total execution cost']!).toBeLessThan(200)
    expect(b['Total execution cost']!).toBeGreaterThan(1000 * a['Total execution cost']!)
  })

  it('z_history: one history point per step, so the z-scores start after 85 steps instead of 43', async () => {
    const first = (z: Float64Array) => Array.from(z).findIndex((v) => v !== 0)
    const a = await runCollected(yieldCurveLab, faithful)
    const b = await runCollected(yieldCurveLab, withFix('z_history', 'once'))
    // kernel step k is the notebook's t = k + 1; the history holds 2t (faithful) or t points at t
    expect(first(a.market.run.zSlope)).toBe(42 - 1 + 1)
    expect(first(b.market.run.zSlope)).toBe(85 - 1)
  })
})

describe('yield-curve corrected preset as a whole', () => {
  it('runs the seed-11 path with every fix; execution costs now show in the summary', async () => {
    const config = resolveLabConfig(yieldCurveLab, 'corrected', {})
    const report = yieldCurveReport(await runCollected(yieldCurveLab, config), config)
    expect(report.metrics['Total execution cost']!).toBeGreaterThan(1000)
    expect(report.metrics['Cost / |gross PnL|']!).toBeGreaterThan(0.01)
    expect(Number.isFinite(report.metrics['Final equity']!)).toBe(true)
  })
})
