import { describe, expect, it } from 'vitest'
import { labResultsHash, resolveLabConfig, runCollected, type LabRun, type StepContext } from '../../engine/kernel'
import { CALM, STRESSED } from '../common/fields'
import type { FundingBasisConfig } from './config'
import { fundingBasisLab } from './lab'
import { HOURS_PER_YEAR, type FundingBasisMarket } from './market'
import { fundingBasisMetrics, fundingBasisReport, roundTrips } from './metrics'
import { sideOf, type FundingBasisAction } from './policy'

// Behaviour of the carry lab. No reference code exists (the seed publishes only a README), so
// these are the invariants and limiting cases the design must satisfy.

const run = async (config: FundingBasisConfig) => runCollected(fundingBasisLab, config) as Promise<LabRun<FundingBasisMarket>>
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0)
const noNoise = { 'market_params.funding_noise_bps': 0 }

describe('funding-basis', () => {
  it('is deterministic: the same config gives the same resultsHash, another seed another', async () => {
    const config = resolveLabConfig(fundingBasisLab, 'corrected', {})
    const [a, b, other] = await Promise.all([run(config), run(config), run(resolveLabConfig(fundingBasisLab, 'corrected', { seed: 18 }))])
    expect(labResultsHash(a)).toBe(labResultsHash(b))
    expect(labResultsHash(other)).not.toBe(labResultsHash(a))
  })

  const configs: Array<[string, FundingBasisConfig]> = [
    ['faithful seed 17', resolveLabConfig(fundingBasisLab, 'faithful', {})],
    ['corrected seed 5', resolveLabConfig(fundingBasisLab, 'corrected', { seed: 5 })],
    ['corrected, entry 4, cadence 3, stress often', resolveLabConfig(fundingBasisLab, 'corrected', { seed: 9, 'strategy.entry_threshold_bps': 4, 'policy_params.decision_every': 3, 'regimes.P': [[0.97, 0.03], [0.05, 0.95]] })]
  ]

  it.each(configs)('%s: carry + basis + costs add up to total P&L; costs ≥ 0; the book stays delta-neutral', async (_, config) => {
    const r = await run(config)
    const c = r.columns
    const m = fundingBasisMetrics(r, config)
    const scale = Math.max(1, Math.abs(m.carry_pnl!) + Math.abs(m.basis_pnl!) + Math.abs(m.cost_pnl!))
    expect(Math.abs(m.carry_pnl! + m.basis_pnl! + m.cost_pnl! - m.total_pnl!)).toBeLessThanOrEqual(1e-9 * scale)
    expect(m.cost_pnl!).toBeLessThanOrEqual(0)
    for (let t = 0; t < r.steps; t++) {
      expect(c.cost[t]!).toBeGreaterThanOrEqual(0)
      expect(Math.abs(c.cost[t]! - c.costByComponent.fees![t]! - c.costByComponent.slippage![t]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, c.cost[t]!))
      expect(c.markPnl[t]).toBe(0 + c.pnlByComponent.carry![t]! + c.pnlByComponent.basis![t]!)
      expect(c.position[2 * t]! + c.position[2 * t + 1]!).toBe(0)
    }
    // every step's P&L belongs to exactly one round trip
    const trips = roundTrips(r)
    expect(Math.abs(trips.reduce((s, t) => s + t.pnl, 0) - m.total_pnl!)).toBeLessThanOrEqual(1e-9 * scale)
    expect(m.trades).toBe(trips.length)
    expect(m.trades!).toBeGreaterThan(0)
    for (const key of ['win_rate', 'time_in_market'] as const) {
      expect(m[key]!).toBeGreaterThanOrEqual(0)
      expect(m[key]!).toBeLessThanOrEqual(1)
    }
  })

  it.each(['continuous', 'discrete'] as const)('%s funding: carry P&L has the sign of basis × position (funding noise off)', async (mode) => {
    const config = resolveLabConfig(fundingBasisLab, 'faithful', { ...noNoise, 'corrections.funding': mode, 'strategy.entry_threshold_bps': 6 })
    const r = await run(config)
    const m = r.market
    const I = config.market_params.funding_interval_steps
    let checked = 0
    for (let t = 1; t < r.steps; t++) {
      const side = sideOf(r.columns.position.subarray(2 * (t - 1), 2 * t))
      const carry = r.columns.pnlByComponent.carry![t]!
      if (side === 0) {
        expect(Math.abs(carry)).toBe(0)
        continue
      }
      // continuous: the step's premium; discrete: the premium summed over the interval just paid
      let premium = m.basis[t]!
      if (mode === 'discrete') {
        if (m.fundingTime[t] === 0) {
          expect(Math.abs(carry)).toBe(0)
          continue
        }
        premium = 0
        for (let s = t - I + 1; s <= t; s++) premium += m.basis[s]!
      }
      expect(sign(carry)).toBe(sign(side * premium))
      checked++
    }
    expect(checked).toBeGreaterThan(20)
  })

  it('a higher entry threshold gives fewer trades', async () => {
    const trades: number[] = []
    for (const entry of [4, 8, 16, 32]) {
      const config = resolveLabConfig(fundingBasisLab, 'corrected', { 'strategy.entry_threshold_bps': entry })
      trades.push(fundingBasisMetrics(await run(config), config).trades!)
    }
    for (let i = 1; i < trades.length; i++) expect(trades[i]!).toBeLessThanOrEqual(trades[i - 1]!)
    expect(trades[3]!).toBeLessThan(trades[0]!)
  })

  it.each(['continuous', 'discrete'] as const)('%s funding: with zero basis vol and zero costs the book earns exactly the funding', async (mode) => {
    const theta = 10
    const config = resolveLabConfig(fundingBasisLab, 'faithful', {
      ...noNoise,
      'corrections.funding': mode,
      'market_params.basis_mean_bps': theta,
      'market_params.basis_sigma_calm_bps': 0,
      'market_params.basis_sigma_stressed_bps': 0,
      'execution_params.taker_fee_bps': 0,
      'execution_params.slippage_bps_calm': 0,
      'execution_params.slippage_bps_stressed': 0,
      'strategy.entry_threshold_bps': 5
    })
    const r = await run(config)
    const m = fundingBasisMetrics(r, config)
    const { T, dt } = config
    const N = config.strategy.notional
    const I = config.market_params.funding_interval_steps
    const perStep = (dt * HOURS_PER_YEAR * theta) / config.market_params.funding_reference_hours
    // long basis from t = 0: every step accrues (continuous), or every funding time pays I steps' worth (discrete)
    const expected = mode === 'continuous' ? (N * perStep * (T - 1)) / 1e4 : (N * perStep * I * Math.floor((T - 1) / I)) / 1e4
    expect(r.columns.action.every((a) => fundingBasisLab.actions[a] === 'LONG_BASIS')).toBe(true)
    expect(Math.abs(m.basis_pnl!)).toBe(0)
    expect(Math.abs(m.cost_pnl!)).toBe(0)
    expect(m.total_pnl! / expected - 1).toBeCloseTo(0, 12)
    expect(m.carry_pnl! / expected - 1).toBeCloseTo(0, 12)
  })

  it('marks without look-ahead: the P&L at t uses the legs held into t and the market at t − 1 and t only', async () => {
    const config = resolveLabConfig(fundingBasisLab, 'corrected', {})
    const r = await run(config)
    const pnl = new Float64Array(2)
    for (let t = 1; t < r.steps; t++) {
      const held = r.columns.position.slice(2 * (t - 1), 2 * t)
      fundingBasisLab.mark(r.market, t, held, config, pnl)
      expect(r.columns.pnlByComponent.basis![t]).toBe(pnl[1])
      expect(r.columns.pnlByComponent.carry![t]).toBe(pnl[0])
    }
  })

  it('report: every metric is finite or null, telemetry and the basis term structure are well formed', async () => {
    const config = resolveLabConfig(fundingBasisLab, 'corrected', {})
    const r = await run(config)
    const metrics = fundingBasisReport(r, config).metrics
    for (const key of ['total_pnl', 'carry_pnl', 'basis_pnl', 'cost_pnl', 'trades', 'time_in_market', 'sharpe_annualized', 'max_drawdown', 'win_rate']) {
      expect(metrics[key] === null || Number.isFinite(metrics[key]), key).toBe(true)
    }
    const telemetry = fundingBasisReport(r, config).telemetry as { carry: { funding_times: number }; round_trips: { count: number } }
    expect(telemetry.carry.funding_times).toBe(Math.floor((config.T - 1) / 8))
    expect(telemetry.round_trips.count).toBe(metrics.trades)
    const surface = fundingBasisLab.surface(r.market, 100, config)
    expect(surface.axes.map((a) => [a.name, a.unit])).toEqual([['horizon', 'hours']])
    expect(surface.values[0]).toBeCloseTo(r.market.basis[100]!, 12)
    // the expected basis decays monotonically toward θ
    const gaps = Array.from(surface.values, (v) => Math.abs(v - config.market_params.basis_mean_bps))
    for (let k = 1; k < gaps.length; k++) expect(gaps[k]!).toBeLessThanOrEqual(gaps[k - 1]!)
  })

  it('observes the last funding paid at or before t exactly as a backward scan over funding times finds it', () => {
    const config = resolveLabConfig(fundingBasisLab, 'corrected', { seed: 21, T: 400, 'market_params.funding_interval_steps': 5 })
    const m = fundingBasisLab.market(config, {})
    const o = fundingBasisLab.observation(config, m)
    const context: StepContext<FundingBasisConfig, FundingBasisMarket, FundingBasisAction> = {
      t: 0,
      config,
      market: m,
      position: Float64Array.of(1, -1),
      equity: config.risk_params.capital,
      drawdown: 0,
      leverage: 0,
      lastAction: 'LONG_BASIS',
      cumulativeCost: 0,
      lastCost: 0
    }
    let paidSeen = 0
    for (let t = 0; t < config.T; t++) {
      let scanned = 0
      for (let s = t; s > 0; s--) {
        if (m.fundingTime[s] === 1) {
          scanned = m.fundingPaid[s]!
          break
        }
      }
      context.t = t
      fundingBasisLab.observe(context, o)
      expect(o.lastFundingBps, `t = ${t}`).toBe(scanned)
      expect([o.t, o.regime, o.basisBps, o.predictedFundingBps, o.side]).toEqual([t, m.regime[t], m.basis[t], m.predictedFunding[t], 1])
      if (scanned !== 0) paidSeen++
    }
    expect(paidSeen).toBe(config.T - 5)
  })

  it('prices a trade: taker fee and regime slippage in bps of notional, on the perp leg (faithful) or both legs (corrected)', () => {
    const market = { regime: Int32Array.of(CALM, STRESSED) } as unknown as FundingBasisMarket
    const price = (config: FundingBasisConfig, trade: [number, number], t: number): number[] => {
      const execution = fundingBasisLab.execution(config)
      const cost = new Float64Array(2)
      const context = { t, market } as unknown as Parameters<typeof execution.execute>[1]
      const total = execution.execute(Float64Array.of(...trade), context, cost, new Float64Array(0))
      return [total, cost[0]!, cost[1]!]
    }
    const faithful = resolveLabConfig(fundingBasisLab, 'faithful', {})
    const corrected = resolveLabConfig(fundingBasisLab, 'corrected', {})
    expect(fundingBasisLab.execution(faithful).components).toEqual(['fees', 'slippage'])
    // N = 1e6, taker 4 bps, slippage 1 bp calm / 4 bps stressed
    expect(price(faithful, [1, -1], 0)).toEqual([500, 400, 100])
    expect(price(faithful, [1, -1], 1)).toEqual([800, 400, 400])
    expect(price(faithful, [-2, 2], 0)).toEqual([1000, 800, 200])
    expect(price(corrected, [1, -1], 0)).toEqual([1000, 800, 200])
    expect(price(corrected, [1, -1], 1)).toEqual([1600, 800, 800])
    expect(price(corrected, [0, 0], 1)).toEqual([0, 0, 0])
  })
})
