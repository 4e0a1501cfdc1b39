import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { CORR_REGIME_DEFAULT, CrossAssetConfigSchema, crossAssetStressMenu } from './config'
import { crossAssetLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(crossAssetLab, preset, overrides))

describe('cross-asset config', () => {
  it('defaults to the notebook run_config (CELL 2), with CELL 4’s correlation tensor and CELL 7’s thresholds', () => {
    const c = CrossAssetConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([9, 100, 1])
    expect(c.assets).toEqual(['EQUITY', 'RATES', 'CREDIT', 'FX'])
    expect(c.regimes.names).toEqual(['calm', 'transition', 'stress'])
    expect(c.regimes.markov_P).toEqual([
      [0.965, 0.03, 0.005],
      [0.08, 0.86, 0.06],
      [0.02, 0.12, 0.86]
    ])
    expect(c.market_params).toMatchObject({
      stress_phi: 0.92,
      stress_sigma: { calm: 0.4, transition: 0.85, stress: 1.4 },
      beta: { EQUITY: 1.1, RATES: -0.7, CREDIT: 0.95, FX: 0.55 },
      idio_sigma: { EQUITY: 1.0, RATES: 0.55, CREDIT: 0.8, FX: 0.65 },
      idio_mult: { calm: 0.9, transition: 1.1, stress: 1.6 },
      tail_p: { calm: 0.002, transition: 0.006, stress: 0.02 },
      tail_scale: { EQUITY: 3.2, RATES: 1.6, CREDIT: 2.7, FX: 2.2 }
    })
    expect(c.market_params.corr_regime.stress).toEqual(CORR_REGIME_DEFAULT.stress)
    expect(c.surface_params).toEqual({ roll_window: 60 })
    expect(c.execution_params).toEqual({ cost_fixed: 0, cost_bps: 1.5, slippage_lambda: 0.18, liquidity_mult: { calm: 1.0, transition: 1.6, stress: 3.0 } })
    expect(c.risk_params).toEqual({ max_leverage: 2.0, pos_limit: 1.0, max_dd_stop: 0.22 })
    expect(c.baseline_params).toEqual({ stress_hi: 0.72, stress_lo: 0.45, avg_corr_hi: 0.45, avg_corr_lo: 0.2, eig_hi: 0.58, dd_neutral: 0.18 })
    expect(resolveLabConfig(crossAssetLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(crossAssetLab, 'corrected', { 'execution_params.cost_bps': 2, risk_params: { max_leverage: 1 } })
    expect(a.execution_params.cost_bps).toBe(2)
    expect(a.risk_params).toMatchObject({ max_leverage: 1, pos_limit: 1 })
    expect(a.corrections).toMatchObject({ factor_sign: 'risk_off', summaries: 'correlation_abs', estimator: 'ewma', stop_in_log: 'logged' })
    expect(a.T).toBe(500)
    expect(resolveLabConfig(crossAssetLab, 'corrected', { 'corrections.factor_sign': 'notebook' }).corrections.summaries).toBe('correlation_abs')
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.markov_P': [[0.9, 0.05, 0.0], [0.08, 0.86, 0.06], [0.02, 0.12, 0.86]] })).toEqual([{ path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.markov_P': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 3 × 3 matrix, one row per regime (got 2 rows)' })
    expect(problems({ 'regimes.markov_P.2': [1.2, -0.1, -0.1] }).map((p) => p.path)).toContain('regimes.markov_P')
  })

  it('refuses a correlation tensor that is not positive semi-definite, naming the regime', () => {
    const notPsd = [
      [1, 0.9, 0.9, -0.9],
      [0.9, 1, 0.9, 0.9],
      [0.9, 0.9, 1, 0.9],
      [-0.9, 0.9, 0.9, 1]
    ]
    const found = problems({ 'market_params.corr_regime.stress': notPsd })
    expect(found).toHaveLength(1)
    expect(found[0]!.path).toBe('market_params.corr_regime.stress')
    expect(found[0]!.message).toMatch(/^is not positive semi-definite \(smallest eigenvalue -[0-9.]+\): no returns can have this correlation/)
    expect(problems({ 'market_params.corr_regime.calm': [[1, 0.2, 0, 0], [0.3, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] })[0]).toEqual({
      path: 'market_params.corr_regime.calm.1.0',
      message: 'must equal entry [0][1] (a correlation matrix is symmetric; got 0.3 and 0.2)'
    })
    expect(problems({ 'market_params.corr_regime.calm': [[2, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] })[0]!.message).toMatch(/^must be a correlation in \[−1, 1\]/)
    expect(problems({ 'market_params.corr_regime.transition': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'market_params.corr_regime.transition', message: 'must be a 4 × 4 matrix, one row and column per asset (EQUITY, RATES, CREDIT, FX)' })
  })

  it('refuses negative vols, naming the field', () => {
    expect(problems({ 'market_params.stress_sigma.stress': -1 })).toEqual([{ path: 'market_params.stress_sigma.stress', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'market_params.idio_sigma.FX': -0.1 })[0]!.path).toBe('market_params.idio_sigma.FX')
    expect(problems({ 'market_params.tail_p.calm': 1.5 })).toEqual([{ path: 'market_params.tail_p.calm', message: 'must be a probability in [0, 1] (got 1.5)' }])
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'execution_params.cost_bp': 1 })).toEqual([{ path: 'execution_params', message: 'unknown key "cost_bp"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
    expect(problems({ 'market_params.beta.GOLD': 1 })).toEqual([{ path: 'market_params.beta', message: 'unknown key "GOLD"' }])
    expect(problems({ 'risk_params.risk_parity_target_gross': 1 })).toEqual([{ path: 'risk_params', message: 'unknown key "risk_parity_target_gross"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ T: 0 })).toEqual([{ path: 'T', message: 'must be ≥ 1 (got 0)' }])
    expect(problems({ 'risk_params.max_leverage': 0 })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'surface_params.roll_window': 0 })).toEqual([{ path: 'surface_params.roll_window', message: 'must be ≥ 1 step (got 0)' }])
    expect(problems({ 'corrections.estimator': 'garch' })[0]!.message).toMatch(/^must be "rolling" or "ewma"/)
  })

  it('offers the chapter’s one-factor stress menu, every entry a valid config that changes one thing', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(crossAssetLab, preset, {})
      const menu = crossAssetStressMenu(base)
      expect(menu.map((m) => m.name)).toEqual([
        'stress twice as persistent',
        'stress correlations amplified',
        'tail probabilities ×5',
        'liquidity multipliers doubled',
        'leverage cap at 0.5',
        'drawdown stop at 5%'
      ])
      for (const entry of menu) {
        const stressed = resolveLabConfig(crossAssetLab, preset, entry.overrides)
        expect(stressed, entry.name).not.toEqual(base)
      }
    }
  })
})
