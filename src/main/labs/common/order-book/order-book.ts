import { checkDepthQuantities, checkOwner, checkPrice, checkQuantity, checkSide } from './book-checks'
import { BookCore, opposite } from './book-core'
import { ASK, BACKGROUND, BID, type FillSink, type OrderBookApi, type Owner, type Side } from './order-book-api'

export type { OrderBookOptions } from './book-core'

/**
 * A price-time priority limit order book over typed arrays (see order-pool.ts and
 * price-ladder.ts). Quantities are summed in float64: depths and fills are exact for integer
 * (or other binary-exact) lot sizes. A FillSink must not change the book from its callback.
 */
export class OrderBook extends BookCore implements OrderBookApi {
  get events(): number {
    return this.eventCount
  }

  bestBid(): number {
    return this.ladder.levels[BID] === 0 ? NaN : this.best[BID]!
  }

  bestAsk(): number {
    return this.ladder.levels[ASK] === 0 ? NaN : this.best[ASK]!
  }

  mid(): number {
    return (this.bestBid() + this.bestAsk()) / 2
  }

  spread(): number {
    return this.bestAsk() - this.bestBid()
  }

  weightedMid(): number {
    const bid = this.bestBid()
    const ask = this.bestAsk()
    if (Number.isNaN(bid) || Number.isNaN(ask)) return NaN
    const bidQty = this.ladder.qty[this.ladder.index(BID, bid)]!
    const askQty = this.ladder.qty[this.ladder.index(ASK, ask)]!
    return (bid * askQty + ask * bidQty) / (bidQty + askQty)
  }

  depthImbalance(levels: number): number {
    if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`depthImbalance: levels must be an integer ≥ 1 (got ${levels})`)
    const bid = this.topDepth(BID, levels)
    const ask = this.topDepth(ASK, levels)
    return bid + ask === 0 ? 0 : (bid - ask) / (bid + ask)
  }

  depthAt(side: Side, price: number): number {
    checkSide('depthAt', side)
    if (!Number.isInteger(price) || !this.ladder.inWindow(price)) return 0
    return this.ladder.qty[this.ladder.index(side, price)]!
  }

  remaining(orderId: number): number {
    const o = this.pool.slotOf(orderId)
    return o < 0 ? 0 : this.pool.qty[o]!
  }

  /** Quantity queued ahead of the order at its price; NaN when the order is not resting. */
  queueAhead(orderId: number): number {
    const P = this.pool
    const o = P.slotOf(orderId)
    if (o < 0) return NaN
    let ahead = 0
    for (let p = P.prev[o]!; p !== -1; p = P.prev[p]!) ahead += P.qty[p]!
    return ahead
  }

  limit(owner: Owner, side: Side, price: number, quantity: number, sink?: FillSink): number {
    this.enter()
    checkOwner('limit', owner)
    checkSide('limit', side)
    checkPrice('limit', price, this.minPrice, this.maxPrice)
    checkQuantity('limit', quantity)
    const crosses = this.crosses(side, price)
    // Any fill either frees the maker's slot or fills the whole order, so only a resting order needs a free slot.
    if (this.pool.available === 0 && !crosses) {
      throw new RangeError(`limit: the order pool is full (maxOrders ${this.pool.capacity})`)
    }
    if (!this.ladder.inWindow(price)) this.checkRestSpan(side, price, quantity)
    this.eventCount++
    const rem = crosses ? this.match(owner, side, price, quantity, sink) : quantity
    return rem > 0 ? this.rest(owner, side, price, rem) : -1
  }

  market(owner: Owner, side: Side, quantity: number, sink?: FillSink): number {
    this.enter()
    checkOwner('market', owner)
    checkSide('market', side)
    checkQuantity('market', quantity)
    this.eventCount++
    return quantity - this.match(owner, side, side === BID ? Infinity : -Infinity, quantity, sink)
  }

  cancel(orderId: number): number {
    this.enter()
    this.eventCount++
    const P = this.pool
    const o = P.slotOf(orderId)
    if (o < 0) return 0
    const qty = P.qty[o]!
    const side = P.side[o] as Side
    const price = P.price[o]!
    this.detach(o)
    if (price === this.best[side] && this.ladder.head[this.ladder.index(side, price)] === -1) this.refreshBest(side, price)
    return qty
  }

  setDepth(side: Side, bestPrice: number, quantities: ArrayLike<number>): void {
    this.enter()
    checkSide('setDepth', side)
    checkPrice('setDepth', bestPrice, this.minPrice, this.maxPrice)
    checkDepthQuantities(quantities)
    const n = quantities.length
    const step = side === BID ? -1 : 1
    const last = bestPrice + step * (n - 1)
    if (n > 1 && (last < this.minPrice || last > this.maxPrice)) {
      throw new RangeError(`setDepth: level ${n - 1} price ${last} is outside [minPrice ${this.minPrice}, maxPrice ${this.maxPrice}]`)
    }
    // An empty range when n = 0: every background order of the side goes.
    const lo = n === 0 ? Infinity : Math.min(bestPrice, last)
    const hi = n === 0 ? -Infinity : Math.max(bestPrice, last)
    if (n > 0) this.checkDepthCross(side, bestPrice)
    const slots = this.pool.available + this.bgCount[side]!
    if (n > slots) throw new RangeError(`setDepth: ${n} levels need ${n} order slots but only ${slots} are free (maxOrders ${this.pool.capacity})`)
    const L = this.ladder
    if (n > 0 && !(L.inWindow(lo) && L.inWindow(hi))) this.checkDepthSpan(side, lo, hi)

    this.dropBackground(side, lo, hi)
    if (n === 0) return
    this.clearCrossed(side, bestPrice)
    L.ensure(lo, hi)
    const P = this.pool
    for (let k = 0; k < n; k++) {
      const price = bestPrice + step * k
      const q = quantities[k]!
      const idx = L.index(side, price)
      const t = L.tail[idx]!
      if (t !== -1 && P.owner[t] === BACKGROUND) {
        // dropBackground left one background order here, at the tail: replace it in place.
        L.qty[idx] = L.head[idx] === t ? q : L.qty[idx]! + (q - P.qty[t]!)
        P.qty[t] = q
        P.renew(t)
      } else {
        this.rest(BACKGROUND, side, price, q)
      }
    }
    this.eventCount += n
  }

  /** Removes background orders of `side` outside [lo, hi], and inside it all but one at a level's tail. */
  private dropBackground(side: Side, lo: number, hi: number): void {
    const L = this.ladder
    const P = this.pool
    const hadLevels = L.levels[side] !== 0
    const oldBest = this.best[side]!
    for (let o = this.bgHead[side]!; o !== -1; ) {
      const next = P.bgNext[o]!
      const price = P.price[o]!
      const idx = L.index(side, price)
      if (price < lo || price > hi || L.tail[idx] !== o) this.detach(o)
      o = next
    }
    if (hadLevels) this.refreshBest(side, oldBest)
  }

  /** Removes opposite background orders that the new levels of `side` (best `price`) would cross. */
  private clearCrossed(side: Side, price: number): void {
    if (!this.crosses(side, price)) return
    const L = this.ladder
    const P = this.pool
    const m = opposite(side)
    const oldBest = this.best[m]!
    for (let p = oldBest; !Number.isNaN(p); p = m === ASK ? L.scanUp(ASK, p + 1, price) : L.scanDown(BID, p - 1, price)) {
      for (let o = L.head[L.index(m, p)]!; o !== -1; ) {
        const next = P.next[o]!
        if (P.owner[o] === BACKGROUND) this.detach(o)
        o = next
      }
    }
    this.refreshBest(m, oldBest)
  }

  /** Refuses new levels that would cross a strategy order of the other side. */
  private checkDepthCross(side: Side, price: number): void {
    if (!this.crosses(side, price)) return
    const L = this.ladder
    const m = opposite(side)
    for (let p = this.best[m]!; !Number.isNaN(p); p = m === ASK ? L.scanUp(ASK, p + 1, price) : L.scanDown(BID, p - 1, price)) {
      if (L.strat[L.index(m, p)]! > 0) {
        throw new RangeError(`setDepth: ${side === BID ? 'bid' : 'ask'} level 0 at ${price} would cross the best strategy ${side === BID ? 'ask' : 'bid'} at ${p}`)
      }
    }
  }

  /** Refuses new levels that, with the orders that stay, would spread the book beyond the largest window. */
  private checkDepthSpan(side: Side, lo: number, hi: number): void {
    const L = this.ladder
    let a = lo
    let b = hi
    // Strategy orders of `side` stay; its background orders go.
    for (let p = L.lowest(side); !Number.isNaN(p); p = L.scanUp(side, p + 1, L.lo + L.width - 1)) {
      if (L.strat[L.index(side, p)]! > 0) {
        a = Math.min(a, p)
        b = Math.max(b, p)
      }
    }
    // Opposite orders within the new levels are background and go (checkDepthCross ran).
    if (L.levels[opposite(side)] !== 0) {
      if (side === BID && L.highest(ASK) > hi) b = Math.max(b, L.highest(ASK))
      if (side === ASK && L.lowest(BID) < lo) a = Math.min(a, L.lowest(BID))
    }
    if (b - a + 1 > L.maxWidth) {
      throw new RangeError(`setDepth: levels ${lo}…${hi} with the strategy orders that stay would spread the book over ${b - a + 1} ticks, more than maxWindowTicks ${L.maxWidth}`)
    }
  }
}
