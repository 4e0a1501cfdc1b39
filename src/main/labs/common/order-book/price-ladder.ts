import type { Side } from './order-book-api'

/**
 * Per-price-level state of both sides over a window of `width` ticks (a power of two) that
 * starts at `lo`. A level's index is side·width + (price & mask), a ring: moving the window
 * with a drifting mid copies nothing, because every level outside it is empty (the invariant:
 * all non-empty levels lie in [lo, lo + width)). `ensure` re-centres the window, or doubles it
 * up to `maxWidth`, when a price falls outside. An occupancy bitmap makes scans 32 levels a step.
 */
export class PriceLadder {
  readonly maxWidth: number
  width = 0
  mask = 0
  lo = 0
  /** First and last order of each level's FIFO queue (−1 = empty level). */
  head = new Int32Array(0)
  tail = new Int32Array(0)
  /** Total resting quantity; reset to exactly 0 when the level empties. */
  qty = new Float64Array(0)
  /** Strategy orders resting at the level (setDepth must not cross them). */
  strat = new Int32Array(0)
  bits = new Uint32Array(0)
  /** Non-empty levels per side. */
  readonly levels = new Int32Array(2)

  constructor(width: number, maxWidth: number) {
    this.maxWidth = maxWidth
    this.allocate(width)
  }

  index(side: Side, price: number): number {
    return side * this.width + (price & this.mask)
  }

  inWindow(price: number): boolean {
    return price >= this.lo && price < this.lo + this.width
  }

  occupy(side: Side, idx: number): void {
    this.bits[idx >>> 5]! |= 1 << (idx & 31)
    this.levels[side]!++
  }

  vacate(side: Side, idx: number): void {
    this.head[idx] = -1
    this.tail[idx] = -1
    this.qty[idx] = 0
    this.bits[idx >>> 5]! &= ~(1 << (idx & 31))
    this.levels[side]!--
  }

  /** Highest non-empty price in [to, from] on `side`, or NaN. */
  scanDown(side: Side, from: number, to: number): number {
    const hi = this.lo + this.width - 1
    let p = from > hi ? hi : from
    const end = to < this.lo ? this.lo : to
    const base = side * this.width
    const mask = this.mask
    const bits = this.bits
    while (p >= end) {
      const idx = base + (p & mask)
      const b = idx & 31
      const m = bits[idx >>> 5]! & ((2 << b) - 1)
      if (m !== 0) {
        p -= b - (31 - Math.clz32(m))
        return p >= end ? p : NaN
      }
      p -= b + 1
    }
    return NaN
  }

  /** Lowest non-empty price in [from, to] on `side`, or NaN. */
  scanUp(side: Side, from: number, to: number): number {
    const hi = this.lo + this.width - 1
    let p = from < this.lo ? this.lo : from
    const end = to > hi ? hi : to
    const base = side * this.width
    const mask = this.mask
    const bits = this.bits
    while (p <= end) {
      const idx = base + (p & mask)
      const b = idx & 31
      const m = bits[idx >>> 5]! & (-1 << b)
      if (m !== 0) {
        p += 31 - Math.clz32(m & -m) - b
        return p <= end ? p : NaN
      }
      p += 32 - b
    }
    return NaN
  }

  lowest(side: Side): number {
    return this.scanUp(side, this.lo, this.lo + this.width - 1)
  }

  highest(side: Side): number {
    return this.scanDown(side, this.lo + this.width - 1, this.lo)
  }

  /** Moves (and if need be widens) the window so that it holds [pLo, pHi]; callers checked the span. */
  ensure(pLo: number, pHi: number): void {
    if (pLo >= this.lo && pHi < this.lo + this.width) return
    let a = pLo
    let b = pHi
    for (let s = 0 as Side; s <= 1; s++) {
      if (this.levels[s] === 0) continue
      a = Math.min(a, this.lowest(s))
      b = Math.max(b, this.highest(s))
    }
    const span = b - a + 1
    if (span > this.maxWidth) throw new Error(`PriceLadder: span ${span} exceeds maxWidth ${this.maxWidth}`)
    // Keep at least half the window free so that a drifting mid re-centres rarely.
    if (2 * span > this.width && this.width < this.maxWidth) {
      this.grow(Math.min(this.maxWidth, 1 << (32 - Math.clz32(2 * span - 1))))
    }
    this.lo = a - Math.floor((this.width - span) / 2)
  }

  private allocate(width: number): void {
    this.width = width
    this.mask = width - 1
    this.head = new Int32Array(2 * width).fill(-1)
    this.tail = new Int32Array(2 * width).fill(-1)
    this.qty = new Float64Array(2 * width)
    this.strat = new Int32Array(2 * width)
    this.bits = new Uint32Array((2 * width) >>> 5)
  }

  /** Copies every non-empty level into arrays of the new width (rare: only when the book spreads). */
  private grow(width: number): void {
    const { head, tail, qty, strat, lo } = this
    const oldWidth = this.width
    const oldMask = this.mask
    const hi = lo + oldWidth - 1
    this.allocate(width)
    for (let s = 0 as Side; s <= 1; s++) {
      for (let p = this.scanOld(head, s * oldWidth, oldMask, lo, hi); !Number.isNaN(p); p = this.scanOld(head, s * oldWidth, oldMask, p + 1, hi)) {
        const from = s * oldWidth + (p & oldMask)
        const to = s * width + (p & this.mask)
        this.head[to] = head[from]!
        this.tail[to] = tail[from]!
        this.qty[to] = qty[from]!
        this.strat[to] = strat[from]!
        this.bits[to >>> 5]! |= 1 << (to & 31)
      }
    }
  }

  /** Linear scan over the old arrays during `grow` (the bitmap is already replaced). */
  private scanOld(head: Int32Array, base: number, mask: number, from: number, to: number): number {
    for (let p = from; p <= to; p++) if (head[base + (p & mask)] !== -1) return p
    return NaN
  }
}
