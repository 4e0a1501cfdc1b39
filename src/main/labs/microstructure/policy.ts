import type { Decision, PolicyMemory } from '../../engine/kernel'
import type { MicrostructureConfig, StrategyType } from './config'
import type { Exchange } from './execution'
import type { ScenarioStream } from './market'
import { depthImbalance, touchWeightedMid } from './surface'

// The finite action set, what each action asks of the book, and the seed's four strategies as
// rule policies over one observation (seed README, "Strategies"). Every strategy is a policy of
// the same shape, so decision logs, agents and the UI treat them alike.

export const MICROSTRUCTURE_ACTIONS = ['HOLD', 'QUOTE', 'QUOTE_BID', 'QUOTE_ASK', 'BUY_MARKET', 'SELL_MARKET'] as const
export type MicrostructureAction = (typeof MICROSTRUCTURE_ACTIONS)[number]

/**
 * What a strategy sees at step t: the book right after its depth is set, its inventory, the
 * mid's recent return. One object per run, refilled every step (valid for the step it is given
 * to; copy to keep it). Right after the depth is set the book holds only the scenario's
 * background depth, so the weighted mid and the imbalance are read off the scenario, on demand
 * (equal to the book's own: tested).
 */
export class MicrostructureObservation {
  t = 0
  /** The strategy block of the config: type and parameters. */
  readonly strategy: MicrostructureConfig['strategy']
  /** Reference price (the scenario's mid) and the tick size, in currency. */
  mid = 0
  readonly tick: number
  /** Book state in ticks. */
  bestBid = 0
  bestAsk = 0
  spreadTicks = 0
  inventory = 0
  /** ln(mid(t)/mid(t − window))·1e4; NaN until a full window exists. */
  momentumBps = Number.NaN

  constructor(
    config: MicrostructureConfig,
    private readonly scenario: ScenarioStream
  ) {
    this.strategy = config.strategy
    this.tick = config.scenario.tick_size
  }

  /** Microprice over the top level, in ticks. */
  get weightedMid(): number {
    return touchWeightedMid(this.scenario, this.t, this.bestBid, this.bestAsk)
  }

  /** (bid − ask)/(bid + ask) depth over the book's levels. */
  get imbalance(): number {
    return depthImbalance(this.scenario, this.t)
  }

  toJSON() {
    const { t, mid, tick, bestBid, bestAsk, spreadTicks, weightedMid, imbalance, inventory, momentumBps } = this
    return { t, strategy: this.strategy.type, mid, tick, bestBid, bestAsk, spreadTicks, weightedMid, imbalance, inventory, momentumBps }
  }
}

const decide = (action: MicrostructureAction, rationale: string): Decision<MicrostructureAction> => Object.freeze({ action, rationale, source: 'BASELINE' as const })

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
function inventorySkewMM(o: MicrostructureObservation): Decision<MicrostructureAction> {
  if (o.inventory >= o.strategy.max_inventory) return D.mmAskOnly
  if (o.inventory <= -o.strategy.max_inventory) return D.mmBidOnly
  return D.mmQuote
}

/** TWAPStrategy: equal child market orders of target/total_steps until the target is held. */
function twap(o: MicrostructureObservation): Decision<MicrostructureAction> {
  const remaining = o.strategy.target_inventory - o.inventory
  if (Math.abs(remaining) <= 1e-9 * Math.max(1, Math.abs(o.strategy.target_inventory))) return D.twapDone
  return remaining > 0 ? D.twapBuy : D.twapSell
}

/** MomentumStrategy: a rolling-window log return beyond ±threshold_bps sends a market order. */
function momentum(o: MicrostructureObservation): Decision<MicrostructureAction> {
  const p = o.strategy
  if (Number.isNaN(o.momentumBps)) return D.momWarmup
  if (o.momentumBps > p.threshold_bps) return o.inventory + p.order_qty <= p.max_position ? D.momBuy : D.momCapped
  if (o.momentumBps < -p.threshold_bps) return o.inventory - p.order_qty >= -p.max_position ? D.momSell : D.momCapped
  return D.momFlat
}

const STRATEGIES: Readonly<Record<StrategyType, (o: MicrostructureObservation) => Decision<MicrostructureAction>>> = {
  InventorySkewMM: inventorySkewMM,
  TWAP: twap,
  Momentum: momentum,
  DoNothing: () => D.control
}

/** The baseline policy: the strategy named by `strategy.type`. */
export function baselinePolicy(o: MicrostructureObservation, _memory: PolicyMemory<MicrostructureAction>): Decision<MicrostructureAction> {
  return STRATEGIES[o.strategy.type](o)
}

/** Size of a market order: TWAP's child (never past the target), else order_qty. */
export function marketQty(o: MicrostructureObservation): number {
  const p = o.strategy
  if (p.type === 'TWAP') return Math.min(Math.abs(p.target_inventory) / p.total_steps, Math.abs(p.target_inventory - o.inventory))
  return p.order_qty
}

/**
 * Quote prices in ticks, Avellaneda–Stoikov style with a linear inventory penalty:
 * reservation r = mid·(1 − inv_penalty_bps·1e-4·q), bid = ⌊r − h⌋, ask = ⌈r + h⌉, h = half_spread_bps of mid.
 * Post-only: a quote that would cross the book is moved to one tick inside it, so quotes always rest.
 */
export function quotePrices(o: MicrostructureObservation, out: { bidPx: number; askPx: number }): void {
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
 * action → orders: sets the exchange's quote plan for this step and writes the target inventory
 * (inventory + market order) into out[0]. Quoting actions leave the target at the inventory, so the
 * kernel's risk gate (position limit, forced flat) turns into a market order only when it intervenes.
 */
export function actionToOrders(action: MicrostructureAction, o: MicrostructureObservation, exchange: Exchange, position: number, out: Float64Array): void {
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
  out[0] = position + trade
}
