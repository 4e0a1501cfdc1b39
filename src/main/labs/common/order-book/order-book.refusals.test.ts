import { describe, expect, it } from 'vitest'
import { OrderBook } from './order-book'
import { ASK, BID, STRATEGY, type Owner, type Side } from './order-book-api'

/** Everything a refused call must leave as it was. */
function snapshot(book: OrderBook, ids: number[], from = 90, to = 115): unknown {
  const depths: number[] = []
  for (let p = from; p <= to; p++) depths.push(book.depthAt(BID, p), book.depthAt(ASK, p))
  return {
    bid: book.bestBid(),
    ask: book.bestAsk(),
    events: book.events,
    depths,
    remaining: ids.map((id) => book.remaining(id)),
    ahead: ids.map((id) => book.queueAhead(id))
  }
}

describe('OrderBook refuses bad input before changing anything', () => {
  /** A book with strategy orders on both sides, so that crossing checks have something to hit. */
  function setup(): { book: OrderBook; ids: number[] } {
    const book = new OrderBook({ minPrice: 0, maxPrice: 1000, maxOrders: 64 })
    book.setDepth(BID, 100, [5, 4, 3])
    book.setDepth(ASK, 103, [2, 2, 2])
    const ids = [book.limit(STRATEGY, BID, 101, 1), book.limit(STRATEGY, ASK, 104, 1), book.limit(STRATEGY, ASK, 103, 1)]
    return { book, ids }
  }

  const cases: [string, (book: OrderBook) => unknown, RegExp][] = [
    ['zero limit quantity', (b) => b.limit(STRATEGY, BID, 100, 0), /^limit: quantity must be a finite number > 0 \(got 0\)$/],
    ['negative limit quantity', (b) => b.limit(STRATEGY, BID, 100, -2), /limit: quantity .*\(got -2\)/],
    ['NaN limit quantity', (b) => b.limit(STRATEGY, BID, 100, NaN), /limit: quantity .*\(got NaN\)/],
    ['infinite limit quantity', (b) => b.limit(STRATEGY, ASK, 110, Infinity), /limit: quantity .*\(got Infinity\)/],
    ['string limit quantity', (b) => b.limit(STRATEGY, ASK, 110, '3' as unknown as number), /limit: quantity .*\(got 3\)/],
    ['fractional price', (b) => b.limit(STRATEGY, BID, 100.5, 1), /limit: price must be an integer number of ticks \(got 100.5\)/],
    ['NaN price', (b) => b.limit(STRATEGY, BID, NaN, 1), /limit: price must be an integer .*\(got NaN\)/],
    ['price below minPrice', (b) => b.limit(STRATEGY, BID, -1, 1), /limit: price -1 is outside \[minPrice 0, maxPrice 1000\]/],
    ['price above maxPrice', (b) => b.limit(STRATEGY, ASK, 1001, 1), /limit: price 1001 is outside/],
    ['unknown side', (b) => b.limit(STRATEGY, 2 as Side, 100, 1), /limit: side must be BID \(0\) or ASK \(1\) \(got 2\)/],
    ['unknown owner', (b) => b.limit(3 as Owner, BID, 100, 1), /limit: owner must be BACKGROUND \(0\) or STRATEGY \(1\) \(got 3\)/],
    ['zero market quantity', (b) => b.market(STRATEGY, BID, 0), /market: quantity .*\(got 0\)/],
    ['NaN market quantity', (b) => b.market(STRATEGY, ASK, NaN), /market: quantity .*\(got NaN\)/],
    ['market side', (b) => b.market(STRATEGY, -1 as Side, 1), /market: side .*\(got -1\)/],
    ['market owner', (b) => b.market(2 as Owner, BID, 1), /market: owner .*\(got 2\)/],
    ['setDepth zero quantity', (b) => b.setDepth(BID, 100, [1, 2, 3, 0]), /^setDepth: quantity at level 3 must be a finite number > 0 \(got 0\)$/],
    ['setDepth negative quantity', (b) => b.setDepth(ASK, 103, [-1]), /setDepth: quantity at level 0 .*\(got -1\)/],
    ['setDepth NaN quantity', (b) => b.setDepth(ASK, 103, new Float64Array([1, NaN])), /setDepth: quantity at level 1 .*\(got NaN\)/],
    ['setDepth infinite quantity', (b) => b.setDepth(BID, 100, [Infinity]), /setDepth: quantity at level 0 .*\(got Infinity\)/],
    ['setDepth side', (b) => b.setDepth(5 as Side, 100, [1]), /setDepth: side .*\(got 5\)/],
    ['setDepth fractional price', (b) => b.setDepth(BID, 99.5, [1]), /setDepth: price must be an integer .*\(got 99.5\)/],
    ['setDepth level below minPrice', (b) => b.setDepth(BID, 2, [1, 1, 1, 1, 1]), /setDepth: level 4 price -2 is outside \[minPrice 0, maxPrice 1000\]/],
    ['setDepth level above maxPrice', (b) => b.setDepth(ASK, 999, [1, 1, 1]), /setDepth: level 2 price 1001 is outside/],
    ['setDepth bid crossing a strategy ask', (b) => b.setDepth(BID, 103, [1]), /setDepth: bid level 0 at 103 would cross the best strategy ask at 103/],
    ['setDepth bid far through strategy asks', (b) => b.setDepth(BID, 200, [1]), /setDepth: bid level 0 at 200 would cross the best strategy ask at 103/],
    ['setDepth ask crossing a strategy bid', (b) => b.setDepth(ASK, 101, [1, 1]), /setDepth: ask level 0 at 101 would cross the best strategy bid at 101/],
    ['setDepth not array-like', (b) => b.setDepth(BID, 100, 7 as unknown as number[]), /setDepth: quantities must be an array-like/],
    ['depthImbalance levels', (b) => b.depthImbalance(0), /depthImbalance: levels must be an integer ≥ 1 \(got 0\)/],
    ['depthAt side', (b) => b.depthAt(7 as Side, 100), /depthAt: side .*\(got 7\)/]
  ]

  it.each(cases)('%s', (_name, call, message) => {
    const { book, ids } = setup()
    const before = snapshot(book, ids)
    expect(() => call(book)).toThrow(RangeError)
    expect(() => call(book)).toThrow(message)
    expect(snapshot(book, ids)).toEqual(before)
  })

  it('accepts a bid level just below the strategy ask, removing crossed background asks only', () => {
    const { book, ids } = setup()
    book.setDepth(BID, 102, [1])
    expect([book.bestBid(), book.bestAsk(), book.depthAt(ASK, 103), book.remaining(ids[2]!)]).toEqual([102, 103, 3, 1])
  })

  it('refuses a resting order when the pool is full, but lets a crossing one trade', () => {
    const book = new OrderBook({ maxOrders: 2 })
    const ids = [book.limit(STRATEGY, BID, 100, 1), book.limit(STRATEGY, ASK, 105, 3)]
    const before = snapshot(book, ids)
    expect(() => book.limit(STRATEGY, BID, 99, 1)).toThrow(/limit: the order pool is full \(maxOrders 2\)/)
    expect(() => book.setDepth(BID, 99, [1])).toThrow(/setDepth: 1 levels need 1 order slots but only 0 are free/)
    expect(snapshot(book, ids)).toEqual(before)
    const rest = book.limit(STRATEGY, BID, 105, 5)
    expect([book.remaining(rest), book.bestBid(), book.bestAsk()]).toEqual([2, 105, NaN])
  })

  it('refuses a price that would spread the book past maxWindowTicks, unless it never rests', () => {
    const book = new OrderBook({ windowTicks: 64, maxWindowTicks: 128 })
    const ids = [book.limit(STRATEGY, BID, 100, 1), book.limit(STRATEGY, ASK, 110, 2)]
    const before = snapshot(book, ids)
    expect(() => book.limit(STRATEGY, BID, -100, 1)).toThrow(/limit: resting at -100 would spread the book over 211 ticks, more than maxWindowTicks 128/)
    expect(() => book.setDepth(ASK, 300, [1])).toThrow(/setDepth: levels 300…300 .* over 201 ticks/)
    expect(snapshot(book, ids)).toEqual(before)
    expect(book.limit(STRATEGY, BID, 1000, 2)).toBe(-1)
    const far = book.limit(STRATEGY, ASK, 180, 1)
    expect([book.bestAsk(), book.remaining(far)]).toEqual([180, 1])
    book.setDepth(BID, 170, [1])
    expect([book.bestBid(), book.bestAsk(), book.depthAt(BID, 100)]).toEqual([170, 180, 1])
  })
})
