import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { OrderFlowConfigSchema, orderFlowStressMenu } from './config'
import { orderFlowLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => configProblems(() => resolveLabConfig(orderFlowLab, preset, overrides))

describe('order-flow config', () => {
  it('defaults to the notebook run_config (CELL 2), keys and nesting included', () => {
    const c = OrderFlowConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([7, 100, 1])
    expect(c.regimes.names).toEqual(['benign', 'mixed', 'toxic'])
    expect(c.regimes.markov_P).toEqual([
      [0.965, 0.03, 0.005],
      [0.04, 0.93, 0.03],
      [0.01, 0.07, 0.92]
    ])
    expect(c.market_params).toEqual({ mid0: 100, base_vol: 0.002, vol_persist: 0.975, imbalance_persist: 0.85, flow_to_price_k: 0.02, depth_mean: 1 })
    expect(c.surface_params.axes).toEqual({ size_buckets: [0.25, 0.5, 1, 1.5], horizon_buckets: [1, 3, 8, 20] })
    expect(c.execution_params).toEqual({ half_spread_bps_base: 1, half_spread_bps_toxic_add: 5, fee_bps: 0.2, slippage_lambda: 0.1, adverse_selection_lambda: 0.25, maker_rebate_bps: 0.1 })
    expect(c.risk_params).toEqual({ max_leverage: 2, pos_limit: 2, max_dd_stop: 0.2 })
    expect(resolveLabConfig(orderFlowLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects, after the preset', () => {
    const a = resolveLabConfig(orderFlowLab, 'corrected', { 'execution_params.fee_bps': 1, risk_params: { max_leverage: 40 } })
    expect(a.execution_params.fee_bps).toBe(1)
    expect(a.risk_params).toMatchObject({ max_leverage: 40, pos_limit: 2 })
    expect(a.corrections.cost_accounting).toBe('once')
    expect(resolveLabConfig(orderFlowLab, 'corrected', { 'corrections.cost_accounting': 'double' }).corrections.flat_execution).toBe('costed')
  })

  it('refuses a transition matrix that is not stochastic, naming the row', () => {
    expect(problems({ 'regimes.markov_P': [[0.9, 0.05, 0.0], [0.04, 0.93, 0.03], [0.01, 0.07, 0.92]] })).toEqual([{ path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 0.9500000000000001)' }])
    expect(problems({ 'regimes.markov_P': [[1, 0], [0, 1]] })[0]).toEqual({ path: 'regimes.markov_P', message: 'must be a 3 × 3 matrix, one row per regime (got 2 rows)' })
    expect(problems({ 'regimes.markov_P': [[1.2, -0.2, 0], [0.04, 0.93, 0.03], [0.01, 0.07, 0.92]] }).map((p) => p.path)).toContain('regimes.markov_P.0.0')
  })

  it('refuses negative or zero sizes, horizons and vols, and buckets out of order, naming the field', () => {
    expect(problems({ 'surface_params.axes.size_buckets': [-0.25, 0.5, 1, 1.5] })).toEqual([{ path: 'surface_params.axes.size_buckets.0', message: 'must be > 0 (trade sizes) (got -0.25)' }])
    expect(problems({ 'surface_params.axes.horizon_buckets': [1, 8, 3, 20] })).toEqual([{ path: 'surface_params.axes.horizon_buckets', message: 'must be strictly increasing' }])
    expect(problems({ 'surface_params.axes.size_buckets': [0.25, 0.5, 1] })[0]!.message).toMatch(/^must list exactly 4 buckets/)
    expect(problems({ 'market_params.base_vol': -0.002 })).toEqual([{ path: 'market_params.base_vol', message: 'must be > 0 (got -0.002)' }])
    expect(problems({ 'market_params.vol_persist': 1.2 })).toEqual([{ path: 'market_params.vol_persist', message: 'must be a probability in [0, 1] (got 1.2)' }])
    expect(problems({ 'execution_params.slippage_lambda': -1 })).toEqual([{ path: 'execution_params.slippage_lambda', message: 'must be ≥ 0 (got -1)' }])
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'execution_params.fee_bp': 1 })).toEqual([{ path: 'execution_params', message: 'unknown key "fee_bp"' }])
    expect(problems({ chapter_name: 'x' })).toEqual([{ path: 'config', message: 'unknown key "chapter_name"' }])
    expect(problems({ 'surface_params.axes.sizes': [1] })).toEqual([{ path: 'surface_params.axes', message: 'unknown key "sizes"' }])
  })

  it('says what range each number must be in and what it got', () => {
    expect(problems({ T: 0 })).toEqual([{ path: 'T', message: 'must be ≥ 1 (got 0)' }])
    expect(problems({ 'risk_params.max_leverage': 0 })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'risk_params.max_dd_stop': 1.5 })).toEqual([{ path: 'risk_params.max_dd_stop', message: 'must be ≤ 1 (a fraction of peak equity) (got 1.5)' }])
    expect(problems({ 'corrections.cost_accounting': 'twice' })[0]!.message).toMatch(/^must be "double" or "once"/)
  })

  it('offers the chapter’s one-factor stress menu, every entry a valid config that changes one thing', () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const base = resolveLabConfig(orderFlowLab, preset, {})
      const menu = orderFlowStressMenu(base)
      expect(menu.map((m) => m.name)).toContain('toxic regime twice as persistent')
      for (const entry of menu) {
        const stressed = resolveLabConfig(orderFlowLab, preset, entry.overrides)
        expect(stressed, entry.name).not.toEqual(base)
      }
    }
  })
})
