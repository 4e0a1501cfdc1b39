import { describe, expect, it } from 'vitest'
import { ASK, BID } from '../common/order-book/order-book-api'
import { resolveLabConfig } from '../../engine/kernel'
import { AGGRESSIVE, Exchange, FLOW, INFORMED } from './execution'
import { microstructureLab } from './lab'
import { ScenarioStream, type ScenarioPath } from './market'
import { FillLog } from './test-support'

// Hand-built market paths (tick 0.01, calm throughout) so every fill can be worked out by hand.

function pathOf(mids: number[], depth: number[] = [10, 10, 10], spread = 2): ScenarioPath {
  const n = mids.length
  const levels = depth.length
  const tick = 0.01
  const bid = mids.map((m) => Math.round(m / tick - spread / 2))
  return {
    n,
    levels,
    tick,
    sigmaCalm: 4e-4,
    regime: new Uint8Array(n),
    sigma: new Float64Array(n).fill(4e-4),
    mid: Float64Array.from(mids),
    spreadTicks: new Int32Array(n).fill(spread),
    bidTick: Int32Array.from(bid),
    askTick: Int32Array.from(bid, (b) => b + spread),
    depthBid: Float64Array.from({ length: n * levels }, (_, i) => depth[i % levels]!),
    depthAsk: Float64Array.from({ length: n * levels }, (_, i) => depth[i % levels]!)
  }
}

/** An exchange on a built path, with a log of every strategy fill it makes. */
function exchange(path: ScenarioPath, overrides: Record<string, unknown>, preset: 'faithful' | 'corrected' = 'faithful'): Exchange & { fills: FillLog } {
  const config = resolveLabConfig(microstructureLab, preset, { 'fills.cross_base_prob': 0, 'fees.maker_fee_bps': -0.2, 'fees.taker_fee_bps': 0.5, ...overrides })
  const fills = new FillLog()
  const ex = new Exchange(ScenarioStream.fromPath(path), config)
  ex.listen(fills)
  return Object.assign(ex, { fills })
}

function quote(ex: Exchange, t: number, bid: number | null, ask: number | null, qty = 1): void {
  ex.advance(t)
  ex.bidPx = bid ?? 0
  ex.bidQty = bid === null ? 0 : qty
  ex.askPx = ask ?? 0
  ex.askQty = ask === null ? 0 : qty
}

describe('fill model', () => {
  it('books a passive fill against the mid at the fill: spread captured, maker rebate as P&L, no cost', () => {
    const ex = exchange(pathOf([100, 100, 100]), { 'fills.fill_base_prob': 1, 'fills.fill_decay': 0 })
    quote(ex, 0, 9999, 10001)
    const r = ex.execute(0, 0)
    expect(r.executed[0]).toBeCloseTo(0, 12)
    expect(r.pnl.spread_capture).toBeCloseTo(0.02, 12)
    expect(r.pnl.rebate).toBeCloseTo(0.2e-4 * (99.99 + 100.01), 15)
    expect(r.cost.total).toBe(0)
    expect(ex.fills.length).toBe(2)
    expect(Array.from(ex.fills.kind.subarray(0, 2))).toEqual([FLOW, FLOW])
    expect(Array.from(ex.fills.mid.subarray(0, 2))).toEqual([100, 100])
    // 2 × 3 depth levels, 2 quotes, 2 sweeps to them
    expect(ex.book.events).toBe(10)
  })

  it('books a market order as a taker: walks the levels, pays the fee, slippage is negative spread capture', () => {
    const ex = exchange(pathOf([100, 100], [2, 1, 5]), { 'fills.fill_base_prob': 0 })
    quote(ex, 0, null, null)
    const r = ex.execute(0, 3)
    expect(r.executed[0]).toBe(3)
    expect(r.pnl.spread_capture).toBeCloseTo(-(0.01 * 2 + 0.02 * 1), 12)
    expect(r.cost.components.taker_fee).toBeCloseTo(0.5e-4 * (100.01 * 2 + 100.02), 15)
    expect(r.cost.components.maker_fee).toBe(0)
    expect(r.cost.total).toBe(r.cost.components.taker_fee)
    expect(Array.from(ex.fills.price.subarray(0, 2))).toEqual([100.01, 100.02])
    expect(Array.from(ex.fills.kind.subarray(0, 2))).toEqual([AGGRESSIVE, AGGRESSIVE])
  })

  it('charges a positive maker fee as a cost, never a negative one', () => {
    const ex = exchange(pathOf([100, 100]), { 'fills.fill_base_prob': 1, 'fills.fill_decay': 0, 'fees.maker_fee_bps': 1 })
    quote(ex, 0, 9999, null)
    const r = ex.execute(0, 0)
    expect(r.cost.components.maker_fee).toBeCloseTo(1e-4 * 99.99, 15)
    expect(r.pnl.rebate).toBe(0)
  })

  it('lets an informed cross take a quote exactly when the next mid moves through it', () => {
    const up = exchange(pathOf([100, 100.05], [10, 10, 10, 10, 10, 10]), { 'fills.cross_base_prob': 1, 'fills.fill_base_prob': 0 })
    quote(up, 0, 9998, 10002)
    const r = up.execute(0, 0)
    expect(r.executed[0]).toBe(-1)
    expect(up.fills.kind[0]).toBe(INFORMED)
    expect(up.fills.price[0]).toBe(100.02)
    // the informed buyer took every ask below the new mid (10005 ticks), the strategy's included
    expect(up.book.bestAsk()).toBe(10005)
    expect(up.book.bestBid()).toBe(9999)

    const down = exchange(pathOf([100, 99.95]), { 'fills.cross_base_prob': 1, 'fills.fill_base_prob': 0 })
    quote(down, 0, 9998, 10002)
    expect(down.execute(0, 0).executed[0]).toBe(1)

    const small = exchange(pathOf([100, 100.015]), { 'fills.cross_base_prob': 1, 'fills.fill_base_prob': 0 })
    quote(small, 0, 9998, 10002)
    expect(small.execute(0, 0).executed[0]).toBe(0)
    expect(small.fills.length).toBe(0)
  })

  it('makes a quote the market moves away from less likely to fill (faithful: distance from the touch after the move)', () => {
    // fill_decay 50: a quote one tick or more behind the touch after the move practically never fills
    const away = exchange(pathOf([100, 100.03]), { 'fills.fill_base_prob': 1, 'fills.fill_decay': 50 })
    quote(away, 0, 9999, null)
    expect(away.execute(0, 0).executed[0]).toBe(0)
    const toward = exchange(pathOf([100, 99.97]), { 'fills.fill_base_prob': 1, 'fills.fill_decay': 50 })
    quote(toward, 0, 9999, null)
    expect(toward.execute(0, 0).executed[0]).toBe(1)
  })

  it('correction passive_fill: the seed fills a quote the touch never reached, the queue model does not', () => {
    const mids = Array.from({ length: 21 }, () => 100)
    const overrides = { 'fills.fill_base_prob': 1, 'fills.fill_decay': 0, 'fills.taker_qty_mean': 1000 }
    const fills = (preset: 'faithful' | 'corrected'): number => {
      const ex = exchange(pathOf(mids), overrides, preset)
      for (let t = 0; t < 20; t++) {
        quote(ex, t, 9996, null) // three ticks behind the touch at 9999
        ex.execute(t, 0)
      }
      return ex.fills.length
    }
    expect(fills('faithful')).toBe(20)
    expect(fills('corrected')).toBe(0)
  })

  it('correction passive_fill: a taker trades the queue ahead first, so a small one leaves a quote at the touch unfilled', () => {
    const still = exchange(pathOf([100, 100]), { 'fills.fill_base_prob': 1, 'fills.taker_qty_mean': 1e-6 }, 'corrected')
    quote(still, 0, 9999, null) // behind 10 background lots
    expect(still.execute(0, 0).executed[0]).toBe(0)
    expect(still.book.depthAt(BID, 9999)).toBe(10) // 1 of the 10 ahead traded, then the quote's lot is there
    // when the touch moves through the quote's price, the queue ahead is gone
    const through = exchange(pathOf([100, 99.97]), { 'fills.fill_base_prob': 1, 'fills.taker_qty_mean': 1e-6 }, 'corrected')
    quote(through, 0, 9999, null)
    expect(through.execute(0, 0).executed[0]).toBe(1)
  })

  it('correction passive_fill: a quote improving the touch fills in part when the taker is smaller than it', () => {
    const ex = exchange(pathOf(Array.from({ length: 201 }, () => 100)), { 'fills.fill_base_prob': 1, 'fills.taker_qty_mean': 2 }, 'corrected')
    const perStep: number[] = []
    for (let t = 0; t < 200; t++) {
      quote(ex, t, 10000, null, 5) // inside the 9999 / 10001 spread: nothing ahead
      perStep.push(ex.execute(t, 0).executed[0]!)
    }
    expect(Math.max(...perStep)).toBe(5)
    expect(Math.min(...perStep)).toBeGreaterThanOrEqual(1)
    expect(perStep.some((q) => q < 5)).toBe(true)
  })

  it('pulls last step quotes before setting new depth, so a stale quote is never crossed', () => {
    const ex = exchange(pathOf([100, 100.1, 100.1]), { 'fills.fill_base_prob': 0 })
    quote(ex, 0, 9999, 10001)
    ex.execute(0, 0)
    expect(() => ex.advance(1)).not.toThrow()
    expect(ex.book.bestBid()).toBe(10009)
    expect(ex.book.depthAt(ASK, 10001)).toBe(0)
  })

  it('draws three fill randoms per step whatever happens, so runs are reproducible', () => {
    const run = (): number[] => {
      const path = pathOf(Array.from({ length: 51 }, (_, t) => 100 + 0.01 * Math.sin(t)))
      const ex = exchange(path, { 'fills.fill_base_prob': 0.5, 'fills.cross_base_prob': 0.2 })
      for (let t = 0; t < 50; t++) {
        quote(ex, t, path.bidTick[t]! - 1, path.askTick[t]! + 1)
        ex.execute(t, 0)
      }
      return Array.from(ex.fills.t.subarray(0, ex.fills.length))
    }
    expect(run()).toEqual(run())
  })
})
