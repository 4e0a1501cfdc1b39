import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OrderBook } from './order-book'
import { ASK, BACKGROUND, BID, type FillSink, type Owner, type Side } from './order-book-api'
import { ReferenceBook, type RefFill } from './reference-book'

type Op =
  | { kind: 'limit'; owner: Owner; side: Side; off: number; qty: number }
  | { kind: 'market'; owner: Owner; side: Side; qty: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'depth'; side: Side; off: number; qs: number[] }
  | { kind: 'drift'; by: number }

const owner = fc.integer({ min: 0, max: 1 }).map((x) => x as Owner)
const side = fc.integer({ min: 0, max: 1 }).map((x) => x as Side)
// Quarter lots: fractional, yet every sum stays exact in float64.
const qty = fc.integer({ min: 1, max: 36 }).map((x) => x / 4)

function ops(withDepth: boolean, maxDrift: number): fc.Arbitrary<Op> {
  const base: fc.WeightedArbitrary<Op>[] = [
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('limit' as const), owner, side, off: fc.integer({ min: -6, max: 6 }), qty }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('market' as const), owner, side, qty: fc.integer({ min: 1, max: 80 }).map((x) => x / 4) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) }
  ]
  if (withDepth) {
    base.push(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('depth' as const), side, off: fc.integer({ min: -5, max: 5 }), qs: fc.array(qty, { maxLength: 6 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('drift' as const), by: fc.integer({ min: -maxDrift, max: maxDrift }) }) }
    )
  }
  return fc.oneof(...base)
}

/** Runs each operation on OrderBook and on the reference model and compares everything observable. */
class Harness {
  readonly book: OrderBook
  readonly model = new ReferenceBook()
  private readonly toModel = new Map<number, number>()
  private readonly toBook = new Map<number, number>()
  private readonly issued: number[] = []
  private centre = 1000

  constructor(private readonly capacity: number, windowTicks = 64) {
    this.book = new OrderBook({ maxOrders: capacity, windowTicks })
  }

  apply(op: Op): void {
    const { book, model } = this
    const got: RefFill[] = []
    const want: RefFill[] = []
    const sink: FillSink = {
      onFill: (maker, makerOwner, makerSide, takerOwner, price, q) => {
        got.push({ maker: this.toModel.get(maker) ?? -1, makerOwner, makerSide, takerOwner, price, qty: q })
      }
    }
    if (op.kind === 'drift') this.centre += op.by
    else if (op.kind === 'limit') {
      const price = this.centre + op.off
      if (model.orders.length >= this.capacity && !this.modelCrosses(op.side, price)) {
        expect(() => book.limit(op.owner, op.side, price, op.qty, sink)).toThrow(/pool is full/)
      } else {
        const id = book.limit(op.owner, op.side, price, op.qty, sink)
        const mid = model.limit(op.owner, op.side, price, op.qty, want)
        expect(id === -1).toBe(mid === -1)
        if (id !== -1) {
          this.toModel.set(id, mid)
          this.toBook.set(mid, id)
          this.issued.push(id)
        }
      }
    } else if (op.kind === 'market') {
      expect(book.market(op.owner, op.side, op.qty, sink)).toBe(model.market(op.owner, op.side, op.qty, want))
    } else if (op.kind === 'cancel') {
      const id = this.issued.length === 0 ? 2 ** 40 + op.pick : this.issued[op.pick % this.issued.length]!
      expect(book.cancel(id)).toBe(model.cancel(this.toModel.get(id) ?? -1))
    } else {
      const best = this.centre + op.off + (op.side === BID ? -1 : 1)
      const free = this.capacity - model.orders.length + model.orders.filter((o) => o.owner === BACKGROUND && o.side === op.side).length
      // The book must refuse for the model's reason, in the book's order: a level that would
      // cross a resting strategy order, then too few free slots.
      const refusal = model.depthCrosses(op.side, best, op.qs)
        ? /^setDepth: (bid|ask) level 0 at -?\d+ would cross the best strategy (ask|bid) at -?\d+$/
        : op.qs.length > free
          ? /^setDepth: \d+ levels need \d+ order slots but only \d+ are free/
          : null
      if (refusal) expect(() => book.setDepth(op.side, best, op.qs)).toThrow(refusal)
      else {
        model.setDepth(op.side, best, op.qs)
        book.setDepth(op.side, best, op.qs)
      }
    }
    expect(got).toEqual(want)
    this.check()
  }

  /** Everything observable, from the book and from the model, compared in one go (expect is slow). */
  check(): void {
    const { book, model } = this
    const got: number[] = [book.bestBid(), book.bestAsk(), book.events]
    const want: number[] = [model.bestBid(), model.bestAsk(), model.events]
    const prices = new Set<number>()
    for (let p = this.centre - 12; p <= this.centre + 12; p++) prices.add(p)
    for (const o of model.orders) {
      prices.add(o.price)
      if (o.depth) continue
      const id = this.toBook.get(o.id)!
      got.push(book.remaining(id), book.queueAhead(id))
      want.push(o.qty, model.queueAhead(o.id))
    }
    for (const p of prices) {
      got.push(book.depthAt(BID, p), book.depthAt(ASK, p))
      want.push(model.depthAt(BID, p), model.depthAt(ASK, p))
    }
    for (const n of [1, 3]) {
      const b = model.topDepth(BID, n)
      const a = model.topDepth(ASK, n)
      got.push(book.depthImbalance(n))
      want.push(b + a === 0 ? 0 : (b - a) / (b + a))
    }
    for (const id of this.issued.slice(-8)) {
      if (model.find(this.toModel.get(id)!) !== undefined) continue
      got.push(book.remaining(id), book.queueAhead(id))
      want.push(0, NaN)
    }
    expect(got).toEqual(want)
  }

  /** Empties both sides with market orders: any liquidity the model lacks would show here. */
  sweep(): void {
    this.apply({ kind: 'market', owner: BACKGROUND, side: BID, qty: 1e6 })
    this.apply({ kind: 'market', owner: BACKGROUND, side: ASK, qty: 1e6 })
    expect([this.book.bestBid(), this.book.bestAsk()]).toEqual([NaN, NaN])
  }

  private modelCrosses(s: Side, price: number): boolean {
    const best = s === BID ? this.model.bestAsk() : this.model.bestBid()
    return s === BID ? best <= price : best >= price
  }
}

describe('OrderBook against the reference model', () => {
  it.each([
    ['a mid that wanders a few ticks', 4],
    ['a mid that jumps past the window', 60]
  ])('agrees on fills, best prices, depths and queues after every operation, with %s', (_name, drift) => {
    fc.assert(
      fc.property(fc.array(ops(true, drift), { maxLength: 150, size: 'max' }), (seq) => {
        const h = new Harness(1 << 12)
        for (const op of seq) h.apply(op)
        h.sweep()
      }),
      { numRuns: 250 }
    )
  })

  it('agrees with a small pool, where slots are reused all the time and the pool fills up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(ops(true, 3), { maxLength: 300, size: 'max' }), (capacity, seq) => {
        const h = new Harness(capacity)
        for (const op of seq) h.apply(op)
        h.sweep()
      }),
      { numRuns: 200 }
    )
  })

  it('agrees over thousands of add/cancel cycles in a pool of three', () => {
    const h = new Harness(3)
    let x = 12345
    const next = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0
      return (x >>> 8) % n
    }
    for (let i = 0; i < 8000; i++) {
      const r = next(10)
      if (r < 5) h.apply({ kind: 'limit', owner: next(2) as Owner, side: next(2) as Side, off: next(9) - 4, qty: 1 + next(4) })
      else if (r < 9) h.apply({ kind: 'cancel', pick: next(1 << 20) })
      else h.apply({ kind: 'market', owner: BACKGROUND, side: next(2) as Side, qty: 1 + next(3) })
    }
    h.sweep()
  })

  it('conserves quantity: added = resting + filled + cancelled', () => {
    fc.assert(
      fc.property(fc.array(ops(false, 0), { maxLength: 200, size: 'max' }), (seq) => {
        const book = new OrderBook({ windowTicks: 64 })
        let added = 0
        let filled = 0
        let cancelled = 0
        let inLimit = false
        const ids: number[] = []
        const sink: FillSink = {
          onFill: (_m, _mo, _ms, _to, _p, q) => {
            filled += inLimit ? 2 * q : q
          }
        }
        for (const op of seq) {
          if (op.kind === 'limit') {
            added += op.qty
            inLimit = true
            ids.push(book.limit(op.owner, op.side, 1000 + op.off, op.qty, sink))
            inLimit = false
          } else if (op.kind === 'market') book.market(op.owner, op.side, op.qty, sink)
          else if (op.kind === 'cancel' && ids.length > 0) cancelled += book.cancel(ids[op.pick % ids.length]!)
        }
        let resting = 0
        for (let p = 990; p <= 1010; p++) resting += book.depthAt(BID, p) + book.depthAt(ASK, p)
        expect(added).toBe(resting + filled + cancelled)
      }),
      { numRuns: 300 }
    )
  })
})
