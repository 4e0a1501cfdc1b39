/** How a fill came about: the strategy's quote taken by the taker flow or by an informed cross, or its own market order. */
export const FLOW = 0
export const INFORMED = 1
export const AGGRESSIVE = 2

/**
 * Every strategy fill of a run, columnar and growable (no object per fill): step, side (+1 the
 * strategy bought, −1 it sold), price in currency, lots, kind, and the mid it is measured against.
 * The look-ahead annotation (mid_after, horizon) is added after the run by `annotateFills`.
 */
export class FillLog {
  length = 0
  t = new Int32Array(256)
  side = new Int8Array(256)
  price = new Float64Array(256)
  qty = new Float64Array(256)
  kind = new Uint8Array(256)
  mid = new Float64Array(256)

  push(t: number, side: number, price: number, qty: number, kind: number, mid: number): void {
    if (this.length === this.t.length) this.grow()
    const i = this.length++
    this.t[i] = t
    this.side[i] = side
    this.price[i] = price
    this.qty[i] = qty
    this.kind[i] = kind
    this.mid[i] = mid
  }

  private grow(): void {
    const n = this.t.length * 2
    const copy = <T extends Int32Array | Int8Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a)
      return b
    }
    this.t = copy(this.t, new Int32Array(n))
    this.side = copy(this.side, new Int8Array(n))
    this.price = copy(this.price, new Float64Array(n))
    this.qty = copy(this.qty, new Float64Array(n))
    this.kind = copy(this.kind, new Uint8Array(n))
    this.mid = copy(this.mid, new Float64Array(n))
  }
}

/** A fill with its look-ahead annotation: the adverse-selection horizon after the fact. */
export interface AnnotatedFills {
  n: number
  t: Int32Array
  side: Int8Array
  price: Float64Array
  qty: Float64Array
  kind: Uint8Array
  /** Mid at the fill: the price the ledger starts marking the new inventory from. */
  midBefore: Float64Array
  /** Mid `horizon` steps later (the horizon is cut at the run's last mark). */
  midAfter: Float64Array
  horizon: Int32Array
}

/**
 * Annotates each fill after the run with mid_after = mid(min(t + h, lastStep)) and the horizon used.
 * Cutting at the last marked step keeps the adverse-selection split of inventory P&L exact.
 */
export function annotateFills(log: FillLog, mid: Float64Array, horizon: number, lastStep: number): AnnotatedFills {
  const n = log.length
  const midAfter = new Float64Array(n)
  const h = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const end = Math.min(log.t[i]! + horizon, lastStep)
    midAfter[i] = mid[end]!
    h[i] = end - log.t[i]!
  }
  return {
    n,
    t: log.t.slice(0, n),
    side: log.side.slice(0, n),
    price: log.price.slice(0, n),
    qty: log.qty.slice(0, n),
    kind: log.kind.slice(0, n),
    midBefore: log.mid.slice(0, n),
    midAfter,
    horizon: h
  }
}
