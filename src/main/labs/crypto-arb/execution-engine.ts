import type { Desk, OrderRecord, TradeRecord } from './desk'
import { DAILY_VOLUME, LEVELS, NA, SIGMA_MS, type PriceEngine } from './price-engine'

// The notebook's ExecutionEngine (book ch.1; notebook CELL 4): each leg draws a latency and a price
// drift from the market's own generator (so a trade changes every later price), walks the venue's
// five-level book, pays square-root impact capped at 2 % and the taker fee; execute_arbitrage pairs
// the legs and the desk books the result (CELL 5, update_post_trade).

/** ExecutionEngine.execute_order (CELL 4): one leg against the current tick's book. */
export function executeOrder(e: PriceEngine, desk: Desk, venue: number, asset: number, side: 'buy' | 'sell', size: number): OrderRecord {
  const x = e.ex[venue]!
  const m = venue * NA + asset
  const order: OrderRecord = { tick: e.tick, venue, asset, side, requested: size, status: 'rejected', price: 0, filledUsd: 0, qty: 0, slippage: 0, fee: 0, latency: 0 }
  desk.orders.push(order)
  if (!e.available[m]) return order
  if (size < x.min_order_usd || size > x.max_order_usd) return order
  const n = e.rng.normal(x.latency_ms_mean, x.latency_ms_std)
  const latency = n > 1.0 ? n : 1.0
  order.latency = latency
  const mid = e.mid[m]!
  const drift = mid * SIGMA_MS[asset]! * Math.sqrt(latency) * e.rng.standardNormal()
  const sizes = side === 'buy' ? e.bookAskSize : e.bookBidSize
  let filled = 0.0
  let remaining = size
  for (let i = 0; i < LEVELS; i++) {
    const level = sizes[m * LEVELS + i]!
    const fill = Math.min(remaining, level)
    filled += fill
    remaining -= fill
    if (remaining <= 0) break
  }
  if (filled < size * 0.5) return order
  const minuteVol = DAILY_VOLUME[asset]! / 1440
  const impact = Math.min(x.slippage_coefficient * Math.sqrt(size / minuteVol), 0.02)
  let px = side === 'buy' ? e.ask[m]! * (1 + impact) + drift : e.bid[m]! * (1 - impact) + drift
  px = Math.min(Math.max(px, mid * 0.95), mid * 1.05)
  const qty = filled / px
  const ideal = side === 'buy' ? e.ask[m]! : e.bid[m]!
  order.status = filled >= size * 0.95 ? 'filled' : 'partial'
  order.price = px
  order.filledUsd = filled
  order.qty = qty
  order.slippage = Math.abs(px - ideal) * qty
  order.fee = (filled * x.taker_fee_bps) / 10000
  return order
}

/** execute_arbitrage (CELL 4): both legs, their P&L, and update_post_trade (CELL 5) on the desk. */
export function executeArbitrage(e: PriceEngine, desk: Desk, asset: number, buy: number, sell: number, size: number, expectedBps: number, step: number): TradeRecord {
  const buyO = executeOrder(e, desk, buy, asset, 'buy', size)
  const sellO = executeOrder(e, desk, sell, asset, 'sell', size)
  let gross = 0
  let fees = 0
  let slip = 0
  let wd = 0
  let net = 0
  let bookedFees = 0
  if (buyO.status !== 'rejected') {
    if (sellO.status === 'rejected') {
      if (e.config.corrections.residual_inventory === 'unwound') {
        // corrected: sell the bought quantity back on the buy venue at its bid less impact
        const u = unwind(e, buy, asset, buyO)
        gross = u.proceeds - buyO.filledUsd
        fees = buyO.fee + u.fee
        slip = buyO.slippage + u.slippage
        net = gross - fees
        bookedFees = fees
      } else {
        net = -buyO.fee
        bookedFees = buyO.fee
      }
    } else {
      const minQty = Math.min(buyO.qty, sellO.qty)
      gross = minQty * (sellO.price - buyO.price)
      fees = buyO.fee + sellO.fee
      slip = buyO.slippage + sellO.slippage
      const be = e.ex[buy]!
      wd = size * be.withdrawal_fee_pct + be.withdrawal_flat_usd
      net = gross - fees - wd
      bookedFees = fees
    }
  }
  desk.book(net, fees, slip, wd, buyO.filledUsd)
  const trade: TradeRecord = {
    tick: e.tick,
    step,
    asset,
    buy,
    sell,
    size,
    expectedBps,
    gross,
    fees,
    slippage: slip,
    withdrawal: wd,
    net,
    cumulative: desk.realizedPnl,
    equity: desk.cash,
    bookedFees,
    buyOrder: buyO,
    sellOrder: sellO
  }
  desk.tradeLog.push(trade)
  return trade
}

/** corrections.residual_inventory = "unwound": the bought coins sold back at the buy venue's bid less its impact, with a taker fee. */
function unwind(e: PriceEngine, buy: number, asset: number, buyO: OrderRecord): { proceeds: number; fee: number; slippage: number } {
  const m = buy * NA + asset
  const px = touchFill(e, buy, asset, 'sell', buyO.filledUsd)
  const proceeds = buyO.qty * px
  return { proceeds, fee: (proceeds * e.ex[buy]!.taker_fee_bps) / 10000, slippage: Math.abs(e.bid[m]! - px) * buyO.qty }
}

/**
 * A fill at the venue's touch less the ExecutionEngine's square-root impact (capped at 2 %), drawing
 * nothing from the generator: how the corrected and scenario desks close inventory (an unwind, a
 * transfer's arrival sale, a perpetual leg's close or liquidation).
 */
export function touchFill(e: PriceEngine, venue: number, asset: number, side: 'buy' | 'sell', notional: number): number {
  const m = venue * NA + asset
  const impact = Math.min(e.ex[venue]!.slippage_coefficient * Math.sqrt(notional / (DAILY_VOLUME[asset]! / 1440)), 0.02)
  return side === 'sell' ? e.bid[m]! * (1 - impact) : e.ask[m]! * (1 + impact)
}
