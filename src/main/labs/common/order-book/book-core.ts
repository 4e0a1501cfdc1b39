import { checkOptions } from './book-checks'
import { ASK, BACKGROUND, BID, type FillSink, type Owner, type Side } from './order-book-api'
import { MAX_POOL_CAPACITY, OrderPool } from './order-pool'
import { PriceLadder } from './price-ladder'

export interface OrderBookOptions {
  /** Capacity of the resting-order pool, 1 … 2^21 (default 65 536). */
  maxOrders?: number
  /** Inclusive bounds on every price, in ticks, within ±2^30 (default ±2^30). */
  minPrice?: number
  maxPrice?: number
  /**
   * Initial width of the tick window that holds the levels (power of two ≥ 64, default 1024).
   * The window re-centres when a price falls outside it and doubles while the book's span
   * is more than half of it, up to `maxWindowTicks` (default 2^18): a price that would spread
   * the resting orders over more ticks than that is refused.
   */
  windowTicks?: number
  maxWindowTicks?: number
}

export const opposite = (side: Side): Side => (side === BID ? ASK : BID)

/** State and the primitives the public operations are built from (order-book.ts). */
export class BookCore {
  readonly minPrice: number
  readonly maxPrice: number
  protected readonly pool: OrderPool
  protected readonly ladder: PriceLadder
  /** Best price per side, valid while the side has levels. */
  protected readonly best = new Int32Array(2)
  protected readonly bgHead = new Int32Array([-1, -1])
  protected readonly bgCount = new Int32Array(2)
  protected eventCount = 0
  protected busy = false

  constructor(options: OrderBookOptions = {}) {
    const o = {
      maxOrders: options.maxOrders ?? 1 << 16,
      minPrice: options.minPrice ?? -(2 ** 30),
      maxPrice: options.maxPrice ?? 2 ** 30,
      windowTicks: options.windowTicks ?? 1 << 10,
      maxWindowTicks: options.maxWindowTicks ?? 1 << 18
    }
    if (options.windowTicks === undefined) o.windowTicks = Math.min(o.windowTicks, o.maxWindowTicks)
    checkOptions(o, MAX_POOL_CAPACITY)
    this.minPrice = o.minPrice
    this.maxPrice = o.maxPrice
    this.pool = new OrderPool(o.maxOrders)
    this.ladder = new PriceLadder(o.windowTicks, o.maxWindowTicks)
  }

  protected enter(): void {
    if (this.busy) throw new Error('OrderBook: a FillSink callback may not change the book')
  }

  protected crosses(side: Side, price: number): boolean {
    const m = opposite(side)
    if (this.ladder.levels[m] === 0) return false
    return side === BID ? this.best[m]! <= price : this.best[m]! >= price
  }

  /** Sum over the best `n` non-empty levels of `side`. */
  protected topDepth(side: Side, n: number): number {
    const L = this.ladder
    if (L.levels[side] === 0) return 0
    let sum = 0
    let p = this.best[side]!
    for (let k = 0; k < n && !Number.isNaN(p); k++) {
      sum += L.qty[L.index(side, p)]!
      p = side === BID ? L.scanDown(BID, p - 1, L.lo) : L.scanUp(ASK, p + 1, L.lo + L.width - 1)
    }
    return sum
  }

  /** Runs the walk, barring the sink from re-entering the book. Returns the unfilled quantity. */
  protected match(taker: Owner, side: Side, limit: number, quantity: number, sink: FillSink | undefined): number {
    if (sink === undefined) return this.walk(taker, side, limit, quantity, undefined)
    this.busy = true
    try {
      return this.walk(taker, side, limit, quantity, sink)
    } finally {
      this.busy = false
    }
  }

  /** Takes from the opposite side, best level first, FIFO within a level, while `limit` allows. */
  protected walk(taker: Owner, side: Side, limit: number, quantity: number, sink: FillSink | undefined): number {
    const L = this.ladder
    const P = this.pool
    const m = opposite(side)
    let rem = quantity
    while (rem > 0 && L.levels[m] !== 0) {
      const price = this.best[m]!
      if (side === BID ? price > limit : price < limit) break
      const idx = L.index(m, price)
      let o = L.head[idx]!
      if (o === -1) throw new Error(`OrderBook: internal error, best ${m === BID ? 'bid' : 'ask'} level ${price} is empty`)
      while (o !== -1 && rem > 0) {
        const q = P.qty[o]!
        const next = P.next[o]!
        const id = P.idOf(o)
        const maker = P.owner[o] as Owner
        let fill = rem
        if (q <= rem) {
          fill = q
          rem -= q
          this.detach(o)
          if (next === -1) this.refreshBest(m, price)
        } else {
          P.qty[o] = q - rem
          L.qty[idx]! -= rem
          rem = 0
        }
        // The book is consistent here, so a sink may read it.
        if (sink !== undefined) sink.onFill(id, maker, m, taker, price, fill)
        o = next
      }
    }
    return rem
  }

  /** Appends an order at the tail of its level. */
  protected rest(owner: Owner, side: Side, price: number, qty: number): number {
    const L = this.ladder
    const P = this.pool
    if (!L.inWindow(price)) L.ensure(price, price)
    const o = P.alloc()
    if (o < 0) throw new Error('OrderBook: internal error, the order pool ran out after its check')
    P.price[o] = price
    P.qty[o] = qty
    P.side[o] = side
    P.owner[o] = owner
    const idx = L.index(side, price)
    const t = L.tail[idx]!
    P.prev[o] = t
    P.next[o] = -1
    if (t === -1) {
      L.head[idx] = o
      L.occupy(side, idx)
      const best = this.best[side]!
      if (L.levels[side] === 1 || (side === BID ? price > best : price < best)) this.best[side] = price
    } else {
      P.next[t] = o
    }
    L.tail[idx] = o
    L.qty[idx]! += qty
    if (owner === BACKGROUND) {
      const h = this.bgHead[side]!
      P.bgPrev[o] = -1
      P.bgNext[o] = h
      if (h !== -1) P.bgPrev[h] = o
      this.bgHead[side] = o
      this.bgCount[side]!++
    } else {
      L.strat[idx]!++
    }
    return P.idOf(o)
  }

  /** Unlinks an order and frees its slot; leaves `best` to the caller. */
  protected detach(o: number): void {
    const L = this.ladder
    const P = this.pool
    const side = P.side[o] as Side
    const idx = L.index(side, P.price[o]!)
    const prev = P.prev[o]!
    const next = P.next[o]!
    if (prev === -1) L.head[idx] = next
    else P.next[prev] = next
    if (next === -1) L.tail[idx] = prev
    else P.prev[next] = prev
    if (P.owner[o] === BACKGROUND) {
      const bp = P.bgPrev[o]!
      const bn = P.bgNext[o]!
      if (bp === -1) this.bgHead[side] = bn
      else P.bgNext[bp] = bn
      if (bn !== -1) P.bgPrev[bn] = bp
      P.bgPrev[o] = -1
      P.bgNext[o] = -1
      this.bgCount[side]!--
    } else {
      L.strat[idx]!--
    }
    if (L.head[idx] === -1) L.vacate(side, idx)
    else L.qty[idx]! -= P.qty[o]!
    P.release(o)
  }

  /** Sets `best` to the first non-empty level at or behind `from` (all better levels are empty). */
  protected refreshBest(side: Side, from: number): void {
    const L = this.ladder
    if (L.levels[side] === 0) return
    this.best[side] = side === BID ? L.scanDown(BID, from, L.lo) : L.scanUp(ASK, from, L.lo + L.width - 1)
  }

  /** Refuses a resting price that would spread the book beyond the largest window. */
  protected checkRestSpan(side: Side, price: number, quantity: number): void {
    const L = this.ladder
    let lo = price
    let hi = price
    if (L.levels[side] !== 0) {
      lo = Math.min(lo, L.lowest(side))
      hi = Math.max(hi, L.highest(side))
    }
    // Opposite levels up to `price` will have traded away if any of the order rests.
    if (L.levels[opposite(side)] !== 0) {
      if (side === BID && L.highest(ASK) > price) hi = Math.max(hi, L.highest(ASK))
      if (side === ASK && L.lowest(BID) < price) lo = Math.min(lo, L.lowest(BID))
    }
    if (hi - lo + 1 <= L.maxWidth || this.fillable(side, price) >= quantity) return
    throw new RangeError(`limit: resting at ${price} would spread the book over ${hi - lo + 1} ticks, more than maxWindowTicks ${L.maxWidth}`)
  }

  /** Opposite quantity a limit order at `price` could take (read-only). */
  protected fillable(side: Side, price: number): number {
    const L = this.ladder
    const m = opposite(side)
    let sum = 0
    if (!this.crosses(side, price)) return sum
    for (let p = this.best[m]!; !Number.isNaN(p); p = m === ASK ? L.scanUp(ASK, p + 1, price) : L.scanDown(BID, p - 1, price)) {
      sum += L.qty[L.index(m, p)]!
    }
    return sum
  }
}
