import { describe, expect, it } from 'vitest'
import { bareBookLoop } from './bare-loop'
import { OrderBook } from './order-book'
import { ASK, BACKGROUND, BID, STRATEGY, type FillSink, type Owner, type Side } from './order-book-api'

interface Fill {
  maker: number
  makerOwner: Owner
  makerSide: Side
  takerOwner: Owner
  price: number
  qty: number
}

function recorder(): FillSink & { fills: Fill[] } {
  const fills: Fill[] = []
  return {
    fills,
    onFill(maker, makerOwner, makerSide, takerOwner, price, qty) {
      fills.push({ maker, makerOwner, makerSide, takerOwner, price, qty })
    }
  }
}

/** Bids 100×5, 99×3; asks 102×2, 103×7 (all background limits). */
function handMade(): OrderBook {
  const book = new OrderBook()
  book.limit(BACKGROUND, BID, 100, 5)
  book.limit(BACKGROUND, BID, 99, 3)
  book.limit(BACKGROUND, ASK, 102, 2)
  book.limit(BACKGROUND, ASK, 103, 7)
  return book
}

describe('OrderBook quotes', () => {
  it('reports best prices, mid, spread, microprice and imbalance of a hand-made book', () => {
    const book = handMade()
    expect(book.bestBid()).toBe(100)
    expect(book.bestAsk()).toBe(102)
    expect(book.mid()).toBe(101)
    expect(book.spread()).toBe(2)
    expect(book.weightedMid()).toBe((100 * 2 + 102 * 5) / 7)
    expect(book.depthImbalance(1)).toBe(3 / 7)
    expect(book.depthImbalance(2)).toBe((8 - 9) / 17)
    expect(book.depthImbalance(50)).toBe((8 - 9) / 17)
    expect([book.depthAt(BID, 100), book.depthAt(BID, 99), book.depthAt(BID, 101), book.depthAt(ASK, 103)]).toEqual([5, 3, 0, 7])
    expect(book.depthAt(BID, 99.5)).toBe(0)
    expect(book.depthAt(ASK, 1e9)).toBe(0)
  })

  it('answers NaN for prices and 0 for imbalance when sides are empty', () => {
    const book = new OrderBook()
    expect([book.bestBid(), book.bestAsk(), book.mid(), book.spread(), book.weightedMid()]).toEqual([NaN, NaN, NaN, NaN, NaN])
    expect(book.depthImbalance(3)).toBe(0)
    book.limit(BACKGROUND, BID, 10, 4)
    expect([book.bestBid(), book.mid(), book.weightedMid()]).toEqual([10, NaN, NaN])
    expect(book.depthImbalance(1)).toBe(1)
  })

  it('skips empty ticks when summing the best levels', () => {
    const book = new OrderBook()
    book.limit(BACKGROUND, BID, 100, 1)
    book.limit(BACKGROUND, BID, 90, 2)
    book.limit(BACKGROUND, BID, 80, 4)
    book.limit(BACKGROUND, ASK, 200, 8)
    expect(book.depthImbalance(2)).toBe((3 - 8) / 11)
    expect(book.depthImbalance(3)).toBe((7 - 8) / 15)
  })
})

describe('OrderBook matching', () => {
  it('fills the earlier of two orders at one price first (FIFO)', () => {
    const book = new OrderBook()
    const first = book.limit(BACKGROUND, ASK, 101, 3)
    const second = book.limit(STRATEGY, ASK, 101, 4)
    expect(book.queueAhead(first)).toBe(0)
    expect(book.queueAhead(second)).toBe(3)
    const sink = recorder()
    expect(book.market(STRATEGY, BID, 2, sink)).toBe(2)
    expect(sink.fills).toEqual([{ maker: first, makerOwner: BACKGROUND, makerSide: ASK, takerOwner: STRATEGY, price: 101, qty: 2 }])
    expect([book.remaining(first), book.remaining(second), book.queueAhead(second)]).toEqual([1, 4, 1])
  })

  it('takes better prices first and reports partial fills in order with exact remainders', () => {
    const book = new OrderBook()
    const a103 = book.limit(BACKGROUND, ASK, 103, 5)
    const a101 = book.limit(BACKGROUND, ASK, 101, 2)
    const a102 = book.limit(STRATEGY, ASK, 102, 3)
    const a101b = book.limit(BACKGROUND, ASK, 101, 1.5)
    const sink = recorder()
    expect(book.market(BACKGROUND, BID, 8, sink)).toBe(8)
    expect(sink.fills.map((f) => [f.maker, f.price, f.qty])).toEqual([
      [a101, 101, 2],
      [a101b, 101, 1.5],
      [a102, 102, 3],
      [a103, 103, 1.5]
    ])
    expect(sink.fills[2]!.makerOwner).toBe(STRATEGY)
    expect([book.remaining(a101), book.remaining(a102), book.remaining(a103)]).toEqual([0, 0, 3.5])
    expect([book.bestAsk(), book.depthAt(ASK, 103), book.depthAt(ASK, 101)]).toEqual([103, 3.5, 0])
  })

  it('walks a market sell down the bids and stops when the side is empty', () => {
    const book = handMade()
    const sink = recorder()
    expect(book.market(STRATEGY, ASK, 100, sink)).toBe(8)
    expect(sink.fills.map((f) => [f.price, f.qty, f.makerSide])).toEqual([
      [100, 5, BID],
      [99, 3, BID]
    ])
    expect(book.bestBid()).toBeNaN()
    expect(book.bestAsk()).toBe(102)
  })

  it('fills 0 for a market order into an empty side', () => {
    const book = new OrderBook()
    book.limit(BACKGROUND, BID, 50, 1)
    const sink = recorder()
    expect(book.market(STRATEGY, BID, 5, sink)).toBe(0)
    expect(sink.fills).toEqual([])
    expect(book.events).toBe(2)
  })

  it('trades a crossing limit order first, then rests the remainder at its price', () => {
    const book = handMade()
    const sink = recorder()
    const id = book.limit(STRATEGY, BID, 103, 12, sink)
    expect(sink.fills.map((f) => [f.price, f.qty])).toEqual([
      [102, 2],
      [103, 7]
    ])
    expect(id).toBeGreaterThanOrEqual(0)
    expect([book.remaining(id), book.bestBid(), book.depthAt(BID, 103), book.queueAhead(id)]).toEqual([3, 103, 3, 0])
    expect(book.bestAsk()).toBeNaN()
  })

  it('returns −1 for a limit order filled in full, and stops at its price', () => {
    const book = handMade()
    expect(book.limit(STRATEGY, BID, 102, 2)).toBe(-1)
    expect(book.bestAsk()).toBe(103)
    const id = book.limit(STRATEGY, ASK, 100, 6)
    expect([book.remaining(id), book.bestAsk(), book.bestBid(), book.depthAt(BID, 99)]).toEqual([1, 100, 99, 3])
  })
})

describe('OrderBook cancel and ids', () => {
  it('returns the remaining quantity and moves the orders behind up the queue', () => {
    const book = new OrderBook()
    const a = book.limit(BACKGROUND, BID, 100, 4)
    const b = book.limit(STRATEGY, BID, 100, 2)
    const c = book.limit(STRATEGY, BID, 100, 3)
    book.market(BACKGROUND, ASK, 1)
    expect([book.queueAhead(b), book.queueAhead(c)]).toEqual([3, 5])
    expect(book.cancel(a)).toBe(3)
    expect([book.queueAhead(b), book.queueAhead(c), book.depthAt(BID, 100)]).toEqual([0, 2, 5])
    expect(book.cancel(b)).toBe(2)
    expect(book.queueAhead(c)).toBe(0)
    expect([book.cancel(a), book.remaining(a), book.queueAhead(a)]).toEqual([0, 0, NaN])
    expect(book.cancel(c)).toBe(3)
    expect([book.bestBid(), book.depthAt(BID, 100)]).toEqual([NaN, 0])
    expect([book.cancel(-1), book.cancel(1.5), book.cancel(NaN), book.cancel(2 ** 60)]).toEqual([0, 0, 0, 0])
    expect(book.events).toBe(12)
  })

  it('moves the best price to the next level when the best level is cancelled', () => {
    const book = handMade()
    book.cancel(book.limit(STRATEGY, BID, 101, 1))
    expect(book.bestBid()).toBe(100)
    const top = book.limit(STRATEGY, ASK, 101, 1)
    expect(book.bestAsk()).toBe(101)
    book.cancel(top)
    expect(book.bestAsk()).toBe(102)
  })

  it('never lets a stale id reach the order that reused its slot', () => {
    const book = new OrderBook({ maxOrders: 1 })
    const old = book.limit(STRATEGY, BID, 100, 1)
    expect(book.cancel(old)).toBe(1)
    const fresh = book.limit(STRATEGY, BID, 100, 2)
    expect(fresh).not.toBe(old)
    expect([book.cancel(old), book.remaining(old), book.remaining(fresh)]).toEqual([0, 0, 2])
    expect(book.market(BACKGROUND, ASK, 2)).toBe(2)
    expect(book.remaining(fresh)).toBe(0)
  })
})

describe('OrderBook setDepth', () => {
  it('keeps strategy orders at the front of their level and replaces only background liquidity', () => {
    const book = new OrderBook()
    const s1 = book.limit(STRATEGY, BID, 100, 2)
    book.setDepth(BID, 100, [5, 6, 7])
    expect([book.depthAt(BID, 100), book.depthAt(BID, 99), book.depthAt(BID, 98), book.queueAhead(s1)]).toEqual([7, 6, 7, 0])
    const s2 = book.limit(STRATEGY, BID, 100, 1)
    expect(book.queueAhead(s2)).toBe(7)
    book.setDepth(BID, 100, [4, 1])
    expect([book.depthAt(BID, 100), book.depthAt(BID, 99), book.depthAt(BID, 98)]).toEqual([7, 1, 0])
    expect([book.queueAhead(s1), book.queueAhead(s2), book.remaining(s1), book.remaining(s2)]).toEqual([0, 2, 2, 1])
    const sink = recorder()
    book.market(BACKGROUND, ASK, 4, sink)
    expect(sink.fills.map((f) => [f.maker, f.makerOwner, f.qty])).toEqual([
      [s1, STRATEGY, 2],
      [s2, STRATEGY, 1],
      [sink.fills[2]!.maker, BACKGROUND, 1]
    ])
    expect(book.depthAt(BID, 100)).toBe(3)
  })

  it('drops background levels that are no longer set, keeping strategy-held prices as best', () => {
    const book = new OrderBook()
    const s = book.limit(STRATEGY, BID, 100, 2)
    book.setDepth(BID, 100, [5, 5])
    book.setDepth(BID, 97, [1, 2])
    expect([book.bestBid(), book.depthAt(BID, 100), book.depthAt(BID, 99), book.depthAt(BID, 97), book.depthAt(BID, 96)]).toEqual([100, 2, 0, 1, 2])
    book.cancel(s)
    expect(book.bestBid()).toBe(97)
    book.setDepth(BID, 97, [])
    expect(book.bestBid()).toBeNaN()
    expect(book.events).toBe(2 + 2 + 1 + 0 + 1)
  })

  it('replaces background limit orders too, and moves the best ask when depth moves up', () => {
    const book = new OrderBook()
    book.limit(BACKGROUND, ASK, 105, 9)
    book.setDepth(ASK, 101, [1, 2, 3])
    expect([book.bestAsk(), book.depthAt(ASK, 105), book.depthAt(ASK, 103)]).toEqual([101, 0, 3])
    book.setDepth(ASK, 110, [4])
    expect([book.bestAsk(), book.depthAt(ASK, 101), book.depthAt(ASK, 110)]).toEqual([110, 0, 4])
  })

  it('removes background orders of the other side that new levels would cross', () => {
    const book = new OrderBook()
    book.setDepth(ASK, 101, [1, 1, 1])
    book.setDepth(BID, 102, [2, 2])
    expect([book.bestBid(), book.bestAsk(), book.depthAt(ASK, 101), book.depthAt(ASK, 102), book.depthAt(ASK, 103)]).toEqual([102, 103, 0, 0, 1])
  })

  it('follows a mid that drifts over thousands of ticks, with strategy orders left behind', () => {
    const book = new OrderBook({ windowTicks: 64, maxOrders: 256 })
    const depth = [3, 2, 1, 1, 1, 1, 1, 1]
    const anchor = book.limit(STRATEGY, ASK, 5, 1)
    for (let mid = 0; mid > -20_000; mid -= 7) {
      book.setDepth(BID, mid - 1, depth)
      book.setDepth(ASK, mid + 1, depth)
      expect(book.bestBid()).toBe(mid - 1)
      expect(book.bestAsk()).toBe(Math.min(mid + 1, 5))
    }
    expect(book.remaining(anchor)).toBe(1)
    expect(book.depthAt(ASK, 5)).toBe(1)
    book.cancel(anchor)
    let last = 0
    for (let mid = -20_000; mid < 20_000; mid += 13) {
      book.setDepth(ASK, mid + 1, depth)
      book.setDepth(BID, mid - 1, depth)
      last = mid
    }
    expect(last).toBe(19_988)
    expect([book.bestBid(), book.bestAsk(), book.depthAt(BID, last - 8), book.depthAt(BID, last - 9)]).toEqual([last - 1, last + 1, 1, 0])
    expect(book.market(BACKGROUND, ASK, 1e9)).toBe(11)
  })
})

describe('OrderBook misc', () => {
  it('bars a fill sink from changing the book, and stays consistent', () => {
    const book = handMade()
    const sink: FillSink = {
      onFill(maker) {
        expect(book.bestAsk()).toBe(103)
        book.cancel(maker)
      }
    }
    expect(() => book.market(STRATEGY, BID, 2, sink)).toThrow(/FillSink/)
    expect([book.bestAsk(), book.depthAt(ASK, 102)]).toEqual([103, 0])
    expect(book.limit(STRATEGY, BID, 103, 1)).toBe(-1)
  })

  it('counts events: limit, market, cancel, and each level written by setDepth', () => {
    const book = new OrderBook()
    book.setDepth(BID, 10, [1, 2, 3])
    book.limit(STRATEGY, ASK, 12, 1)
    book.market(STRATEGY, ASK, 1)
    book.cancel(12345)
    expect(book.events).toBe(6)
  })

  it('runs the bare loop deterministically with 2·levels + 5 events a step', () => {
    expect(bareBookLoop(2000, 10, 42)).toEqual({ events: 2000 * 25 })
    expect(bareBookLoop(500, 3, 7).events).toBe(500 * 11)
  })
})
