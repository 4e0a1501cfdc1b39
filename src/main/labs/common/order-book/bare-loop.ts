import { ASK, BACKGROUND, BID, STRATEGY } from './order-book-api'
import { OrderBook } from './order-book'

/**
 * Drives the book the way a simulation step does, with no strategy logic: for benchmarks.
 * Each step: the mid takes a −1/0/+1 tick step; background depth is re-set on both sides
 * around it; last step's strategy quote on each side is cancelled and a new one placed a few
 * ticks behind the touch (behind the background there, until the next setDepth puts it
 * ahead); one small market order of alternating side takes from the top.
 * Events per step: 2·levels + 5. A xorshift32 generator keeps it deterministic.
 */
export function bareBookLoop(steps: number, levels: number, seed: number): { events: number } {
  const book = new OrderBook({ maxOrders: 2 * levels + 64 })
  const bidDepth = new Float64Array(levels)
  const askDepth = new Float64Array(levels)
  let x = seed >>> 0 || 0x9e3779b9
  const next = (): number => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
  let mid = 1_000_000
  let bidId = -1
  let askId = -1
  for (let t = 0; t < steps; t++) {
    const r = next()
    mid += (r % 3) - 1
    for (let k = 0; k < levels; k++) {
      const q = next()
      bidDepth[k] = 1 + (q & 15) + k
      askDepth[k] = 1 + ((q >>> 8) & 15) + k
    }
    book.setDepth(BID, mid - 1, bidDepth)
    book.setDepth(ASK, mid + 1, askDepth)
    book.cancel(bidId)
    book.cancel(askId)
    bidId = book.limit(STRATEGY, BID, mid - 1 - ((r >>> 4) & 3), 1 + ((r >>> 8) & 3))
    askId = book.limit(STRATEGY, ASK, mid + 1 + ((r >>> 12) & 3), 1 + ((r >>> 16) & 3))
    book.market(BACKGROUND, (t & 1) === 0 ? BID : ASK, 1 + ((r >>> 20) & 7))
  }
  return { events: book.events }
}
