import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { EquityFactorsConfigSchema, equityFactorsStressMenu } from './config'
import { equityFactorsLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(equityFactorsLab, preset, overrides))

describe('equity-factors config', () => {
  it('defaults to the notebook run_config (CELL 2), keys and nesting included', () => {
    const c = EquityFactorsConfigSchema.parse({})
    expect([c.seed, c.T, c.dt, c.K_factors]).toEqual([7, 200, 1, 8])
    expect(c.regimes.markov_P).toEqual([[0.975, 0.023, 0.002], [0.03, 0.95, 0.02], [0.01, 0.07, 0.92]])
    expect(c.market_params).toEqual({
      base_ann_vol: 0.18,
      corr_levels: { low_corr: 0.1, mid_corr: 0.35, high_corr: 0.75 },
      idiosyncratic_floor: 0.35,
      dispersion_target: { low_corr: 1.15, mid_corr: 1.0, high_corr: 0.75 },
      dispersion_kappa: 0.06,
      premia_mu_ann: { low_corr: 0.06, mid_corr: 0.04, high_corr: -0.02 },
      momentum_halflife: 40
    })
    expect(c.execution_params).toEqual({ cost_fixed: 0, cost_bps: 2, slippage_lambda: 0.18, illiquidity_by_regime: { low_corr: 0.8, mid_corr: 1.0, high_corr: 1.8 } })
    expect(c.risk_params).toEqual({ max_leverage: 2, pos_limit: 0.55, target_ann_vol: 0.1, max_dd_stop: 0.22 })
    expect(resolveLabConfig(equityFactorsLab, 'faithful', {})).toEqual(c)
  })

  it('refuses a covariance that is not positive semi-definite, naming the field', () => {
    for (const f of [-0.2, 1.5]) {
      const [p] = problems({ 'market_params.idiosyncratic_floor': f })
      expect(p!.path).toBe('market_params.idiosyncratic_floor')
      expect(p!.message).toMatch(/not positive semi-definite/)
    }
    expect(problems({ 'market_params.corr_levels.high_corr': 1.4 })).toEqual([{ path: 'market_params.corr_levels.high_corr', message: 'must be a correlation in [−1, 1] (got 1.4)' }])
    expect(problems({ 'market_params.base_ann_vol': -0.1 })[0]!.path).toBe('market_params.base_ann_vol')
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.markov_P': [[0.9, 0.05, 0], [0.03, 0.95, 0.02], [0.01, 0.07, 0.92]] })).toEqual([
      { path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }
    ])
    expect(problems({ 'regimes.markov_P': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 3 × 3 matrix, one row per regime (got 2 rows)' })
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'execution_params.cost_bp': 1 })).toEqual([{ path: 'execution_params', message: 'unknown key "cost_bp"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
    expect(problems({ 'market_params.corr_levels.crisis': 0.9 })).toEqual([{ path: 'market_params.corr_levels', message: 'unknown key "crisis"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ K_factors: 6 })[0]!.message).toMatch(/^must be 8/)
    expect(problems({ 'risk_params.max_dd_stop': 0 })).toEqual([{ path: 'risk_params.max_dd_stop', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'execution_params.slippage_lambda': -1 })).toEqual([{ path: 'execution_params.slippage_lambda', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'corrections.stop_mode': 'reset' })[0]!.message).toMatch(/^must be "absorbing" or "cool_down"/)
  })

  it('offers the chapter’s one-factor stress menu, every entry a valid config that changes one thing', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(equityFactorsLab, preset, {})
      const menu = equityFactorsStressMenu(base)
      expect(menu.map((m) => m.name)).toContain('high_corr twice as persistent')
      for (const entry of menu) {
        const stressed = resolveLabConfig(equityFactorsLab, preset, entry.overrides)
        expect(stressed, entry.name).not.toEqual(base)
      }
    }
  })
})
