import { VENUES, type CryptoArbConfig } from './config'
import type { Desk, OrderRecord, TradeRecord } from './desk'
import { executeOrder, touchFill } from './execution-engine'
import { CONFIRM_MINUTES, NA, NV, type PriceEngine } from './price-engine'

// Scenarios transfer_delay and perpetuals (not in the notebook): an arbitrage leaves inventory
// open between steps. The notebook books both legs at once, as if the coins bought on one venue
// were already on the other; here they are not.
//   transfer_delay: the buy leg fills (CELL 4); the coins travel for the buy venue's
//     settlement_time_minutes + the asset's network confirmation (CELL 2, ASSETS) + the sell venue's
//     settlement; only then are they sold, at the sell venue's bid less impact (a down venue: wait).
//     In transit they are marked at the consensus price.
//   perpetuals: long on the buy venue, short on the sell venue (both legs through CELL 4), margined
//     per venue at max(1 / min(leverage, max_leverage), margin_requirement) of the notional, held
//     hold_minutes, closed at the touch less impact; funding accrues pro rata each one-minute tick
//     (funding_rate_bps per funding interval: longs pay, shorts receive); a venue whose equity
//     (margin + unrealized − net funding, cross-margined over its legs) falls below
//     maintenance_margin × notional is liquidated at the touch less impact, with a penalty.
// Every cash flow moves the desk's cash when it happens; equity() marks what is open, so the
// kernel's ledger books gross = Δequity + costs and its equity stays the desk's.

/** One open position: coins in transit, or a perpetual pair. */
export interface Lot {
  readonly kind: 'transit' | 'perp'
  readonly step: number
  readonly asset: number
  readonly buy: number
  readonly sell: number
  readonly size: number
  readonly expectedBps: number
  readonly due: number
  readonly tick: number
  readonly buyOrder: OrderRecord
  /** perp: the short leg's opening; transit: the arrival sale (null until it happens). */
  sellOrder: OrderRecord | null
  /** transit: coins and their cost; perp: the long leg's coins and entry (0 coins once closed). */
  qty: number
  entry: number
  /** perp: the short leg on the sell venue. */
  shortQty: number
  shortEntry: number
  longMargin: number
  shortMargin: number
  /** transit: what the coins fetched at once at the sell venue's bid when bought (the notebook's sale). */
  readonly immediateValue: number
  // the round trip so far
  gross: number
  fees: number
  slippage: number
  withdrawal: number
  funding: number
  liquidation: number
}

/** The costs a scenario step booked, by the kernel's cost components. */
export interface StepCosts {
  fees: number
  withdrawal: number
  funding: number
  liquidation: number
}

export interface LiquidationEvent {
  step: number
  venue: number
  notional: number
  equity: number
  maintenance: number
  loss: number
}

export class ScenarioBook {
  readonly lots: Lot[] = []
  readonly transitUsd: Float64Array
  readonly perpNotional: Float64Array
  readonly marginUsed: Float64Array
  readonly liquidationEvents: LiquidationEvent[] = []
  /** transfer_delay: the sale value lost to waiting (immediate sale − arrival sale), and USD·minutes in transit. */
  transitCost = 0
  transitUsdMinutes = 0
  private readonly fundingPerTick: Float64Array
  private readonly cfg: CryptoArbConfig['scenarios']

  constructor(
    readonly config: CryptoArbConfig,
    steps: number
  ) {
    this.cfg = config.scenarios
    this.transitUsd = new Float64Array(steps)
    this.perpNotional = new Float64Array(steps)
    this.marginUsed = new Float64Array(steps)
    this.fundingPerTick = Float64Array.from(VENUES, (v) => config.exchanges[v].funding_rate_bps / 10000 / config.scenarios.perpetuals.funding_interval_minutes)
  }

  get kind(): 'transit' | 'perp' {
    return this.cfg.perpetuals.enabled ? 'perp' : 'transit'
  }

  /** The desk's equity: cash plus the open lots marked (transit at the consensus price, perpetual legs at their venues' mids). */
  equity(e: PriceEngine, desk: Desk): number {
    let eq = desk.cash
    for (const l of this.lots) {
      if (l.kind === 'transit') eq += l.qty * e.truePrice[l.asset]! - l.entry * l.qty
      else eq += l.qty * (e.mid[l.buy * NA + l.asset]! - l.entry) + l.shortQty * (l.shortEntry - e.mid[l.sell * NA + l.asset]!)
    }
    return eq
  }

  /** Open notional (the kernel's one leg). */
  notional(e: PriceEngine): number {
    let n = 0
    for (const l of this.lots) n += l.qty * e.truePrice[l.asset]!
    return n
  }

  /** Open a lot for an approved opportunity at step t: the buy leg (and the short leg for perpetuals) through the ExecutionEngine. */
  open(e: PriceEngine, desk: Desk, t: number, asset: number, buy: number, sell: number, size: number, expectedBps: number, costs: StepCosts): void {
    const buyO = executeOrder(e, desk, buy, asset, 'buy', size)
    const shortO = this.kind === 'perp' ? executeOrder(e, desk, sell, asset, 'sell', size) : null
    if (buyO.status === 'rejected' && (shortO === null || shortO.status === 'rejected')) {
      // CELL 5 books a trade whose legs both failed, at zero
      desk.book(0, 0, 0, 0, 0, false)
      desk.tradeLog.push(tradeRecord(desk, e.tick, t, asset, buy, sell, size, expectedBps, 0, 0, 0, 0, 0, buyO, shortO ?? rejected(e.tick, sell, asset)))
      return
    }
    const bx = e.ex[buy]!
    const perp = this.kind === 'perp'
    const wd = perp || buyO.status === 'rejected' ? 0 : size * bx.withdrawal_fee_pct + bx.withdrawal_flat_usd
    const fees = buyO.fee + (shortO?.fee ?? 0)
    const lot: Lot = {
      kind: this.kind,
      step: t,
      tick: e.tick,
      asset,
      buy,
      sell,
      size,
      expectedBps,
      due: t + (perp ? this.cfg.perpetuals.hold_minutes : Math.ceil(bx.settlement_time_minutes + CONFIRM_MINUTES[asset]! + e.ex[sell]!.settlement_time_minutes)),
      buyOrder: buyO,
      sellOrder: shortO,
      qty: buyO.qty,
      entry: buyO.qty > 0 ? buyO.price : 0,
      shortQty: shortO?.qty ?? 0,
      shortEntry: shortO?.price ?? 0,
      longMargin: perp ? buyO.filledUsd * this.marginRate(buy) : 0,
      shortMargin: perp && shortO !== null ? shortO.filledUsd * this.marginRate(sell) : 0,
      immediateValue: buyO.qty * e.bid[sell * NA + asset]!,
      gross: 0,
      fees,
      slippage: buyO.slippage + (shortO?.slippage ?? 0),
      withdrawal: wd,
      funding: 0,
      liquidation: 0
    }
    // the coins leave the buy venue's balance (in transit, or held as a perpetual's margin-backed long)
    move(desk, buy, -(buyO.fee + wd))
    if (shortO !== null) move(desk, sell, -shortO.fee)
    if (!perp) desk.balances[buy] = desk.balances[buy]! - (buyO.filledUsd)
    desk.fees += fees
    desk.slippage += lot.slippage
    desk.withdrawal += wd
    desk.volume += buyO.filledUsd
    desk.marginUsed[buy] = desk.marginUsed[buy]! + (lot.longMargin)
    desk.marginUsed[sell] = desk.marginUsed[sell]! + (lot.shortMargin)
    costs.fees += fees
    costs.withdrawal += wd
    this.lots.push(lot)
  }

  private marginRate(v: number): number {
    const ex = this.config.exchanges[VENUES[v]!]
    return Math.max(1 / Math.min(this.cfg.perpetuals.leverage, ex.max_leverage), ex.margin_requirement)
  }

  /** Before step t's trade: funding, liquidations, arrivals and expiries. */
  settle(e: PriceEngine, desk: Desk, t: number, costs: StepCosts): void {
    if (this.kind === 'perp') {
      this.accrueFunding(e, desk, costs)
      for (let v = 0; v < NV; v++) this.checkMaintenance(e, desk, t, v, costs)
    }
    for (const l of this.lots) if (l.due <= t) this.close(e, desk, l, costs)
    for (let i = this.lots.length - 1; i >= 0; i--) {
      const l = this.lots[i]!
      if (l.qty === 0 && l.shortQty === 0) {
        this.lots.splice(i, 1)
        const net = l.gross - l.fees - l.withdrawal - l.funding - l.liquidation
        desk.book(net, l.fees, l.slippage, l.withdrawal, 0, false)
        const sellO = l.sellOrder ?? rejected(e.tick, l.sell, l.asset)
        desk.tradeLog.push(tradeRecord(desk, l.tick, l.step, l.asset, l.buy, l.sell, l.size, l.expectedBps, l.gross, l.fees, l.slippage, l.withdrawal, net, l.buyOrder, sellO))
      }
    }
  }

  /** After step t's trade: what is in transit, open and margined (the views' series). */
  record(e: PriceEngine, t: number): void {
    let transit = 0
    let notional = 0
    let margin = 0
    for (const l of this.lots) {
      if (l.kind === 'transit') transit += l.qty * e.truePrice[l.asset]!
      else notional += l.qty * e.mid[l.buy * NA + l.asset]! + l.shortQty * e.mid[l.sell * NA + l.asset]!
      margin += l.longMargin + l.shortMargin
    }
    this.transitUsd[t] = transit
    this.transitUsdMinutes += transit
    this.perpNotional[t] = notional
    this.marginUsed[t] = margin
  }

  private accrueFunding(e: PriceEngine, desk: Desk, costs: StepCosts): void {
    for (const l of this.lots) {
      // longs pay a positive rate, shorts receive it (and the reverse for a negative rate)
      const long = -l.qty * e.mid[l.buy * NA + l.asset]! * this.fundingPerTick[l.buy]!
      const short = l.shortQty * e.mid[l.sell * NA + l.asset]! * this.fundingPerTick[l.sell]!
      move(desk, l.buy, long)
      move(desk, l.sell, short)
      // paid funding is a cost; received funding is gross P&L (costs stay ≥ 0)
      for (const flow of [long, short]) {
        if (flow < 0) {
          l.funding -= flow
          costs.funding -= flow
          desk.funding -= flow
        } else l.gross += flow
      }
    }
  }

  /** Cross margin on venue v: liquidate every leg there when equity < maintenance_margin × notional. */
  private checkMaintenance(e: PriceEngine, desk: Desk, t: number, v: number, costs: StepCosts): void {
    let equity = 0
    let notional = 0
    for (const l of this.lots) {
      if (l.buy === v && l.qty > 0) {
        const mid = e.mid[v * NA + l.asset]!
        equity += l.longMargin + l.qty * (mid - l.entry)
        notional += l.qty * mid
      }
      if (l.sell === v && l.shortQty > 0) {
        const mid = e.mid[v * NA + l.asset]!
        equity += l.shortMargin + l.shortQty * (l.shortEntry - mid)
        notional += l.shortQty * mid
      }
    }
    if (notional === 0) return
    const maintenance = e.ex[v]!.maintenance_margin * notional
    if (equity >= maintenance) return
    let loss = 0
    for (const l of this.lots) {
      if (l.buy === v && l.qty > 0) loss += this.closeLong(e, desk, l, 'liquidation', costs)
      if (l.sell === v && l.shortQty > 0) loss += this.closeShort(e, desk, l, 'liquidation', costs)
    }
    desk.liquidations += 1
    this.liquidationEvents.push({ step: t, venue: v, notional, equity, maintenance, loss })
  }

  /** A lot that is due: transit coins sold on arrival, a perpetual pair closed (legs on a down venue wait). */
  private close(e: PriceEngine, desk: Desk, l: Lot, costs: StepCosts): void {
    if (l.kind === 'transit') {
      if (l.qty === 0 || !e.available[l.sell * NA + l.asset]) return
      const qty = l.qty
      const px = touchFill(e, l.sell, l.asset, 'sell', qty * e.bid[l.sell * NA + l.asset]!)
      const proceeds = qty * px
      const fee = (proceeds * e.ex[l.sell]!.taker_fee_bps) / 10000
      const slip = (e.bid[l.sell * NA + l.asset]! - px) * qty
      this.transitCost += l.immediateValue - proceeds
      desk.cash += proceeds - l.entry * qty - fee
      desk.balances[l.sell] = desk.balances[l.sell]! + (proceeds - fee)
      l.gross += proceeds - l.entry * qty
      l.fees += fee
      l.slippage += slip
      l.sellOrder = { tick: e.tick, venue: l.sell, asset: l.asset, side: 'sell', requested: qty * e.bid[l.sell * NA + l.asset]!, status: 'filled', price: px, filledUsd: proceeds, qty, slippage: slip, fee, latency: 0 }
      desk.orders.push(l.sellOrder)
      desk.fees += fee
      desk.slippage += slip
      costs.fees += fee
      l.qty = 0
      return
    }
    if (l.qty > 0 && e.available[l.buy * NA + l.asset]) this.closeLong(e, desk, l, 'close', costs)
    if (l.shortQty > 0 && e.available[l.sell * NA + l.asset]) this.closeShort(e, desk, l, 'close', costs)
  }

  /** Close a perpetual's long leg at the buy venue's touch less impact; a liquidation pays a penalty instead of the fee. Returns the cost booked. */
  private closeLong(e: PriceEngine, desk: Desk, l: Lot, why: 'close' | 'liquidation', costs: StepCosts): number {
    const m = l.buy * NA + l.asset
    return this.closeLeg(e, desk, l, why, costs, l.buy, l.qty, l.entry, touchFill(e, l.buy, l.asset, 'sell', l.qty * e.mid[m]!), e.mid[m]!, 1)
  }

  private closeShort(e: PriceEngine, desk: Desk, l: Lot, why: 'close' | 'liquidation', costs: StepCosts): number {
    const m = l.sell * NA + l.asset
    return this.closeLeg(e, desk, l, why, costs, l.sell, l.shortQty, l.shortEntry, touchFill(e, l.sell, l.asset, 'buy', l.shortQty * e.mid[m]!), e.mid[m]!, -1)
  }

  private closeLeg(e: PriceEngine, desk: Desk, l: Lot, why: 'close' | 'liquidation', costs: StepCosts, v: number, qty: number, entry: number, px: number, mid: number, sign: 1 | -1): number {
    const realized = sign * qty * (px - entry)
    const notional = qty * px
    const impact = Math.abs(px - mid) * qty
    let cost: number
    if (why === 'liquidation') {
      // the venue closes the leg at the touch less impact and keeps a penalty: both are liquidation losses
      const penalty = notional * this.cfg.perpetuals.liquidation_fee_pct
      move(desk, v, realized - penalty)
      l.gross += sign * qty * (mid - entry)
      l.liquidation += penalty + impact
      desk.liquidation += penalty + impact
      costs.liquidation += penalty + impact
      cost = penalty + impact
    } else {
      const fee = (notional * e.ex[v]!.taker_fee_bps) / 10000
      move(desk, v, realized - fee)
      l.gross += realized
      l.fees += fee
      l.slippage += impact
      desk.fees += fee
      desk.slippage += impact
      costs.fees += fee
      // the impact is inside gross, as the notebook's slipped fills are
      cost = fee
    }
    if (sign === 1) {
      desk.marginUsed[v] = desk.marginUsed[v]! - (l.longMargin)
      l.longMargin = 0
      l.qty = 0
    } else {
      desk.marginUsed[v] = desk.marginUsed[v]! - (l.shortMargin)
      l.shortMargin = 0
      l.shortQty = 0
    }
    return cost
  }
}

/** A cash flow on venue v: the desk's cash and that venue's balance move together. */
function move(desk: Desk, v: number, amount: number): void {
  desk.cash += amount
  desk.balances[v] = desk.balances[v]! + (amount)
}

/** A leg that never reached its venue. */
function rejected(tick: number, venue: number, asset: number): OrderRecord {
  return { tick, venue, asset, side: 'sell', requested: 0, status: 'rejected', price: 0, filledUsd: 0, qty: 0, slippage: 0, fee: 0, latency: 0 }
}

/** The round trip as the session's trade log keeps it, booked when its last leg closes. */
function tradeRecord(desk: Desk, tick: number, step: number, asset: number, buy: number, sell: number, size: number, expectedBps: number, gross: number, fees: number, slippage: number, withdrawal: number, net: number, buyOrder: OrderRecord, sellOrder: OrderRecord): TradeRecord {
  return { tick, step, asset, buy, sell, size, expectedBps, gross, fees, slippage, withdrawal, net, cumulative: desk.realizedPnl, equity: desk.cash, bookedFees: fees, buyOrder, sellOrder }
}
