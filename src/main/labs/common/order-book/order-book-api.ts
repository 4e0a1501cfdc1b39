/**
 * The limit order book's public shape, agreed before its implementation: prices are integer
 * ticks, quantities are numbers (lots), sides are 0 = bid (buy), 1 = ask (sell).
 * Orders rest in price-time priority. The implementation keeps resting orders in typed
 * arrays (a pooled free list), never one object per order.
 */
export const BID = 0
export const ASK = 1
export type Side = typeof BID | typeof ASK

/** Who owns an order: background liquidity (the scenario's generated depth) or the strategy. */
export const BACKGROUND = 0
export const STRATEGY = 1
export type Owner = typeof BACKGROUND | typeof STRATEGY

/** A fill, reported through the sink as it happens (no allocation per fill in the hot path). */
export interface FillSink {
  /**
   * `makerOrderId` is the resting order that traded; `makerSide` its side; `takerOwner` who
   * crossed. `price` is in ticks; `quantity` > 0.
   */
  onFill(makerOrderId: number, makerOwner: Owner, makerSide: Side, takerOwner: Owner, price: number, quantity: number): void
}

export interface OrderBookApi {
  /** Best bid / ask in ticks; NaN when that side is empty. */
  bestBid(): number
  bestAsk(): number
  /** (bestBid + bestAsk) / 2 in ticks; NaN when a side is empty. */
  mid(): number
  /** bestAsk − bestBid in ticks. */
  spread(): number
  /** Microprice: (bid·askQty + ask·bidQty) / (bidQty + askQty) over the top level. */
  weightedMid(): number
  /** (Σ bid qty − Σ ask qty) / (Σ bid qty + Σ ask qty) over the best `levels` levels of each side; 0 when empty. */
  depthImbalance(levels: number): number
  /** Total resting quantity at `price` on `side`. */
  depthAt(side: Side, price: number): number

  /**
   * Replaces all BACKGROUND liquidity on `side` with `quantities[k]` at price `bestPrice ∓ k`
   * ticks (bid: bestPrice − k, ask: bestPrice + k), k = 0…levels−1, each queued behind any
   * strategy orders already at that price. Quantities must be > 0 and finite.
   */
  setDepth(side: Side, bestPrice: number, quantities: ArrayLike<number>): void

  /**
   * A limit order: crosses (price-time priority) against the opposite side while its price
   * allows, then rests the remainder. Returns the resting order id, or −1 if fully filled.
   */
  limit(owner: Owner, side: Side, price: number, quantity: number, sink?: FillSink): number
  /** A market order: takes liquidity until filled or the book is empty; returns the filled quantity. */
  market(owner: Owner, side: Side, quantity: number, sink?: FillSink): number
  /** Cancels a resting order; returns the quantity that was still resting (0 if unknown or filled). */
  cancel(orderId: number): number
  /** Remaining quantity of a resting order (0 when gone). */
  remaining(orderId: number): number
  /** Position of a resting order in its price level's queue: quantity ahead of it. */
  queueAhead(orderId: number): number
  /** Events processed so far (limit, market, cancel, and each level set by setDepth). */
  readonly events: number
}
