import type { Decision, PolicyMemory } from '../../engine/kernel'
import type { MicrostructureConfig, StrategyType } from './config'
import type { Exchange } from './fills'

// The finite action set, what each action asks of the book, and the seed's four strategies as
// rule policies over one observation (seed README, "Strategies"). Every strategy is a policy of
// the same shape, so decision logs, agents and the UI treat them alike.

export const ACTIONS = ['HOLD', 'QUOTE', 'QUOTE_BID', 'QUOTE_ASK', 'BUY_MARKET', 'SELL_MARKET'] as const
export type MicroAction = (typeof ACTIONS)[number]

/** What a strategy sees at step t: the book after depth is set, its inventory, the mid's recent return. */
export interface MicroObservation {
  t: number
  /** The strategy block of the config: type and parameters. */
  strategy: MicrostructureConfig['strategy']
  /** Reference price (the scenario's mid) and the tick size, in currency. */
  mid: number
  tick: number
  /** Book state in ticks. */
  bestBid: number
  bestAsk: number
  spreadTicks: number
  readonly weightedMid: number
  /** (bid − ask)/(bid + ask) depth over the book's levels. */
  readonly imbalance: number
  inventory: number
  /** ln(mid(t)/mid(t − window))·1e4; NaN until a full window exists. */
  momentumBps: number
}

const decide = (action: MicroAction, rationale: string): Decision<MicroAction> => Object.freeze({ action, rationale, source: 'BASELINE' as const })

// One frozen decision per branch: the kernel interns rationales, and no step allocates one.
const D = {
  mmQuote: decide('QUOTE', 'Quote both sides around the inventory-skewed reservation price.'),
  mmAskOnly: decide('QUOTE_ASK', 'Long inventory at its limit: quote only the ask to work it down.'),
  mmBidOnly: decide('QUOTE_BID', 'Short inventory at its limit: quote only the bid to work it up.'),
  twapBuy: decide('BUY_MARKET', 'TWAP: buy the next equal child order toward the target inventory.'),
  twapSell: decide('SELL_MARKET', 'TWAP: sell the next equal child order toward the target inventory.'),
  twapDone: decide('HOLD', 'TWAP: the target inventory is reached.'),
  momWarmup: decide('HOLD', 'Momentum: waiting for a full return window.'),
  momBuy: decide('BUY_MARKET', 'Momentum: the window return is above the threshold; buy at market.'),
  momSell: decide('SELL_MARKET', 'Momentum: the window return is below the negative threshold; sell at market.'),
  momCapped: decide('HOLD', 'Momentum: the signal agrees with the position, which is at its limit.'),
  momFlat: decide('HOLD', 'Momentum: the window return is inside the threshold band.'),
  control: decide('HOLD', 'Control baseline: never quotes or trades.')
} as const

/** InventorySkewMM: two-sided quotes; at the inventory limit only the side that reduces it. */
function inventorySkewMM(o: MicroObservation): Decision<MicroAction> {
  if (o.inventory >= o.strategy.max_inventory) return D.mmAskOnly
  if (o.inventory <= -o.strategy.max_inventory) return D.mmBidOnly
  return D.mmQuote
}

/** TWAPStrategy: equal child market orders of target/total_steps until the target is held. */
function twap(o: MicroObservation): Decision<MicroAction> {
  const remaining = o.strategy.target_inventory - o.inventory
  if (Math.abs(remaining) <= 1e-9 * Math.max(1, Math.abs(o.strategy.target_inventory))) return D.twapDone
  return remaining > 0 ? D.twapBuy : D.twapSell
}

/** MomentumStrategy: a rolling-window log return beyond ±threshold_bps sends a market order. */
function momentum(o: MicroObservation): Decision<MicroAction> {
  const p = o.strategy
  if (Number.isNaN(o.momentumBps)) return D.momWarmup
  if (o.momentumBps > p.threshold_bps) return o.inventory + p.order_qty <= p.max_position ? D.momBuy : D.momCapped
  if (o.momentumBps < -p.threshold_bps) return o.inventory - p.order_qty >= -p.max_position ? D.momSell : D.momCapped
  return D.momFlat
}

const STRATEGIES: Readonly<Record<StrategyType, (o: MicroObservation) => Decision<MicroAction>>> = {
  InventorySkewMM: inventorySkewMM,
  TWAP: twap,
  Momentum: momentum,
  DoNothing: () => D.control
}

/** The baseline policy: the strategy named by `strategy.type`. */
export function baselinePolicy(o: MicroObservation, _memory: PolicyMemory<MicroAction>): Decision<MicroAction> {
  return STRATEGIES[o.strategy.type](o)
}

/** Size of a market order: TWAP's child (never past the target), else order_qty. */
export function marketQty(o: MicroObservation): number {
  const p = o.strategy
  if (p.type === 'TWAP') return Math.min(Math.abs(p.target_inventory) / p.total_steps, Math.abs(p.target_inventory - o.inventory))
  return p.order_qty
}

/**
 * Quote prices in ticks, Avellaneda–Stoikov style with a linear inventory penalty:
 * reservation r = mid·(1 − inv_penalty_bps·1e-4·q), bid = ⌊r − h⌋, ask = ⌈r + h⌉, h = half_spread_bps of mid.
 * Post-only: a quote that would cross the book is moved to one tick inside it, so quotes always rest.
 */
export function quotePrices(o: MicroObservation, out: { bidPx: number; askPx: number }): void {
  const p = o.strategy
  const midTicks = o.mid / o.tick
  const reservation = midTicks * (1 - p.inv_penalty_bps * 1e-4 * o.inventory)
  const half = p.half_spread_bps * 1e-4 * midTicks
  let bid = Math.floor(reservation - half)
  let ask = Math.ceil(reservation + half)
  if (bid >= o.bestAsk) bid = o.bestAsk - 1
  if (ask <= o.bestBid) ask = o.bestBid + 1
  if (ask <= bid) ask = bid + 1
  out.bidPx = Math.max(1, bid)
  out.askPx = ask
}

/**
 * action → orders: sets the exchange's quote plan for this step and returns the target inventory
 * (inventory + market order). Quoting actions leave the target at the inventory, so the kernel's
 * risk gate (position limit, forced flat) turns into a market order only when it intervenes.
 */
export function actionToOrders(action: MicroAction, o: MicroObservation, exchange: Exchange, position: number, target: Float64Array): Float64Array {
  exchange.bidQty = 0
  exchange.askQty = 0
  let trade = 0
  if (action === 'QUOTE' || action === 'QUOTE_BID' || action === 'QUOTE_ASK') {
    quotePrices(o, exchange)
    if (action !== 'QUOTE_ASK') exchange.bidQty = o.strategy.quote_qty
    if (action !== 'QUOTE_BID') exchange.askQty = o.strategy.quote_qty
  } else if (action === 'BUY_MARKET') {
    trade = marketQty(o)
  } else if (action === 'SELL_MARKET') {
    trade = -marketQty(o)
  }
  target[0] = position + trade
  return target
}
