import { ASK, BACKGROUND, BID, STRATEGY, type Owner, type Side } from './order-book-api'

/**
 * Test-only reference model: an array of order objects, re-sorted on every question. Slow and
 * obviously correct, it is the specification the property tests hold OrderBook to.
 */
export interface RefOrder {
  id: number
  seq: number
  owner: Owner
  side: Side
  price: number
  qty: number
  /** Placed by setDepth (its id is never handed out). */
  depth: boolean
}

export interface RefFill {
  maker: number
  makerOwner: Owner
  makerSide: Side
  takerOwner: Owner
  price: number
  qty: number
}

export class ReferenceBook {
  orders: RefOrder[] = []
  events = 0
  private seq = 0
  private nextId = 0

  /** Orders of a side in priority order: better price first, then earlier. */
  queue(side: Side): RefOrder[] {
    return this.orders
      .filter((o) => o.side === side)
      .sort((a, b) => (side === BID ? b.price - a.price : a.price - b.price) || a.seq - b.seq)
  }

  bestBid(): number {
    return this.queue(BID)[0]?.price ?? NaN
  }

  bestAsk(): number {
    return this.queue(ASK)[0]?.price ?? NaN
  }

  depthAt(side: Side, price: number): number {
    return this.orders.filter((o) => o.side === side && o.price === price).reduce((s, o) => s + o.qty, 0)
  }

  /** Depth of the best `n` distinct prices of a side. */
  topDepth(side: Side, n: number): number {
    const prices = [...new Set(this.queue(side).map((o) => o.price))].slice(0, n)
    return prices.reduce((s, p) => s + this.depthAt(side, p), 0)
  }

  find(id: number): RefOrder | undefined {
    return this.orders.find((o) => o.id === id)
  }

  queueAhead(id: number): number {
    const me = this.find(id)
    if (me === undefined) return NaN
    return this.orders.filter((o) => o.side === me.side && o.price === me.price && o.seq < me.seq).reduce((s, o) => s + o.qty, 0)
  }

  limit(owner: Owner, side: Side, price: number, qty: number, fills: RefFill[]): number {
    this.events++
    const rem = this.take(owner, side, price, qty, fills)
    if (rem === 0) return -1
    return this.add(owner, side, price, rem, false)
  }

  market(owner: Owner, side: Side, qty: number, fills: RefFill[]): number {
    this.events++
    return qty - this.take(owner, side, side === BID ? Infinity : -Infinity, qty, fills)
  }

  cancel(id: number): number {
    this.events++
    const o = this.find(id)
    if (o === undefined) return 0
    this.orders = this.orders.filter((x) => x !== o)
    return o.qty
  }

  /** Whether new levels at `best` would cross a strategy order on the other side. */
  depthCrosses(side: Side, best: number, qs: number[]): boolean {
    return qs.length > 0 && this.orders.some((o) => o.owner === STRATEGY && o.side !== side && (side === BID ? o.price <= best : o.price >= best))
  }

  /** Throws when a level would cross a strategy order on the other side (as OrderBook does). */
  setDepth(side: Side, best: number, qs: number[]): void {
    const crosses = (p: number, o: RefOrder): boolean => o.side !== side && (side === BID ? o.price <= p : o.price >= p)
    if (this.depthCrosses(side, best, qs)) throw new RangeError('crossed')
    this.orders = this.orders.filter((o) => {
      if (o.owner !== BACKGROUND) return true
      if (o.side === side) return false
      return !(qs.length > 0 && crosses(best, o))
    })
    qs.forEach((q, k) => this.add(BACKGROUND, side, side === BID ? best - k : best + k, q, true))
    this.events += qs.length
  }

  private add(owner: Owner, side: Side, price: number, qty: number, depth: boolean): number {
    const id = this.nextId++
    this.orders.push({ id, seq: this.seq++, owner, side, price, qty, depth })
    return id
  }

  private take(owner: Owner, side: Side, limit: number, qty: number, fills: RefFill[]): number {
    let rem = qty
    for (const o of this.queue(side === BID ? ASK : BID)) {
      if (rem === 0 || (side === BID ? o.price > limit : o.price < limit)) break
      const f = Math.min(rem, o.qty)
      rem -= f
      o.qty -= f
      fills.push({ maker: o.depth ? -1 : o.id, makerOwner: o.owner, makerSide: o.side, takerOwner: owner, price: o.price, qty: f })
    }
    this.orders = this.orders.filter((o) => o.qty > 0)
    return rem
  }
}
