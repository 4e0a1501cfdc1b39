import { describe, expect, it } from 'vitest'
import { LabConfigError, resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { VolSurfaceConfigSchema, volSurfaceStressMenu } from './config'
import { volSurfaceLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => configProblems(() => resolveLabConfig(volSurfaceLab, preset, overrides))

describe('vol-surface config', () => {
  it('defaults to the notebook run_config (cell 2), keys and nesting included', () => {
    const c = VolSurfaceConfigSchema.parse({})
    expect(c.seed).toBe(7)
    expect(c.T).toBe(800)
    expect(c.dt).toBe(1.0)
    expect(c.regimes.names).toEqual(['calm', 'transition', 'stress'])
    expect(c.regimes.markov_P).toEqual([
      [0.965, 0.03, 0.005],
      [0.08, 0.86, 0.06],
      [0.02, 0.12, 0.86]
    ])
    expect(c.market_params).toMatchObject({ spot0: 100, base_vol: 0.15, vol_floor: 0.06, vol_cap: 0.9, mean_revert_kappa: 0.1 })
    expect(c.market_params.vol_of_vol).toEqual({ calm: 0.08, transition: 0.18, stress: 0.4 })
    expect(c.market_params.jump_intensity).toEqual({ calm: 0.004, transition: 0.012, stress: 0.035 })
    expect(c.surface_params.axes).toEqual({ tenor_days: [7, 30, 90, 180], moneyness: [-0.1, -0.05, 0, 0.05, 0.1] })
    expect(c.surface_params.term_structure_slope).toEqual({ calm: -0.02, transition: 0, stress: 0.06 })
    expect(c.execution_params).toEqual({ cost_fixed: 0, cost_bps: 2, slippage_lambda: 0.15, illiquidity_by_regime: { calm: 0.6, transition: 1.2, stress: 2.8 }, impact_scale: 1e-6 })
    expect(c.risk_params).toEqual({ initial_equity: 1e6, max_leverage: 2, pos_limit_vega: 1, trade_rate_limit: 0.25, max_dd_stop: 0.2 })
    expect(c.strategy_params).toEqual({ theta_carry_calm: 220, theta_carry_transition: 120, theta_carry_stress: 40, vega_pnl_scale: 8500, convexity_coeff: 9000, tail_threshold: 0.018, calendar_sensitivity: 6000 })
    expect(resolveLabConfig(volSurfaceLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(volSurfaceLab, 'corrected', { 'risk_params.max_leverage': 1.5, execution_params: { cost_bps: 3 }, 'market_params.vol_of_vol.stress': 0.6 })
    expect(a.risk_params.max_leverage).toBe(1.5)
    expect(a.execution_params.cost_bps).toBe(3)
    expect(a.execution_params.impact_scale).toBe(1e-3)
    expect(a.market_params.vol_of_vol).toEqual({ calm: 0.08, transition: 0.18, stress: 0.6 })
    expect(a.corrections.drawdown_stop).toBe('de_risk')
  })

  it('refuses a non-stochastic transition matrix, naming the row', () => {
    expect(
      problems({
        'regimes.markov_P': [
          [0.9, 0.05, 0.0],
          [0.08, 0.86, 0.06],
          [0.02, 0.12, 0.86]
        ]
      })
    ).toEqual([{ path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.markov_P': [[0.5, 0.5, 0], [0, 1.2, -0.2], [0, 0, 1]] })).toEqual([
      { path: 'regimes.markov_P.1.1', message: 'must be a probability in [0, 1] (got 1.2)' },
      { path: 'regimes.markov_P.1.2', message: 'must be a probability in [0, 1] (got -0.2)' }
    ])
    expect(problems({ 'regimes.markov_P': [[1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 3 × 3 matrix, one row per regime (got 1 rows)' })
  })

  it('refuses negative vols, by field', () => {
    expect(problems({ 'market_params.base_vol': -0.15 })).toEqual([{ path: 'market_params.base_vol', message: 'must be > 0 (got -0.15)' }])
    expect(problems({ 'market_params.vol_of_vol.stress': -0.4 })).toEqual([{ path: 'market_params.vol_of_vol.stress', message: 'must be ≥ 0 (got -0.4)' }])
    expect(problems({ 'market_params.vol_floor': 0.95 })).toEqual([{ path: 'market_params.vol_floor', message: 'must be < vol_cap = 0.9 (got 0.95)' }])
  })

  it('refuses a tenor or moneyness grid out of order', () => {
    expect(problems({ 'surface_params.axes.tenor_days': [7, 90, 30, 180] })).toEqual([
      { path: 'surface_params.axes.tenor_days.2', message: 'must be strictly increasing (tenor 2 is 30 after 90)' }
    ])
    expect(problems({ 'surface_params.axes.moneyness': [-0.1, 0, 0] })).toEqual([{ path: 'surface_params.axes.moneyness.2', message: 'must be strictly increasing (point 2 is 0 after 0)' }])
    expect(problems({ 'surface_params.axes.tenor_days': [-7, 30] })).toEqual([{ path: 'surface_params.axes.tenor_days.0', message: 'must be > 0 (got -7)' }])
    // the corrected per-tenor sensitivities need one entry per tenor
    expect(problems({ 'surface_params.axes.tenor_days': [7, 30, 90, 180, 365] }, 'corrected').map((p) => p.path)).toEqual(['surface_params.tenor_vov_sensitivity', 'surface_params.tenor_jump_sensitivity'])
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'market_params.vol_of_volatility': 0.1 })).toEqual([{ path: 'market_params', message: 'unknown key "vol_of_volatility"' }])
    expect(problems({ 'market_params.vol_of_vol.crisis': 0.9 })).toEqual([{ path: 'market_params.vol_of_vol', message: 'unknown key "crisis"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
  })

  it('says what each number must be, and refuses renamed regimes', () => {
    expect(problems({ T: 1 })).toEqual([{ path: 'T', message: 'must be at least 2 steps (got 1)' }])
    expect(problems({ 'risk_params.max_leverage': -1 })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got -1)' }])
    expect(problems({ 'market_params.jump_intensity.calm': 1.5 })).toEqual([{ path: 'market_params.jump_intensity.calm', message: 'must be a probability in [0, 1] (got 1.5)' }])
    expect(problems({ 'corrections.calendar_slope': 'fitted' })[0]!.message).toMatch(/^must be "regime_constant" or "grid_atm"/)
    expect(problems({ 'regimes.names': ['a', 'b', 'c'] })[0]!.path).toBe('regimes.names')
  })

  it('gives a one-line error that names the field', () => {
    try {
      resolveLabConfig(volSurfaceLab, 'faithful', { 'market_params.base_vol': -0.15 })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(LabConfigError)
      const message = (error as Error).message
      expect(message.split('\n')).toHaveLength(1)
      expect(message).toContain('market_params.base_vol')
    }
  })

  it('offers the chapter\'s one-factor stress menu, every entry a valid config that changes the run', () => {
    const base = resolveLabConfig(volSurfaceLab, 'faithful', {})
    const menu = volSurfaceStressMenu(base)
    expect(menu.length).toBeGreaterThanOrEqual(6)
    for (const entry of menu) {
      const c = resolveLabConfig(volSurfaceLab, 'faithful', entry.overrides)
      expect(c, entry.name).not.toEqual(base)
    }
  })
})
