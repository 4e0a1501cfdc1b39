import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { YieldCurveConfigSchema, yieldCurveStressMenu } from './config'
import { yieldCurveLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(yieldCurveLab, preset, overrides))

describe('yield-curve config', () => {
  it('defaults to the notebook run_config (cell 6), keys and nesting included', () => {
    const c = YieldCurveConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([11, 900, 1])
    expect(c.regimes.names).toEqual(['policy_easing', 'neutral', 'policy_tightening', 'stress_liquidity'])
    expect(c.regimes.markov_P[3]).toEqual([0.03, 0.15, 0.02, 0.8])
    expect(c.market_params).toMatchObject({ ns_lambda: 0.55, policy_rate0: 0.03, beta0_0: 0.02, beta1_0: -0.01, beta2_0: 0.008, mean_reversion: { beta0: 0.0025, beta1: 0.008, beta2: 0.01 } })
    expect(c.market_params.shock_scales.stress_liquidity).toEqual({ pol: 0.0001, tp: 0.0011, v: 0.0009, liq: 0.09 })
    expect(c.market_params.policy_drifts).toEqual({ policy_easing: -0.00005, neutral: 0, policy_tightening: 0.00005, stress_liquidity: 0 })
    expect(c.surface_params).toEqual({ tenor_grid_years: [0.5, 1, 2, 3, 5, 7, 10, 20, 30], trade_tenors_years: [2, 10, 30] })
    expect(c.execution_params).toEqual({ cost_fixed: 0, cost_bps: 0.8, slippage_vol_lambda: 1.8, impact_eta: 0.12, impact_power: 1.35, permanent_frac: 0.25, min_liquidity: 0.15 })
    expect(c.risk_params).toEqual({ max_leverage: 2.2, pos_dv01_limit: 18000, max_dd_stop: 0.22, margin_rate: 0.08, delever_threshold: 0.92 })
    expect(resolveLabConfig(yieldCurveLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(yieldCurveLab, 'corrected', { 'execution_params.cost_bps': 2, risk_params: { max_leverage: 4 } })
    expect(a.execution_params.cost_bps).toBe(2)
    expect(a.risk_params).toMatchObject({ max_leverage: 4, pos_dv01_limit: 18000 })
    expect(a.corrections.pnl_timing).toBe('mark_then_trade')
    expect(resolveLabConfig(yieldCurveLab, 'corrected', { 'corrections.pnl_timing': 'lookahead' }).corrections.slope_names).toBe('market')
  })

  it('refuses a tenor grid out of order, naming the field', () => {
    expect(problems({ 'surface_params.tenor_grid_years': [0.5, 2, 1, 10, 30] })).toEqual([
      { path: 'surface_params.tenor_grid_years', message: 'must be strictly increasing (np.interp reads the grid in order)' }
    ])
    expect(problems({ 'surface_params.tenor_grid_years': [1, -2] })[0]!.path).toBe('surface_params.tenor_grid_years.1')
    expect(problems({ 'surface_params.trade_tenors_years': [2, 5, 30] })[0]!.message).toMatch(/^must be \[2, 10, 30\]/)
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.markov_P': [[0.9, 0.05, 0, 0], [0.02, 0.955, 0.02, 0.005], [0, 0.03, 0.965, 0.005], [0.03, 0.15, 0.02, 0.8]] })).toEqual([
      { path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }
    ])
    expect(problems({ 'regimes.markov_P': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 4 × 4 matrix, one row per regime (got 2 rows)' })
    expect(problems({ 'regimes.markov_P.3': [1.2, -0.2, 0, 0] }).map((p) => p.path)).toContain('regimes.markov_P')
  })

  it('refuses negative vols and shock scales, naming the field', () => {
    expect(problems({ 'market_params.shock_scales.stress_liquidity.tp': -0.001 })).toEqual([
      { path: 'market_params.shock_scales.stress_liquidity.tp', message: 'must be ≥ 0 (a standard deviation) (got -0.001)' }
    ])
    expect(problems({ 'market_params.shock_scales.neutral.v': -1 })[0]!.path).toBe('market_params.shock_scales.neutral.v')
    expect(problems({ 'execution_params.slippage_vol_lambda': -1 })).toEqual([{ path: 'execution_params.slippage_vol_lambda', message: 'must be ≥ 0 (got -1)' }])
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'execution_params.cost_bp': 1 })).toEqual([{ path: 'execution_params', message: 'unknown key "cost_bp"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
    expect(problems({ 'market_params.shock_scales.calm': {} })).toEqual([{ path: 'market_params.shock_scales', message: 'unknown key "calm"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ T: 1 })).toEqual([{ path: 'T', message: 'must be ≥ 2 (got 1)' }])
    expect(problems({ 'risk_params.max_leverage': 0 })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'risk_params.delever_threshold': 1.5 })).toEqual([{ path: 'risk_params.delever_threshold', message: 'must be a probability in [0, 1] (got 1.5)' }])
    expect(problems({ 'execution_params.min_liquidity': 0 })).toEqual([{ path: 'execution_params.min_liquidity', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'corrections.carry': 'net' })[0]!.message).toMatch(/^must be "gross_mv" or "signed"/)
  })

  it('offers the chapter’s one-factor stress menu, every entry a valid config that changes one thing', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(yieldCurveLab, preset, {})
      const menu = yieldCurveStressMenu(base)
      expect(menu.map((m) => m.name)).toContain('stress twice as persistent')
      for (const entry of menu) {
        const stressed = resolveLabConfig(yieldCurveLab, preset, entry.overrides)
        expect(stressed, entry.name).not.toEqual(base)
      }
    }
  })
})
