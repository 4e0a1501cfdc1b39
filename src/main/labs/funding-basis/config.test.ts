import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { FundingBasisConfigSchema, fundingBasisStressMenu } from './config'
import { fundingBasisLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(fundingBasisLab, preset, overrides))

describe('funding-basis config', () => {
  it('has hourly steps over 90 days, 8-hour funding and the faithful switches by default', () => {
    const c = FundingBasisConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([17, 2160, 1 / 8760])
    expect(c.regimes).toEqual({ names: ['calm', 'stressed'], P: [[0.995, 0.005], [0.03, 0.97]] })
    expect(c.market_params.funding_interval_steps).toBe(8)
    expect(c.strategy).toEqual({ entry_threshold_bps: 10, exit_threshold_bps: 2, position_size: 1, notional: 1_000_000 })
    expect(c.corrections).toEqual({ funding: 'continuous', fee_legs: 'basis_scalar' })
    expect(resolveLabConfig(fundingBasisLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const c = resolveLabConfig(fundingBasisLab, 'corrected', { 'strategy.entry_threshold_bps': 12, execution_params: { taker_fee_bps: 2 } })
    expect(c.strategy.entry_threshold_bps).toBe(12)
    expect(c.execution_params).toEqual({ taker_fee_bps: 2, slippage_bps_calm: 1, slippage_bps_stressed: 4 })
    expect(c.corrections).toEqual({ funding: 'discrete', fee_legs: 'both_legs' })
  })

  it('refuses a negative threshold and an exit above the entry, naming the key', () => {
    expect(problems({ 'strategy.entry_threshold_bps': -1 })).toEqual([{ path: 'strategy.entry_threshold_bps', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'strategy.exit_threshold_bps': 12 })).toEqual([{ path: 'strategy.exit_threshold_bps', message: 'must be ≤ strategy.entry_threshold_bps = 10 (got 12)' }])
  })

  it('refuses a transition row that does not sum to 1, and a matrix of the wrong shape', () => {
    expect(problems({ 'regimes.P': [[0.9, 0.05], [0.03, 0.97]] })).toEqual([{ path: 'regimes.P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.P': [[1]] })[0]).toEqual({ path: 'regimes.P', message: 'must be a 2 × 2 matrix, one row per regime (got 1 rows)' })
    expect(problems({ 'regimes.P': [[1.2, -0.2], [0.03, 0.97]] })[0]).toEqual({ path: 'regimes.P.0.0', message: 'must be a probability in [0, 1] (got 1.2)' })
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'strategy.entry_bps': 5 })).toEqual([{ path: 'strategy', message: 'unknown key "entry_bps"' }])
    expect(problems({ funding_rate: 1 })).toEqual([{ path: 'config', message: 'unknown key "funding_rate"' }])
  })

  it('says what each number must be and what it got', () => {
    expect(problems({ 'market_params.funding_interval_steps': 0 })).toEqual([{ path: 'market_params.funding_interval_steps', message: 'must be at least 1 step (got 0)' }])
    expect(problems({ 'market_params.basis_sigma_calm_bps': -5 })).toEqual([{ path: 'market_params.basis_sigma_calm_bps', message: 'must be ≥ 0 (got -5)' }])
    expect(problems({ T: 1.5 })).toEqual([{ path: 'T', message: 'must be a whole number (got 1.5)' }])
    expect(problems({ 'corrections.funding': 'hourly' })[0]!.message).toMatch(/^must be "continuous" or "discrete"/)
    expect(problems({}, 'optimistic' as 'faithful')).toEqual([{ path: 'preset', message: 'must be "faithful" or "corrected" (got "optimistic")' }])
  })

  it('offers a one-factor stress menu whose every entry is a valid config', () => {
    const base = resolveLabConfig(fundingBasisLab, 'faithful', {})
    const menu = fundingBasisStressMenu(base)
    expect(menu.map((m) => m.name)).toContain('taker fees doubled')
    expect(menu.map((m) => m.name)).toContain('funding interval doubled')
    for (const entry of menu) {
      const stressed = resolveLabConfig(fundingBasisLab, 'faithful', entry.overrides)
      expect(stressed, entry.name).not.toEqual(base)
      // one factor: every override key lives in one config group
      expect(new Set(Object.keys(entry.overrides).map((k) => k.split('.')[0])).size, entry.name).toBe(1)
    }
  })
})
