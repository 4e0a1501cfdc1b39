/**
 * Resting orders as a structure of typed arrays with a free-slot stack: no object per order.
 * An order id is `generation · capacity + slot`; a slot's generation moves on when it is freed,
 * so a stale id (cancelled or filled, slot since reused) never reaches the slot's new order.
 */
export const MAX_POOL_CAPACITY = 1 << 21 // keeps generation · capacity + slot below 2^53

export class OrderPool {
  readonly capacity: number
  readonly price: Int32Array
  /** Remaining quantity; 0 exactly when the slot is free. */
  readonly qty: Float64Array
  readonly side: Uint8Array
  readonly owner: Uint8Array
  /** Links of the price level's FIFO queue (−1 = none). */
  readonly next: Int32Array
  readonly prev: Int32Array
  /** Links of the per-side list of background orders, so setDepth never scans levels. */
  readonly bgNext: Int32Array
  readonly bgPrev: Int32Array
  private readonly gen: Uint32Array
  private readonly freeSlots: Int32Array
  private top: number

  constructor(capacity: number) {
    this.capacity = capacity
    this.price = new Int32Array(capacity)
    this.qty = new Float64Array(capacity)
    this.side = new Uint8Array(capacity)
    this.owner = new Uint8Array(capacity)
    this.next = new Int32Array(capacity).fill(-1)
    this.prev = new Int32Array(capacity).fill(-1)
    this.bgNext = new Int32Array(capacity).fill(-1)
    this.bgPrev = new Int32Array(capacity).fill(-1)
    this.gen = new Uint32Array(capacity)
    this.freeSlots = new Int32Array(capacity)
    // Slot 0 comes out first; freed slots are reused last-in-first-out (warm in cache).
    for (let i = 0; i < capacity; i++) this.freeSlots[i] = capacity - 1 - i
    this.top = capacity
  }

  get available(): number {
    return this.top
  }

  /** A free slot, or −1 when the pool is full (callers check `available` first). */
  alloc(): number {
    return this.top === 0 ? -1 : this.freeSlots[--this.top]!
  }

  release(slot: number): void {
    this.qty[slot] = 0
    this.next[slot] = -1
    this.prev[slot] = -1
    this.renew(slot)
    this.freeSlots[this.top++] = slot
  }

  /** Gives the slot a new id: the old one goes stale (setDepth replacing an order in place). */
  renew(slot: number): void {
    this.gen[slot] = (this.gen[slot]! + 1) >>> 0
  }

  idOf(slot: number): number {
    return this.gen[slot]! * this.capacity + slot
  }

  /** The live slot an id names, or −1 (unknown, stale, or not an id at all). */
  slotOf(id: number): number {
    if (!Number.isSafeInteger(id) || id < 0) return -1
    const slot = id % this.capacity
    if ((id - slot) / this.capacity !== this.gen[slot] || this.qty[slot] === 0) return -1
    return slot
  }
}
