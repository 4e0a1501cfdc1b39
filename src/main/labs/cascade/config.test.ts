import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { CascadeConfigSchema, cascadeStressMenu } from './config'
import { cascadeLab } from './lab'
import { cascadeMarket } from './market'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => configProblems(() => resolveLabConfig(cascadeLab, preset, overrides))

const ring = (n: number, w = 1): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j === (i + 1) % n ? w : 0)))

describe('cascade config', () => {
  it('defaults to the notebook run_config (cell 6), keys and nesting included', () => {
    const c = CascadeConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([10, 100, 1])
    expect(c.regimes.names).toEqual(['calm', 'transition', 'stress'])
    expect(c.regimes.markov_P).toEqual([
      [0.965, 0.03, 0.005],
      [0.06, 0.9, 0.04],
      [0.03, 0.12, 0.85]
    ])
    expect(c.market_params).toEqual({ N_institutions: 18, base_drift: 0.0002, base_vol: 0.01, stress_vol_mult: 2.8, impact_kappa: 0.18, contagion_alpha: 0.35, recovery_speed: 0.06, exposures: null })
    expect(c.execution_params).toEqual({ cost_fixed: 0, cost_bps: 1.5, slippage_lambda: 0.22 })
    expect(c.risk_params).toEqual({ max_leverage: 2, pos_limit: 1.25, max_dd_stop: 0.25 })
    expect(resolveLabConfig(cascadeLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(cascadeLab, 'corrected', { 'execution_params.cost_bps': 2, risk_params: { max_dd_stop: 0.1 } })
    expect(a.execution_params.cost_bps).toBe(2)
    expect(a.risk_params).toMatchObject({ max_dd_stop: 0.1, pos_limit: 1.25 })
    expect(a.corrections.stop).toBe('flatten_and_log')
  })

  it('refuses a network with a negative exposure, naming the entry', () => {
    const W = ring(18)
    W[2]![5] = -0.1
    expect(problems({ 'market_params.exposures': W })).toEqual([{ path: 'market_params.exposures.2.5', message: 'must be ≥ 0 (an exposure of one institution to another) (got -0.1)' }])
  })

  it('refuses a network of the wrong shape or with a self-exposure', () => {
    expect(problems({ 'market_params.exposures': ring(4) })).toEqual([{ path: 'market_params.exposures', message: 'must be a 18 × 18 matrix, one row per institution (got 4 rows)' }])
    const self = ring(18)
    self[3]![3] = 0.2
    expect(problems({ 'market_params.exposures': self })).toEqual([{ path: 'market_params.exposures.3.3', message: 'must be 0 (an institution has no exposure to itself; got 0.2)' }])
    const short = ring(18)
    short[7] = [0, 1]
    expect(problems({ 'market_params.exposures': short })[0]!.path).toBe('market_params.exposures.7')
  })

  it('uses a configured network in place of the drawn one, rows normalised as the notebook normalises its graph', () => {
    const config = resolveLabConfig(cascadeLab, 'faithful', { 'market_params.N_institutions': 4, 'market_params.exposures': ring(4, 3) })
    const m = cascadeMarket(config)
    expect(Array.from(m.W)).toEqual(ring(4, 3 / (3 + 1e-12)).flat())
    expect(Array.from(m.rawExposures)).toEqual(ring(4, 3).flat())
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.markov_P': [[0.9, 0.05, 0], [0.06, 0.9, 0.04], [0.03, 0.12, 0.85]] })).toEqual([{ path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.markov_P': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 3 × 3 matrix, one row per regime (got 2 rows)' })
    expect(problems({ 'regimes.markov_P.2': [1.2, -0.2, 0] }).map((p) => p.path)).toContain('regimes.markov_P')
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'execution_params.cost_bp': 1 })).toEqual([{ path: 'execution_params', message: 'unknown key "cost_bp"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
    expect(problems({ 'market_params.density': 0.3 })).toEqual([{ path: 'market_params', message: 'unknown key "density"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ 'market_params.N_institutions': 1 })).toEqual([{ path: 'market_params.N_institutions', message: 'must be ≥ 2 (a network needs two institutions) (got 1)' }])
    expect(problems({ 'market_params.base_vol': -0.01 })).toEqual([{ path: 'market_params.base_vol', message: 'must be ≥ 0 (got -0.01)' }])
    expect(problems({ 'risk_params.max_dd_stop': 0 })).toEqual([{ path: 'risk_params.max_dd_stop', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'corrections.stop': 'reset' })[0]!.message).toMatch(/^must be "freeze_then_fail" or "flatten_and_log"/)
  })

  it('offers the chapter’s one-factor stress menu, every entry a valid config that changes one thing', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(cascadeLab, preset, {})
      const menu = cascadeStressMenu(base)
      expect(menu.length).toBeGreaterThanOrEqual(5)
      for (const entry of menu) {
        const stressed = resolveLabConfig(cascadeLab, preset, entry.overrides)
        expect(stressed, entry.name).not.toEqual(base)
      }
    }
  })
})
