import type { CostBreakdown, ExecutionModel, StepContext } from '../../engine/kernel'
import type { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { OrderBook } from '../common/order-book/order-book'
import { ASK, BACKGROUND, BID, STRATEGY, type FillSink, type Owner, type Side } from '../common/order-book/order-book-api'
import type { MicrostructureConfig } from './config'
import { stream, type MicrostructureMarket, type ScenarioStream } from './market'
import type { MicrostructureAction } from './policy'

// The exchange side of one run (seed README, "Simulation engine"): the order book, the fill models
// and the accounting of each strategy fill. Per-run mutable state, created with the run's market.
//
// One kernel step t, in order:
//   advance(t)  — the strategy's quotes of t−1 are pulled (they live one step, so a stale quote is
//                 never crossed by new depth) and background depth is set around the touch at t;
//   execute(t)  — the strategy's market order, if any, takes liquidity (aggressive fill: taker fee,
//                 negative spread capture = slippage); its new quotes rest (post-only); then the
//                 flow of the interval (t, t+1] arrives:
//      informed cross: with p = min(1, cross_base_prob·σ(t)/σ_calm) takers who know mid(t+1) trade
//                 every level priced through it (Glosten–Milgrom's informed trader), so a quote is
//                 taken exactly when the next move goes against it;
//      taker flow: per side, the seed's reduced form (whole quote, p = fill_base_prob·e^(−fill_decay·d),
//                 d = ticks from the quote to the touch after the move) or, corrected, only quotes the
//                 touch reached during the step, for what a taker of Exp(taker_qty_mean) lots leaves
//                 after the queue ahead.
// Both flows fill a quote more often when the market moves toward it, which is what makes passive
// fills adversely selected.
// Fills are booked at step t against mid(t): the ledger holds the new inventory from mid(t) on,
// so spread capture + the marks after it add up exactly to the fill's P&L.

export const PNL_COMPONENTS = ['inventory', 'spread_capture', 'rebate'] as const
export const COST_COMPONENTS = ['maker_fee', 'taker_fee'] as const
/** What a fill books at execution, against the mid at the fill (P&L components, in this order). */
export const BOOKED_PNL = ['spread_capture', 'rebate'] as const

/** How a fill came about: the strategy's quote taken by the taker flow or by an informed cross, or its own market order. */
export const FLOW = 0
export const INFORMED = 1
export const AGGRESSIVE = 2

/**
 * Told of every strategy fill as it happens (no object per fill): step, side (+1 the strategy
 * bought, −1 it sold), price in currency, lots, kind, and the mid at the fill it is measured
 * against. The report folds them; tests keep them all (FillLog).
 */
export interface FillListener {
  onStrategyFill(t: number, side: number, price: number, qty: number, kind: number, mid: number): void
}

const SWEEP_SLACK = 1e-9
const U32 = 2 ** -32

export interface StepExecution {
  executed: Float64Array
  cost: CostBreakdown & { components: { maker_fee: number; taker_fee: number } }
  pnl: { spread_capture: number; rebate: number }
}

export class Exchange implements FillSink {
  readonly book: OrderBook
  /** The step the book was last advanced to. */
  bookT = -1
  /** This step's quote plan (set from the action before execution); qty 0 = no quote on that side. */
  bidPx = 0
  askPx = 0
  bidQty = 0
  askQty = 0
  /** Reused every step: the kernel copies what it needs before the next call. */
  readonly result: StepExecution = {
    executed: new Float64Array(1),
    cost: { total: 0, components: { maker_fee: 0, taker_fee: 0 } },
    pnl: { spread_capture: 0, rebate: 0 }
  }

  private readonly listeners: FillListener[] = []
  private bidId = -1
  private askId = -1
  private readonly rng: Xoshiro128
  private readonly scratchBid: Float64Array
  private readonly scratchAsk: Float64Array
  private readonly makerRate: number
  private readonly takerRate: number
  private readonly queueModel: boolean
  private readonly fillBase: number
  private readonly fillDecay: number
  private readonly crossBase: number
  private readonly takerMean: number
  // Accumulators of the step in progress.
  private t = 0
  private mid = 0
  private kind = FLOW
  private executed = 0
  private spreadCapture = 0
  private rebate = 0
  private makerFee = 0
  private takerFee = 0

  constructor(
    /** The run's window on the scenario: the exchange moves it along (advance ensures t + 1). */
    readonly scenario: ScenarioStream,
    config: MicrostructureConfig
  ) {
    // Prices are positive ticks; a bid or ask at 0 or below is refused by the book.
    this.book = new OrderBook({ maxOrders: 2 * scenario.levels + 64, minPrice: 1, maxPrice: 2 ** 30 })
    this.rng = stream(config.seed, 'fills')
    this.scratchBid = new Float64Array(scenario.levels)
    this.scratchAsk = new Float64Array(scenario.levels)
    this.makerRate = config.fees.maker_fee_bps * 1e-4
    this.takerRate = config.fees.taker_fee_bps * 1e-4
    this.queueModel = config.corrections.passive_fill === 'queue'
    this.fillBase = config.fills.fill_base_prob
    this.fillDecay = config.fills.fill_decay
    this.crossBase = config.fills.cross_base_prob
    this.takerMean = config.fills.taker_qty_mean
  }

  /** Tells `listener` of every strategy fill from now on (the run's report; a test's fill log). */
  listen(listener: FillListener): void {
    this.listeners.push(listener)
  }

  /** Pulls last step's quotes and sets background depth at t on both sides (idempotent per t). */
  advance(t: number): void {
    if (this.bookT === t) return
    const book = this.book
    if (this.bidId !== -1 && book.remaining(this.bidId) > 0) book.cancel(this.bidId)
    if (this.askId !== -1 && book.remaining(this.askId) > 0) book.cancel(this.askId)
    this.bidId = -1
    this.askId = -1
    const p = this.scenario
    // the flow of step t reads the point after it
    p.ensure(t + 1)
    const L = p.levels
    const slot = t & p.mask
    const off = slot * L
    for (let k = 0; k < L; k++) {
      this.scratchBid[k] = p.depthBid[off + k]!
      this.scratchAsk[k] = p.depthAsk[off + k]!
    }
    book.setDepth(BID, p.bidTick[slot]!, this.scratchBid)
    book.setDepth(ASK, p.askTick[slot]!, this.scratchAsk)
    this.bookT = t
  }

  /** Runs step t's orders and flow; `trade` is the strategy's market order (+ buy, − sell, lots). */
  execute(t: number, trade: number): StepExecution {
    this.advance(t)
    const book = this.book
    this.t = t
    this.mid = this.scenario.mid[t & this.scenario.midMask]!
    this.executed = 0
    this.spreadCapture = 0
    this.rebate = 0
    this.makerFee = 0
    this.takerFee = 0
    this.kind = AGGRESSIVE
    if (trade > 1e-12) book.market(STRATEGY, BID, trade, this)
    else if (trade < -1e-12) book.market(STRATEGY, ASK, -trade, this)
    if (this.bidQty > 0) this.bidId = book.limit(STRATEGY, BID, this.bidPx, this.bidQty, this)
    if (this.askQty > 0) this.askId = book.limit(STRATEGY, ASK, this.askPx, this.askQty, this)
    // Three 32-bit uniforms every step, used or not, so one step's fills never shift the next
    // step's randoms (32 bits are ample resolution for a fill probability).
    const rng = this.rng
    this.informedCross(t, rng.nextUint32() * U32)
    this.takerFlow(BID, rng.nextUint32() * U32)
    this.takerFlow(ASK, rng.nextUint32() * U32)

    const r = this.result
    r.executed[0] = this.executed
    r.cost.components.maker_fee = this.makerFee
    r.cost.components.taker_fee = this.takerFee
    r.cost.total = this.makerFee + this.takerFee
    r.pnl.spread_capture = this.spreadCapture
    r.pnl.rebate = this.rebate
    return r
  }

  /** Takers who know mid(t+1) trade every level priced through it, with a volatility-scaled probability. */
  private informedCross(t: number, u: number): void {
    const p = this.scenario
    const ratio = p.sigmaCalm > 0 ? p.sigma[t & p.mask]! / p.sigmaCalm : 1
    if (!(u < Math.min(1, this.crossBase * ratio))) return
    const now = p.mid[t & p.midMask]! / p.tick
    const next = p.mid[(t + 1) & p.midMask]! / p.tick
    const book = this.book
    let qty = 0
    if (next > now) {
      for (let px = book.bestAsk(); px < next; px++) qty += book.depthAt(ASK, px)
      this.kind = INFORMED
      if (qty > 0) book.market(BACKGROUND, BID, qty, this)
    } else if (next < now) {
      for (let px = book.bestBid(); px > next; px--) qty += book.depthAt(BID, px)
      this.kind = INFORMED
      if (qty > 0) book.market(BACKGROUND, ASK, qty, this)
    }
  }

  /**
   * Taker flow against the strategy's quote on `side` (a seller hits bids, a buyer lifts asks).
   * d = ticks from the quote to the touch: faithful, the touch after the move (t+1); corrected,
   * the nearest the touch came during the step (t or t+1), so d = 0 means the price reached it.
   */
  private takerFlow(side: Side, u: number): void {
    const book = this.book
    const id = side === BID ? this.bidId : this.askId
    if (id === -1) return
    const rem = book.remaining(id)
    if (!(rem > 0)) return
    const p = this.scenario
    const t = this.t
    const now = t & p.mask
    const after = (t + 1) & p.mask
    const px = side === BID ? this.bidPx : this.askPx
    let d: number
    if (side === BID) d = Math.max(0, (this.queueModel ? Math.min(p.bidTick[now]!, p.bidTick[after]!) : p.bidTick[after]!) - px)
    else d = Math.max(0, px - (this.queueModel ? Math.max(p.askTick[now]!, p.askTick[after]!) : p.askTick[after]!))
    // faithful: the whole quote fills with p = fill_base_prob·e^(−fill_decay·d), whatever is queued ahead;
    // corrected: only a quote the touch reached can fill, when a taker arrives (at-touch probability)
    if (this.queueModel ? d > 0 || !(u < this.fillBase) : !(u < this.fillBase * Math.exp(-this.fillDecay * d))) return
    // Liquidity at better prices than the quote: a sweep to the quote trades it first.
    let better = 0
    if (side === BID) for (let q = book.bestBid(); q > px; q--) better += book.depthAt(BID, q)
    else for (let q = book.bestAsk(); q < px; q++) better += book.depthAt(ASK, q)
    const ahead = book.queueAhead(id)
    let want = better + ahead + rem
    if (this.queueModel) {
      // a taker of Exp(taker_qty_mean) lots trades the queue ahead first, all of which is gone
      // when the touch at t+1 moved through the quote's price; given u < p, u/p is a fresh uniform
      const size = Math.max(1, Math.ceil(-this.takerMean * Math.log(1 - u / this.fillBase)))
      const through = side === BID ? p.bidTick[after]! < px : p.askTick[after]! > px
      want = better + (through ? ahead + Math.min(size, rem) : Math.min(size, ahead + rem))
    }
    this.kind = FLOW
    // Taking the whole quote: a sliver more, so float dust never leaves part of it resting.
    const full = want >= better + ahead + rem
    book.market(BACKGROUND, side === BID ? ASK : BID, full ? want + SWEEP_SLACK * (1 + want) : want, this)
  }

  onFill(_makerOrderId: number, makerOwner: Owner, makerSide: Side, takerOwner: Owner, price: number, quantity: number): void {
    const maker = makerOwner === STRATEGY
    if (!maker && takerOwner !== STRATEGY) return
    // +1: the strategy bought (its bid was hit, or it lifted an ask)
    const side = maker ? (makerSide === BID ? 1 : -1) : makerSide === BID ? -1 : 1
    const px = price * this.scenario.tick
    const notional = px * quantity
    this.spreadCapture += side * (this.mid - px) * quantity
    if (maker) {
      if (this.makerRate >= 0) this.makerFee += this.makerRate * notional
      else this.rebate -= this.makerRate * notional
    } else {
      this.takerFee += this.takerRate * notional
    }
    this.executed += side * quantity
    const kind = maker ? this.kind : AGGRESSIVE
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i]!.onStrategyFill(this.t, side, px, quantity, kind, this.mid)
  }
}

/**
 * The exchange as the kernel's fill model: the strategy's market order (target − inventory)
 * and quote plan go to the book, the step's flow arrives, and `trade` becomes what executed.
 * Fees are costs (maker fee, taker fee; never negative), spread capture and rebates are P&L.
 */
export function microstructureExecution(_config: MicrostructureConfig): ExecutionModel<StepContext<MicrostructureConfig, MicrostructureMarket, MicrostructureAction>> {
  return {
    name: 'limit order book: post-only quotes, market orders, informed and uninformed flow, maker/taker fees',
    kind: 'fill',
    components: COST_COMPONENTS,
    bookedPnl: BOOKED_PNL,
    execute(trade, context, cost, pnl) {
      const r = context.market.exchange.execute(context.t, trade[0]!)
      trade[0] = r.executed[0]!
      cost[0] = r.cost.components.maker_fee
      cost[1] = r.cost.components.taker_fee
      pnl[0] = r.pnl.spread_capture
      pnl[1] = r.pnl.rebate
      return r.cost.total
    }
  }
}
