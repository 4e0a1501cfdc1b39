/**
 * Exact floating-point helpers for replaying glibc's FMA code paths (libm.ts, log1p.ts): an
 * emulated fused multiply-add and bit-level access to doubles.
 */

export const F64 = new Float64Array(1)
export const U32 = new Uint32Array(F64.buffer)
F64[0] = 1
if (U32[1] !== 0x3ff00000) throw new Error('libm: a little-endian platform is required')

const SPLITTER = 134217729 // 2^27 + 1, Veltkamp's constant for splitting a double into two halves

/** Exact powers of two 2^-1022 .. 2^1023 (index n + 1022). */
const POW2 = new Float64Array(2046)
{
  let p = 1
  for (let n = 0; n <= 1023; n++, p *= 2) POW2[n + 1022] = p
  p = 1
  for (let n = 0; n >= -1022; n--, p /= 2) POW2[n + 1022] = p
}

export function pow2(n: number): number {
  return POW2[n + 1022]!
}

const TINY = 2 ** -960 // below this, Dekker's error term of a product can be subnormal
const HUGE = 2 ** 995 // above this, Veltkamp's split can overflow
const UP = 2 ** 600
const DOWN = 2 ** -600

/**
 * Correctly rounded a*b + c. With p + pl = a*b and s + sl = p + c exact (Dekker, Knuth), the
 * result is RN(s + (sl + pl)); rounding sl + pl first can only go wrong when s + v lands exactly
 * on a midpoint, and then the low part is re-added with round-to-odd (Boldo & Melquiond 2008).
 * Extreme magnitudes are rescaled by powers of two; only a subnormal result may be off (it is
 * rounded twice).
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b
  if (!Number.isFinite(p) || !Number.isFinite(c) || p === 0) return p + c
  const ap = Math.abs(p)
  if (ap < TINY || ap > HUGE || Math.abs(a) > HUGE || Math.abs(b) > HUGE) return fmaRescaled(a, b, c, ap)
  return fmaCore(a, b, c, p)
}

function fmaRescaled(a: number, b: number, c: number, ap: number): number {
  const aSmaller = Math.abs(a) < Math.abs(b)
  if (ap < TINY) {
    if (ap < Math.abs(c) * 2 ** -56) return c // the product is below c's last bit
    return (aSmaller ? fmaCore(a * UP, b, c * UP, a * UP * b) : fmaCore(a, b * UP, c * UP, a * b * UP)) * DOWN
  }
  return (aSmaller ? fmaCore(a, b * DOWN, c * DOWN, a * b * DOWN) : fmaCore(a * DOWN, b, c * DOWN, a * DOWN * b)) * UP
}

function fmaCore(a: number, b: number, c: number, p: number): number {
  let t = SPLITTER * a
  const ah = t - (t - a)
  const al = a - ah
  t = SPLITTER * b
  const bh = t - (t - b)
  const bl = b - bh
  const pl = ah * bh - p + ah * bl + al * bh + al * bl
  const s = p + c
  const sv = s - p
  const sl = p - (s - sv) + (c - sv)
  const v = sl + pl
  const res = s + v
  const vv = v - sl
  const vl = sl - (v - vv) + (pl - vv)
  if (vl === 0) return res
  const rv = res - s
  const err = s - (res - rv) + (v - rv)
  if (err === 0 || res + 2 * err - res !== 2 * err) return res // not a tie
  return s + roundToOdd(v, vl)
}

/** v = RN(u) and u = v + err exactly; returns the neighbour of u whose last mantissa bit is 1. */
function roundToOdd(v: number, err: number): number {
  F64[0] = v
  const lo = U32[0]!
  if ((lo & 1) === 1) return v
  if (v > 0 === err > 0) {
    U32[0] = lo + 1 // away from zero; an even low word cannot carry
  } else if (lo === 0) {
    U32[0] = 0xffffffff
    U32[1] = U32[1]! - 1
  } else {
    U32[0] = lo - 1
  }
  return F64[0]!
}

/** Sets the high 32 bits of a double, keeping the low word. */
export function withHighWord(x: number, hi: number): number {
  F64[0] = x
  U32[1] = hi
  return F64[0]!
}

export function highWord(x: number): number {
  F64[0] = x
  return U32[1]! | 0
}

/**
 * Half the spacing of doubles around a normal v, on its narrower side (a power of two has half
 * the spacing below it): RN(v + e) = v whenever |e| is below this.
 */
export function halfUlp(v: number): number {
  F64[0] = v
  const hi = U32[1]!
  const h = pow2(((hi >>> 20) & 0x7ff) - 1076)
  return (hi & 0xfffff) === 0 && U32[0] === 0 ? h * 0.5 : h
}
