import { describe, expect, it } from 'vitest'
import { configProblems } from '../common/config-problems'
import { resolveLabConfig } from '../../engine/kernel'
import { FxCarryConfigSchema, fxCarryStressMenu } from './config'
import { fxCarryLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(fxCarryLab, preset, overrides))

describe('fx-carry config', () => {
  it('defaults to the notebook run_config (cell 6), keys and nesting included', () => {
    const c = FxCarryConfigSchema.parse({})
    expect(c.seed).toBe(7)
    expect(c.T).toBe(800)
    expect(c.dt).toBe(1 / 252)
    expect(c.ccy_names).toEqual(['AUD', 'NZD', 'CAD', 'NOK', 'MXN', 'ZAR'])
    expect(c.regimes.P).toEqual([
      [0.97, 0.03],
      [0.2, 0.8]
    ])
    expect(c.market_params).toMatchObject({ usd_rate: 0.03, rate_mean_spread: 0.025, calm_vol: 0.08, stress_vol: 0.35, risk_off_drift: -0.2, jump_prob_risk_off: 0.1 })
    expect(c.surface_params.tenors_days).toEqual([30, 90, 180])
    expect(c.execution_params).toEqual({ cost_bps: 1.5, impact_bps_calm: 8, impact_bps_risk_off: 35, impact_exponent: 1.15 })
    expect(c.risk_params).toEqual({ max_leverage: 2, pos_limit: 1, max_dd_stop: 0.25 })
    expect(c.policy_params.decision_every).toBe(1)
    expect(resolveLabConfig(fxCarryLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(fxCarryLab, 'corrected', { 'risk_params.max_dd_stop': 0.1, execution_params: { cost_bps: 2 } })
    expect(a.risk_params).toEqual({ max_leverage: 2, pos_limit: 1, max_dd_stop: 0.1 })
    expect(a.execution_params.cost_bps).toBe(2)
    expect(a.execution_params.impact_bps_calm).toBe(8)
    expect(a.corrections.carry_day_count).toBe('annual_times_dt')
    expect(resolveLabConfig(fxCarryLab, 'corrected', { 'corrections.carry_day_count': 'notebook_c30_over_30' }).corrections.surface_compression).toBe('multiplicative')
  })

  it('refuses a transition row that does not sum to 1, naming the row', () => {
    expect(problems({ 'regimes.P': [[0.9, 0.05], [0.2, 0.8]] })).toEqual([{ path: 'regimes.P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.P': [[0.97, 0.03], [1.2, -0.2]] })).toEqual([
      { path: 'regimes.P.1.0', message: 'must be a probability in [0, 1] (got 1.2)' },
      { path: 'regimes.P.1.1', message: 'must be a probability in [0, 1] (got -0.2)' }
    ])
    expect(problems({ 'regimes.P': [[1]] })[0]).toEqual({ path: 'regimes.P', message: 'must be a 2 × 2 matrix, one row per regime (got 1 rows)' })
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'market_params.calm_volatility': 0.1 })).toEqual([{ path: 'market_params', message: 'unknown key "calm_volatility"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ 'market_params.calm_vol': -0.1 })).toEqual([{ path: 'market_params.calm_vol', message: 'must be > 0 (got -0.1)' }])
    expect(problems({ T: 1 })).toEqual([{ path: 'T', message: 'must be at least 2 steps (got 1)' }])
    expect(problems({ T: 10.5 })).toEqual([{ path: 'T', message: 'must be a whole number (got 10.5)' }])
    expect(problems({ 'market_params.jump_prob_risk_off': 1.5 })).toEqual([{ path: 'market_params.jump_prob_risk_off', message: 'must be a probability in [0, 1] (got 1.5)' }])
    expect(problems({ 'risk_params.max_leverage': -1 })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got -1)' }])
    expect(problems({ 'policy_params.decision_every': 0 })).toEqual([{ path: 'policy_params.decision_every', message: 'must be at least 1 step (got 0)' }])
    expect(problems({ 'corrections.carry_day_count': 'act360' })[0]!.message).toMatch(/^must be "notebook_c30_over_30" or "annual_times_dt"/)
  })

  it('checks fields against each other: currency names, the 30-day tenor, the stress-window range', () => {
    expect(problems({ n_ccy: 4 })).toEqual([{ path: 'ccy_names', message: 'must name n_ccy = 4 currencies (got 6)' }])
    expect(problems({ 'surface_params.tenors_days': [90, 180] })).toEqual([{ path: 'surface_params.tenors_days', message: 'must include 30 (the 30-day carry proxy reads it)' }])
    expect(problems({ T: 100, 'regimes.injected_windows.min_start': 90 })).toEqual([
      { path: 'regimes.injected_windows.min_start', message: 'must be < T − win_len − 1 = 81 so a window start can be drawn (got 90)' }
    ])
    expect(problems({ 'market_params.usd_rate': 0.2 })).toEqual([{ path: 'market_params.usd_rate', message: 'must be ≤ usd_rate_max = 0.1 (got 0.2)' }])
  })

  it('refuses an unknown preset', () => {
    expect(problems({}, 'optimistic' as 'faithful')).toEqual([{ path: 'preset', message: 'must be "faithful" or "corrected" (got "optimistic")' }])
  })

  it('offers a one-factor stress menu whose every entry is a valid config', () => {
    const base = resolveLabConfig(fxCarryLab, 'faithful', {})
    const menu = fxCarryStressMenu(base)
    expect(menu.length).toBeGreaterThanOrEqual(5)
    for (const entry of menu) expect(() => resolveLabConfig(fxCarryLab, 'faithful', entry.overrides), entry.name).not.toThrow()
  })
})
