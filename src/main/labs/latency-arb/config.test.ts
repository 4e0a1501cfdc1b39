import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { LatencyArbConfigSchema, latencyArbStressMenu } from './config'
import { latencyArbLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') =>
  configProblems(() => resolveLabConfig(latencyArbLab, preset, overrides))

describe('latency-arb config', () => {
  it('has one-second steps, latency 1, transfer delay 30 and the mid-basis signal by default', () => {
    const c = LatencyArbConfigSchema.parse({})
    expect([c.seed, c.T, c.dt]).toEqual([23, 20_000, 1 / 31_536_000])
    expect(c.latency).toEqual({ latency_steps: 1, transfer_delay_steps: 30 })
    expect(c.strategy).toEqual({ threshold_bps: 2, clip_notional: 10_000 })
    expect(c.fees).toEqual({ venue_a_bps: 1, venue_b_bps: 1 })
    expect(c.corrections.signal_basis).toBe('mid')
    expect(resolveLabConfig(latencyArbLab, 'faithful', {})).toEqual(c)
    expect(resolveLabConfig(latencyArbLab, 'corrected', {}).corrections.signal_basis).toBe('executable')
  })

  it('takes the sweep grid keys as dotted paths (grid values arrive as JSON numbers)', () => {
    const c = resolveLabConfig(latencyArbLab, 'faithful', { 'latency.latency_steps': 5, 'strategy.threshold_bps': 10, fees: { venue_b_bps: 2 } })
    expect(c.latency.latency_steps).toBe(5)
    expect(c.strategy.threshold_bps).toBe(10)
    expect(c.fees).toEqual({ venue_a_bps: 1, venue_b_bps: 2 })
  })

  it('refuses a negative latency or transfer delay, and a latency the run cannot hold', () => {
    expect(problems({ 'latency.latency_steps': -1 })).toEqual([{ path: 'latency.latency_steps', message: 'must be ≥ 0 steps (got -1)' }])
    expect(problems({ 'latency.transfer_delay_steps': -3 })).toEqual([{ path: 'latency.transfer_delay_steps', message: 'must be ≥ 0 steps (got -3)' }])
    expect(problems({ 'latency.latency_steps': 1.5 })).toEqual([{ path: 'latency.latency_steps', message: 'must be a whole number (got 1.5)' }])
    expect(problems({ T: 10, 'latency.latency_steps': 10 })).toEqual([{ path: 'latency.latency_steps', message: 'must be < T = 10 so an arb can execute within the run (got 10)' }])
  })

  it('refuses a negative threshold', () => {
    expect(problems({ 'strategy.threshold_bps': -0.5 })).toEqual([{ path: 'strategy.threshold_bps', message: 'must be ≥ 0 (got -0.5)' }])
  })

  it('refuses a transition row that does not sum to 1, naming the row', () => {
    expect(problems({ 'regimes.P': [[0.999, 0.001], [0.2, 0.7]] })).toEqual([{ path: 'regimes.P.1', message: 'row 1 must sum to 1 (got 0.8999999999999999)' }])
    expect(problems({ 'regimes.P': [[0.5, 0.25, 0.25], [0.01, 0.99]] })).toEqual([{ path: 'regimes.P.0', message: 'row 0 must have 2 entries, one per regime (got 3)' }])
  })

  it('refuses unknown keys at any level, by name', () => {
    expect(problems({ 'latency.latency_ms': 5 })).toEqual([{ path: 'latency', message: 'unknown key "latency_ms"' }])
    expect(problems({ venues: 2 })).toEqual([{ path: 'config', message: 'unknown key "venues"' }])
  })

  it('says what each other number must be and what it got', () => {
    expect(problems({ 'venue_params.b_adjust_speed': 1.5 })).toEqual([{ path: 'venue_params.b_adjust_speed', message: 'must be in (0, 1] (got 1.5)' }])
    expect(problems({ 'risk_params.inventory_clips': 0 })).toEqual([{ path: 'risk_params.inventory_clips', message: 'must be at least 1 clip (got 0)' }])
    expect(problems({ 'corrections.signal_basis': 'microprice' })[0]!.message).toMatch(/^must be "mid" or "executable"/)
    expect(problems({}, 'optimistic' as 'faithful')).toEqual([{ path: 'preset', message: 'must be "faithful" or "corrected" (got "optimistic")' }])
  })

  it('offers a one-factor stress menu whose every entry is a valid config', () => {
    const base = resolveLabConfig(latencyArbLab, 'faithful', {})
    const menu = latencyArbStressMenu(base)
    expect(menu.map((m) => m.name)).toEqual(expect.arrayContaining(['latency doubled (at least +1 step)', 'transfer delay doubled', 'fees doubled']))
    for (const entry of menu) {
      expect(resolveLabConfig(latencyArbLab, 'faithful', entry.overrides), entry.name).not.toEqual(base)
      expect(new Set(Object.keys(entry.overrides).map((k) => k.split('.')[0])).size, entry.name).toBe(1)
    }
    expect(latencyArbStressMenu(resolveLabConfig(latencyArbLab, 'faithful', { 'latency.latency_steps': 0 }))[0]!.overrides).toEqual({ 'latency.latency_steps': 1 })
  })
})
