import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { CRYPTO_ARB_PRESETS } from './config'
import { cryptoArbLab } from './lab'
import { PRE_SESSION_TICKS } from './market'
import { DAILY_VOLUME, NA } from './price-engine'
import { runFixtures } from './test-fixtures'

// What corrections.residual_inventory = "unwound" changes against the notebook: a one-legged trade
// (sell leg rejected) sells its bought coins back on the buy venue instead of forgetting them.

const tight = runFixtures().find((f) => f.file === 'ch1-seed99-top-tight.json')!
const config = (residual: 'ignored' | 'unwound') => resolveLabConfig(cryptoArbLab, 'faithful', { ...tight.overrides, seed: tight.seed, 'corrections.residual_inventory': residual })

describe('crypto-arb corrected preset', () => {
  it('names each fix', () => {
    expect(CRYPTO_ARB_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['residual_inventory', 'transfer_delay', 'position_limit', 'venue_downtime'])
    expect(resolveLabConfig(cryptoArbLab, 'corrected', {}).corrections).toEqual({ residual_inventory: 'unwound' })
  })

  it('a one-legged trade: forgotten inventory (−fee_buy) in the notebook, sold back at the buy venue’s bid less impact when unwound', async () => {
    const [a, b] = await Promise.all([runCollected(cryptoArbLab, config('ignored')), runCollected(cryptoArbLab, config('unwound'))])
    const ta = a.market.desk.tradeLog[0]!
    const tb = b.market.desk.tradeLog[0]!
    // the fixture's one-legged trade: same tick, same fills (the unwind draws nothing from the generator)
    expect(ta.sellOrder.status).toBe('rejected')
    expect(ta.tick).toBe(tight.trades[0]!.tick)
    expect([tb.tick, tb.buyOrder.price, tb.buyOrder.qty, tb.sellOrder.status]).toEqual([ta.tick, ta.buyOrder.price, ta.buyOrder.qty, 'rejected'])
    // faithful: the notebook's numbers
    expect([ta.gross, ta.fees, ta.net]).toEqual([0, 0, -ta.buyOrder.fee])
    expect(ta.net).toBeCloseTo(tight.trades[0]!.net_pnl, 9)
    // unwound: qty × bid × (1 − impact) − cost, and a taker fee on the proceeds
    const c = config('unwound')
    const e = c.exchanges[(['nexus', 'vortex', 'phantom', 'citadel', 'drift'] as const)[tb.buy]!]
    const quotes = tight.ticks[tb.tick - PRE_SESSION_TICKS - 1]!.quotes!
    const bid = quotes.bid[tb.buy * NA + tb.asset]!
    const impact = Math.min(e.slippage_coefficient * Math.sqrt(tb.buyOrder.filledUsd / (DAILY_VOLUME[tb.asset]! / 1440)), 0.02)
    const proceeds = tb.buyOrder.qty * bid * (1 - impact)
    expect(tb.gross).toBeCloseTo(proceeds - tb.buyOrder.filledUsd, 6)
    expect(tb.fees).toBeCloseTo(tb.buyOrder.fee + (proceeds * e.taker_fee_bps) / 10000, 6)
    expect(tb.net).toBeCloseTo(tb.gross - tb.fees, 9)
    // the coins are worth something: the unwound loss is the round trip's costs, far less than the notional
    expect(tb.net).toBeLessThan(0)
    expect(-tb.net).toBeLessThan(0.05 * tb.buyOrder.filledUsd)
    // forgetting the coins books only the buy fee, as if they went back at cost; the unwind books
    // the round trip's impact, spread and second fee
    expect(-ta.net).toBeLessThan(-tb.net)
    // the ledger's equity moves by the difference, on this run's only trade
    expect(a.market.desk.tradeLog).toHaveLength(1)
    expect(b.columns.equity[tb.step]! - a.columns.equity[ta.step]!).toBeCloseTo(tb.net - ta.net, 6)
  })

  it('changes nothing where every trade fills both legs (seed 42, defaults)', async () => {
    const base = resolveLabConfig(cryptoArbLab, 'faithful', {})
    const unwound = resolveLabConfig(cryptoArbLab, 'faithful', { 'corrections.residual_inventory': 'unwound' })
    const [a, b] = await Promise.all([runCollected(cryptoArbLab, base), runCollected(cryptoArbLab, unwound)])
    expect(a.market.desk.tradeLog.every((t) => t.sellOrder.status !== 'rejected')).toBe(true)
    expect(Array.from(b.columns.equity)).toEqual(Array.from(a.columns.equity))
  })
})
