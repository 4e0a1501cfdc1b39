import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { configProblems } from '../common/config-problems'
import { CryptoArbConfigSchema, VENUES } from './config'
import { cryptoArbLab } from './lab'

const problems = (overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful') => configProblems(() => resolveLabConfig(cryptoArbLab, preset, overrides))

describe('crypto-arb config', () => {
  it('defaults to the notebook: CELL 2’s venues, CELL 5’s RiskManager, CELL 8’s session', () => {
    const c = CryptoArbConfigSchema.parse({})
    expect(c.seed).toBe(42)
    expect(Object.keys(c.exchanges)).toEqual([...VENUES])
    expect(c.exchanges.citadel).toMatchObject({ taker_fee_bps: 10, min_order_usd: 10, max_order_usd: 1_000_000, latency_ms_mean: 8 })
    expect(c.exchanges.drift).toMatchObject({ taker_fee_bps: 30, min_order_usd: 200, max_order_usd: 200_000, uptime_probability: 0.985 })
    expect(c.risk).toEqual({ max_position_pct: 0.05, max_drawdown_pct: 0.05, min_spread_bps: 5, max_concurrent: 10, daily_loss_limit: 10000 })
    expect(c.session).toEqual({ num_ticks: 60, agent_interval: 5 })
    expect(resolveLabConfig(cryptoArbLab, 'faithful', {})).toEqual(c)
  })

  it('takes overrides as dotted paths or nested objects', () => {
    const c = resolveLabConfig(cryptoArbLab, 'faithful', { 'exchanges.nexus.taker_fee_bps': 20, risk: { min_spread_bps: 100 } })
    expect(c.exchanges.nexus.taker_fee_bps).toBe(20)
    expect(c.exchanges.nexus.maker_fee_bps).toBe(8)
    expect(c.risk.min_spread_bps).toBe(100)
    expect(c.risk.max_position_pct).toBe(0.05)
  })

  it('refuses negative fees, naming the field', () => {
    expect(problems({ 'exchanges.nexus.taker_fee_bps': -1 })).toEqual([{ path: 'exchanges.nexus.taker_fee_bps', message: 'must be ≥ 0 (got -1)' }])
    expect(problems({ 'exchanges.drift.withdrawal_flat_usd': -5 })).toEqual([{ path: 'exchanges.drift.withdrawal_flat_usd', message: 'must be ≥ 0 (got -5)' }])
  })

  it('refuses a minimum order above the maximum, on the venue’s min_order_usd', () => {
    expect(problems({ 'exchanges.drift.min_order_usd': 300_000 })).toEqual([{ path: 'exchanges.drift.min_order_usd', message: 'must be ≤ max_order_usd (200000)' }])
    expect(problems({ 'exchanges.phantom.max_order_usd': 50 })).toEqual([{ path: 'exchanges.phantom.min_order_usd', message: 'must be ≤ max_order_usd (50)' }])
  })

  it('refuses an unknown venue and an unknown key at any level, by name', () => {
    expect(problems({ 'exchanges.kraken.taker_fee_bps': 1 })).toEqual([{ path: 'exchanges', message: 'unknown key "kraken"' }])
    expect(problems({ 'exchanges.nexus.taker_fee': 1 })).toEqual([{ path: 'exchanges.nexus', message: 'unknown key "taker_fee"' }])
    expect(problems({ 'risk.max_positions': 3 })).toEqual([{ path: 'risk', message: 'unknown key "max_positions"' }])
    expect(problems({ num_ticks: 10 })).toEqual([{ path: 'config', message: 'unknown key "num_ticks"' }])
  })

  it('says what range each number must be in', () => {
    expect(problems({ 'exchanges.vortex.uptime_probability': 1.5 })[0]!.path).toBe('exchanges.vortex.uptime_probability')
    expect(problems({ 'session.num_ticks': 0 })).toEqual([{ path: 'session.num_ticks', message: 'must be ≥ 1 (got 0)' }])
    expect(problems({ 'policy.kind': 'llm' })).toEqual([{ path: 'policy.kind', message: 'must be "top_opportunity" or "none" (got "llm")' }])
    expect(problems({ 'corrections.residual_inventory': 'sold' }, 'corrected')).toEqual([{ path: 'corrections.residual_inventory', message: 'must be "ignored" or "unwound" (got "sold")' }])
  })

  it('refuses a maintenance margin above the initial margin, a negative funding interval and combined transfers and perpetuals', () => {
    expect(problems({ 'exchanges.citadel.maintenance_margin': 0.05 })).toEqual([{ path: 'exchanges.citadel.maintenance_margin', message: 'must be ≤ margin_requirement (0.03)' }])
    expect(problems({ 'scenarios.perpetuals.funding_interval_minutes': -480 })).toEqual([{ path: 'scenarios.perpetuals.funding_interval_minutes', message: 'must be > 0 (got -480)' }])
    expect(problems({ 'scenarios.perpetuals.leverage': 0 })).toEqual([{ path: 'scenarios.perpetuals.leverage', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'scenarios.perpetuals.enabled': true }, 'corrected')).toEqual([{ path: 'scenarios.transfer_delay.enabled', message: 'cannot be combined with perpetuals (perpetual legs transfer nothing)' }])
    expect(problems({ 'scenarios.venue_downtime.mean_outage_minutes': 0 })).toEqual([{ path: 'scenarios.venue_downtime.mean_outage_minutes', message: 'must be > 0 (got 0)' }])
    expect(problems({ 'scenarios.outages': true })).toEqual([{ path: 'scenarios', message: 'unknown key "outages"' }])
  })

  it('the corrected preset switches on the residual unwind, the transfer delay, the position-limit headroom and the venue outages, and nothing else', () => {
    const faithful = resolveLabConfig(cryptoArbLab, 'faithful', {})
    const corrected = resolveLabConfig(cryptoArbLab, 'corrected', {})
    expect(faithful.scenarios.transfer_delay.enabled || faithful.scenarios.venue_downtime.enabled || faithful.scenarios.perpetuals.enabled).toBe(false)
    expect(corrected.corrections.residual_inventory).toBe('unwound')
    expect([corrected.scenarios.transfer_delay.enabled, corrected.scenarios.venue_downtime.enabled, corrected.scenarios.perpetuals.enabled]).toEqual([true, true, false])
    expect(corrected.risk.max_position_pct).toBe(0.1)
    expect({ ...corrected, corrections: faithful.corrections, scenarios: faithful.scenarios, risk: faithful.risk }).toEqual(faithful)
  })
})
