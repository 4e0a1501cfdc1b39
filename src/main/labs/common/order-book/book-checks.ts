/**
 * Input checks: each throws a RangeError naming the operation, the argument and the value,
 * and runs before the book changes, so a refused call leaves no trace.
 */
export function checkSide(op: string, side: number): void {
  if (side !== 0 && side !== 1) throw new RangeError(`${op}: side must be BID (0) or ASK (1) (got ${String(side)})`)
}

export function checkOwner(op: string, owner: number): void {
  if (owner !== 0 && owner !== 1) throw new RangeError(`${op}: owner must be BACKGROUND (0) or STRATEGY (1) (got ${String(owner)})`)
}

export function checkQuantity(op: string, quantity: number): void {
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) {
    throw new RangeError(`${op}: quantity must be a finite number > 0 (got ${String(quantity)})`)
  }
}

export function checkPrice(op: string, price: number, minPrice: number, maxPrice: number): void {
  if (typeof price !== 'number' || !Number.isInteger(price)) {
    throw new RangeError(`${op}: price must be an integer number of ticks (got ${String(price)})`)
  }
  if (price < minPrice || price > maxPrice) {
    throw new RangeError(`${op}: price ${price} is outside [minPrice ${minPrice}, maxPrice ${maxPrice}]`)
  }
}

/** Every setDepth level quantity must be a finite number > 0. */
export function checkDepthQuantities(quantities: ArrayLike<number>): void {
  if (quantities === null || typeof quantities !== 'object' || !Number.isSafeInteger(quantities.length)) {
    throw new RangeError(`setDepth: quantities must be an array-like of numbers (got ${String(quantities)})`)
  }
  for (let k = 0; k < quantities.length; k++) {
    const q = quantities[k]
    if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0) {
      throw new RangeError(`setDepth: quantity at level ${k} must be a finite number > 0 (got ${String(q)})`)
    }
  }
}

export interface BookOptionsChecked {
  maxOrders: number
  minPrice: number
  maxPrice: number
  windowTicks: number
  maxWindowTicks: number
}

const PRICE_LIMIT = 2 ** 30
const WIDTH_LIMIT = 2 ** 24

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0
}

export function checkOptions(o: BookOptionsChecked, maxPool: number): void {
  if (!Number.isInteger(o.maxOrders) || o.maxOrders < 1 || o.maxOrders > maxPool) {
    throw new RangeError(`OrderBook: maxOrders must be an integer in [1, ${maxPool}] (got ${o.maxOrders})`)
  }
  for (const [name, v] of [['minPrice', o.minPrice], ['maxPrice', o.maxPrice]] as const) {
    if (!Number.isInteger(v) || Math.abs(v) > PRICE_LIMIT) {
      throw new RangeError(`OrderBook: ${name} must be an integer in [−2^30, 2^30] (got ${v})`)
    }
  }
  if (o.minPrice > o.maxPrice) throw new RangeError(`OrderBook: minPrice ${o.minPrice} > maxPrice ${o.maxPrice}`)
  for (const [name, v] of [['windowTicks', o.windowTicks], ['maxWindowTicks', o.maxWindowTicks]] as const) {
    if (!isPowerOfTwo(v) || v < 64 || v > WIDTH_LIMIT) {
      throw new RangeError(`OrderBook: ${name} must be a power of two in [64, 2^24] (got ${v})`)
    }
  }
  if (o.windowTicks > o.maxWindowTicks) {
    throw new RangeError(`OrderBook: windowTicks ${o.windowTicks} > maxWindowTicks ${o.maxWindowTicks}`)
  }
}
