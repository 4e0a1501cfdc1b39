import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { OilCurveConfigSchema, oilCurveStressMenu } from './config'
import { oilCurveLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(oilCurveLab, preset, overrides))

describe('oil-curve config', () => {
  it('defaults to the notebook dataclasses (cells 11, 21, 26) and run_backtest(T=400, decision_every=1), under their names', () => {
    const c = OilCurveConfigSchema.parse({})
    expect(c.seed).toBe(7)
    expect(c.T).toBe(400)
    expect(c.decision_every).toBe(1)
    expect(c.market).toEqual({
      M: 12,
      dt: 1 / 252,
      r: 0.045,
      storage: 0.06,
      spot_mu: 80.0,
      spot_kappa: 1.5,
      spot_sigma: 0.35,
      inv_mu: 0.0,
      inv_kappa: 1.0,
      inv_sigma: 0.4,
      cy_a: 0.08,
      cy_b: 0.1,
      seasonal_amp: 0.05,
      jump_prob: 0.01,
      jump_sigma: 0.05
    })
    expect(c.env).toEqual({ notional: 1_000_000, max_gross_leverage: 2.0, fee_bps: 0.75, slippage_bps: 0.5, risk_aversion: 0.5 })
    expect(c.policy).toEqual({ thresh: 0.01, risk_off_dd: 0.03, max_trades_per_window: 1 })
    expect(resolveLabConfig(oilCurveLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(oilCurveLab, 'corrected', { 'env.fee_bps': 2, policy: { thresh: 0.02 } })
    expect(a.env.fee_bps).toBe(2)
    expect(a.env.slippage_bps).toBe(0.5)
    expect(a.policy.thresh).toBe(0.02)
    expect(a.corrections).toEqual({ seasonality: 'calendar', inventory_regime: true, mark_book: 'traded', roll_accrual: true, total_pnl: 'from_notional' })
    expect(resolveLabConfig(oilCurveLab, 'corrected', { 'corrections.mark_book': 'pre_trade' }).corrections.roll_accrual).toBe(true)
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.P': [[0.9, 0.05], [0.2, 0.8]] })).toEqual([{ path: 'regimes.P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.P': [[1.2, -0.2], [0.2, 0.8]] })).toEqual([
      { path: 'regimes.P.0.0', message: 'must be a probability in [0, 1] (got 1.2)' },
      { path: 'regimes.P.0.1', message: 'must be a probability in [0, 1] (got -0.2)' }
    ])
    expect(problems({ 'regimes.P': [[1]] })[0]).toEqual({ path: 'regimes.P', message: 'must be a 2 × 2 matrix, one row per regime (got 1 rows)' })
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'env.fees': 3 })).toEqual([{ path: 'env', message: 'unknown key "fees"' }])
    expect(problems({ run_config: {} })).toEqual([{ path: 'config', message: 'unknown key "run_config"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ 'market.spot_sigma': -0.1 })).toEqual([{ path: 'market.spot_sigma', message: 'must be ≥ 0 (got -0.1)' }])
    expect(problems({ 'market.inv_sigma': -1 })).toEqual([{ path: 'market.inv_sigma', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'regimes.spot_sigma_mult': [1, -1] })).toEqual([{ path: 'regimes.spot_sigma_mult.1', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'market.jump_prob': 1.5 })).toEqual([{ path: 'market.jump_prob', message: 'must be a probability in [0, 1] (got 1.5)' }])
    expect(problems({ 'env.max_gross_leverage': 0 })).toEqual([{ path: 'env.max_gross_leverage', message: 'must be > 0 (got 0)' }])
    expect(problems({ T: 1 })).toEqual([{ path: 'T', message: 'must be at least 2 steps (got 1)' }])
    expect(problems({ decision_every: 0 })).toEqual([{ path: 'decision_every', message: 'must be at least 1 step (got 0)' }])
    expect(problems({ 'corrections.seasonality': 'lunar' })[0]!.message).toMatch(/^must be "tenor" or "calendar"/)
  })

  it('keeps the tenor grid a strip the features can read: 6 to 60 whole months', () => {
    expect(problems({ 'market.M': 5 })).toEqual([{ path: 'market.M', message: 'must be at least 6 months (slope_1_6 reads the sixth contract) (got 5)' }])
    expect(problems({ 'market.M': 61 })).toEqual([{ path: 'market.M', message: 'must be at most 60 months (got 61)' }])
    expect(problems({ 'market.M': 12.5 })).toEqual([{ path: 'market.M', message: 'must be a whole number (got 12.5)' }])
  })

  it('refuses an unknown preset', () => {
    expect(problems({}, 'optimistic' as 'faithful')).toEqual([{ path: 'preset', message: 'must be "faithful" or "corrected" (got "optimistic")' }])
  })

  it('offers the chapter\'s experiments one factor at a time, each a valid config (the regime entry with the regime on)', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(oilCurveLab, preset, {})
      const menu = oilCurveStressMenu(base)
      expect(menu.length).toBeGreaterThanOrEqual(preset === 'faithful' ? 10 : 11)
      for (const entry of menu) expect(() => resolveLabConfig(oilCurveLab, preset, entry.overrides), entry.name).not.toThrow()
    }
  })
})
