import { describe, expect, it } from 'vitest'
import { LabConfigError, resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { MicrostructureConfigSchema, SEED_CONFIGS, microstructureStressMenu } from './config'
import { microstructureLab } from './lab'

const resolveConfig = (preset: 'faithful' | 'corrected', overrides: Record<string, unknown>) => resolveLabConfig(microstructureLab, preset, overrides)
const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveConfig(preset, overrides))

describe('microstructure config', () => {
  it("defaults to the seed's baseline_mm: 2500 steps, sigma_bps 4.0, inv_penalty_bps 0.8, InventorySkewMM", () => {
    const c = resolveConfig('faithful', {})
    expect(c.profile).toBe('baseline_mm')
    expect(c.steps).toBe(2500)
    expect(c.scenario.sigma_bps).toBe(4.0)
    expect(c.strategy.inv_penalty_bps).toBe(0.8)
    expect(c.strategy.type).toBe('InventorySkewMM')
    expect(c.corrections).toEqual({ half_life: 'peak', passive_fill: 'probabilistic', realized_spread: 'at_fill' })
    expect(MicrostructureConfigSchema.parse({}).steps).toBe(2500)
  })

  it('expands a profile before the user overrides, so --set profile=twap selects the seed twap config', () => {
    const twap = resolveConfig('faithful', { profile: 'twap' })
    expect(twap.strategy.type).toBe('TWAP')
    expect(twap.strategy).toMatchObject(SEED_CONFIGS.twap.strategy as Record<string, unknown>)
    expect(twap.steps).toBe(2500)
    expect(resolveConfig('faithful', { profile: 'momentum' }).strategy.type).toBe('Momentum')
    const mine = resolveConfig('faithful', { profile: 'twap', 'strategy.total_steps': 100 })
    expect(mine.strategy).toMatchObject({ type: 'TWAP', total_steps: 100 })
  })

  it('switches strategy with --set strategy.type, whatever keys the profile set', () => {
    expect(resolveConfig('faithful', { 'strategy.type': 'DoNothing' }).strategy.type).toBe('DoNothing')
    expect(resolveConfig('corrected', { profile: 'momentum', 'strategy.type': 'InventorySkewMM' }).strategy.type).toBe('InventorySkewMM')
  })

  it('applies the corrected preset under the profile and the user', () => {
    const c = resolveConfig('corrected', { profile: 'twap', 'corrections.half_life': 'peak' })
    expect(c.corrections).toEqual({ half_life: 'peak', passive_fill: 'queue', realized_spread: 'at_horizon' })
    expect(c.strategy.type).toBe('TWAP')
  })

  it('refuses a strategy type that does not exist, listing those that do', () => {
    expect(problems({ 'strategy.type': 'Arbitrage' })).toEqual([
      { path: 'strategy.type', message: 'must be one of InventorySkewMM, TWAP, Momentum, DoNothing (got "Arbitrage")' }
    ])
  })

  it('refuses an unknown profile by name', () => {
    expect(problems({ profile: 'latency_arb' })).toEqual([{ path: 'profile', message: 'must be one of baseline_mm, twap, momentum, crowded_execution (got "latency_arb")' }])
  })

  it('refuses negative or zero prices', () => {
    expect(problems({ 'scenario.mid0': -100 })[0]).toEqual({ path: 'scenario.mid0', message: 'must be > 0 (a price; negative or zero prices are refused) (got -100)' })
    expect(problems({ 'scenario.mid0': 0 })[0]?.path).toBe('scenario.mid0')
    expect(problems({ 'scenario.tick_size': 0 })).toEqual([{ path: 'scenario.tick_size', message: 'must be > 0 (a price increment) (got 0)' }])
    // a mid of a handful of ticks would put the deeper levels at prices ≤ 0
    expect(problems({ 'scenario.mid0': 0.1 })).toEqual([
      { path: 'scenario.mid0', message: 'must be at least 24 ticks of 0.01 so every depth level has a positive price (got 0.1)' }
    ])
  })

  it('refuses crossed or locked spreads and quotes', () => {
    expect(problems({ 'scenario.base_spread_bps': -1 })).toEqual([{ path: 'scenario.base_spread_bps', message: 'must be ≥ 0 (a negative spread is a crossed book) (got -1)' }])
    expect(problems({ 'scenario.min_spread_ticks': 0 })).toEqual([
      { path: 'scenario.min_spread_ticks', message: 'must be ≥ 1 tick (0 is a locked book, below 0 a crossed one) (got 0)' }
    ])
    expect(problems({ 'strategy.half_spread_bps': -2 })).toEqual([
      { path: 'strategy.half_spread_bps', message: "must be ≥ 0 (a negative half-spread crosses the maker's own quotes) (got -2)" }
    ])
  })

  it('refuses zero or negative depth', () => {
    expect(problems({ 'scenario.depth_levels': 0 })).toEqual([{ path: 'scenario.depth_levels', message: 'must be ≥ 1 level (zero depth is not a book) (got 0)' }])
    expect(problems({ 'scenario.depth_qty': -5 })).toEqual([{ path: 'scenario.depth_qty', message: 'must be > 0 lots (zero or negative depth is refused) (got -5)' }])
    expect(problems({ 'scenario.depth_qty': 0 })[0]?.path).toBe('scenario.depth_qty')
    expect(problems({ 'scenario.stress_depth_mult': 0 })[0]?.path).toBe('scenario.stress_depth_mult')
  })

  it('refuses unknown keys and a TWAP target beyond the position limit', () => {
    expect(problems({ 'strategy.gamma': 0.1 })).toEqual([{ path: 'strategy', message: 'unknown key "gamma"' }])
    expect(problems({ profile: 'twap', 'strategy.target_inventory': 500 })).toEqual([
      { path: 'strategy.target_inventory', message: 'must be within ±risk.position_limit = 100 (got 500)' }
    ])
    expect(problems({ profile: 'twap', steps: 1000 })).toEqual([
      { path: 'strategy.total_steps', message: 'must be ≤ steps = 1000 so the target can be reached within the run (got 2000)' }
    ])
  })

  it('is refused by the kernel before any run starts', () => {
    expect(() => resolveConfig('faithful', { 'strategy.type': 'Nope' })).toThrow(LabConfigError)
    expect(() => resolveConfig('faithful', { 'strategy.type': 'Nope' })).toThrow(/^microstructure: strategy\.type: must be one of InventorySkewMM, TWAP, Momentum, DoNothing \(got "Nope"\)$/)
    expect(() => resolveConfig('nope' as 'faithful', {})).toThrow(/preset: must be "faithful" or "corrected"/)
  })

  it('builds a stress menu whose every entry resolves', () => {
    const base = resolveConfig('faithful', {})
    const menu = microstructureStressMenu(base)
    expect(menu.length).toBeGreaterThanOrEqual(5)
    for (const entry of menu) expect(() => resolveConfig('faithful', entry.overrides)).not.toThrow()
  })
})
