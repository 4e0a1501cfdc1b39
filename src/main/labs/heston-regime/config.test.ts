import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { HESTON_REGIME_CORRECTIONS, HESTON_REGIME_PRESETS, HestonRegimeConfigSchema, hestonRegimeStressMenu } from './config'
import { hestonRegimeLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(hestonRegimeLab, preset, overrides))

describe('heston-regime config', () => {
  it('defaults to the seed as coded: 5000 bars, one switch at 2500, walk-forward from bar 1000 every 20, threshold 3, 0.1% per flip', () => {
    const c = HestonRegimeConfigSchema.parse({})
    expect([c.seed, c.n_steps, c.dt, c.switching.switch_idx]).toEqual([1, 5000, 1 / 252, 2500])
    expect(c.heston).toEqual({ bull: { mu: 0.1, theta: 0.02, kappa: 2, xi: 0.1 }, crash: { mu: -0.3, theta: 0.16, kappa: 2, xi: 0.8 }, rho: -0.7, s0: 100, v0: 0.02 })
    expect([c.strategy.start_bar, c.strategy.refit_every, c.strategy.confirm_threshold, c.strategy.cost_per_flip]).toEqual([1000, 20, 3, 0.001])
    expect(c.classifier.kind).toBe('rv_threshold')
    expect(c.corrections).toEqual({ time_step: 'per_phase_one_year', switching: 'single_fixed', variance_truncation: 'partial', normalisation: 'per_window_zscore', hysteresis: 'symmetric', cost_model: 'per_flip' })
    expect(resolveLabConfig(hestonRegimeLab, 'faithful', {})).toEqual(c)
  })

  it('corrected flips every switch and names each fix', () => {
    const c = resolveLabConfig(hestonRegimeLab, 'corrected', {})
    expect(c.corrections).toEqual({ time_step: 'fixed_dt', switching: 'markov', variance_truncation: 'full', normalisation: 'frozen_train', hysteresis: 'asymmetric', cost_model: 'per_turnover' })
    expect(HESTON_REGIME_PRESETS.corrected.corrections.map((n) => n.id)).toEqual(Object.keys(c.corrections))
    expect(HESTON_REGIME_PRESETS.corrected.corrections).toEqual(Object.values(HESTON_REGIME_CORRECTIONS))
    expect(HESTON_REGIME_PRESETS.faithful.corrections).toEqual([])
  })

  it('says what each number must be and what it got, by key path', () => {
    expect(problems({ 'strategy.p_full': 2 })).toEqual([{ path: 'strategy.p_full', message: 'must be a probability in [0, 1] (got 2)' }])
    expect(problems({ 'heston.rho': -1.5 })).toEqual([{ path: 'heston.rho', message: 'must be in [−1, 1] (got -1.5)' }])
    // zod still runs the cross-key checks against the refused n_steps, so they report too
    expect(problems({ n_steps: 100 })).toContainEqual({ path: 'n_steps', message: 'must be at least 200 bars (got 100)' })
    expect(problems({ 'strategy.start_bar': 50 })).toEqual([{ path: 'strategy.start_bar', message: 'must be ≥ 102 (the Hurst warm-up + 2) (got 50)' }])
    expect(problems({ 'classifier.kind': 'lstm' })[0]!.message).toMatch(/^must be "rv_threshold", "hmm", "ssm", "bocpd" or "markov_switching"/)
    expect(problems({}, 'optimistic' as 'faithful')).toEqual([{ path: 'preset', message: 'must be "faithful" or "corrected" (got "optimistic")' }])
  })

  it('refuses a switch or a start bar past the run and sizing bands out of order', () => {
    expect(problems({ 'switching.switch_idx': 6000 })).toEqual([{ path: 'switching.switch_idx', message: 'must be < n_steps − 1 = 4999 (got 6000)' }])
    expect(problems({ n_steps: 900 })).toContainEqual({ path: 'strategy.start_bar', message: 'must be < n_steps − 1 = 899 (got 1000)' })
    expect(problems({ 'strategy.p_reduced': 0.95 })).toEqual([{ path: 'strategy.p_reduced', message: 'sizing bands must satisfy p_flat ≤ p_reduced ≤ p_full (got 0.5, 0.95, 0.9)' }])
    // Markov switching has no fixed switch bar to check
    expect(resolveLabConfig(hestonRegimeLab, 'corrected', { n_steps: 2000 }).switching.switch_idx).toBe(2500)
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'strategy.stop_loss': 0.1 })).toEqual([{ path: 'strategy', message: 'unknown key "stop_loss"' }])
    expect(problems({ horizon: 1 })).toEqual([{ path: 'config', message: 'unknown key "horizon"' }])
  })

  it('offers a one-factor stress menu whose every entry is a valid config', () => {
    const base = resolveLabConfig(hestonRegimeLab, 'corrected', {})
    const menu = hestonRegimeStressMenu(base)
    expect(menu.map((m) => m.name)).toContain('state-space regime model (ONNX)')
    for (const entry of menu) {
      const stressed = resolveLabConfig(hestonRegimeLab, 'corrected', entry.overrides)
      expect(stressed, entry.name).not.toEqual(base)
      expect(new Set(Object.keys(entry.overrides).map((k) => k.split('.')[0])).size, entry.name).toBe(1)
    }
  })
})
