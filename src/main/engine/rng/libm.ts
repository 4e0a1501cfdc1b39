import {
  EXP_INV_LN2_N,
  EXP_NEG_LN2_HI_N,
  EXP_NEG_LN2_LO_N,
  EXP_POLY,
  EXP_SCALE,
  EXP_SHIFT,
  EXP_TAIL,
  LOG_INVC,
  LOG_LN2_HI,
  LOG_LN2_LO,
  LOG_LOGC,
  LOG_POLY,
  LOG_POLY1
} from './libm-tables'

/**
 * log and exp exactly as NumPy's random module gets them: NumPy calls libm, and on x86-64 Linux
 * glibc (2.28+) dispatches to its FMA build on any CPU with FMA3 + AVX2. V8's Math.log/Math.exp
 * differ from it in the last bit for ~6-10% of inputs and even a correctly rounded log differs
 * for ~0.1%, so we replay glibc's algorithm operation by operation, with the fused multiply-adds
 * placed where GCC put them in that build (read from its machine code), and fma() emulated exactly.
 */

const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)
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

function pow2(n: number): number {
  return POW2[n + 1022]!
}

/**
 * Correctly rounded a*b + c. With p + pl = a*b and s + sl = p + c exact (Dekker, Knuth), the
 * result is RN(s + (sl + pl)); rounding sl + pl first can only go wrong when s + v lands exactly
 * on a midpoint, and then the low part is re-added with round-to-odd (Boldo & Melquiond 2008).
 * Valid away from overflow and the subnormal range, which is all that log and exp below need.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b
  if (!Number.isFinite(p) || !Number.isFinite(c)) return p + c
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

const LOG_NEAR_ONE_LO = 0.9375 // 1 - 2^-4
const LOG_NEAR_ONE_HI = 1.064697265625 // 1 + 0x1.09p-4
const MIN_NORMAL = 2.2250738585072014e-308
const TWO_POW_52 = 4503599627370496

/** glibc's log (sysdeps/ieee754/dbl-64/e_log.c, FMA build). */
export function log(x: number): number {
  if (x >= LOG_NEAR_ONE_LO && x < LOG_NEAR_ONE_HI) return logNearOne(x)
  let scaled = x
  let kAdjust = 0
  if (!(x >= MIN_NORMAL) || x === Infinity) {
    if (x === 0) return -Infinity
    if (x === Infinity) return x
    if (!(x > 0)) return NaN
    scaled = x * TWO_POW_52 // subnormal: normalise, then take 52 off the exponent
    kAdjust = -52
  }
  F64[0] = scaled
  const hi = U32[1]!
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); i picks the subinterval and its table entry.
  const tmpHi = (hi - 0x3fe60000) | 0
  const i = (tmpHi >>> 13) & 127
  const k = (tmpHi >> 20) + kAdjust
  U32[1] = hi - (tmpHi & 0xfff00000)
  const z = F64[0]!
  const r = fma(z, LOG_INVC[i]!, -1)
  const w = k * LOG_LN2_HI + LOG_LOGC[i]! // exact product: ln2hi has 11 trailing zero bits, |k| < 2^11
  const hiSum = r + w
  const lo = fma(k, LOG_LN2_LO, w - hiSum + r)
  const r2 = r * r
  const r3 = r * r2
  const p1 = fma(r, LOG_POLY[2]!, LOG_POLY[1]!)
  const p2 = fma(r, LOG_POLY[4]!, LOG_POLY[3]!)
  const s = fma(r2, LOG_POLY[0]!, lo)
  return fma(r3, fma(p2, r2, p1), s) + hiSum
}

function logNearOne(x: number): number {
  if (x === 1) return 0
  const B = LOG_POLY1
  const r = x - 1
  const r2 = r * r
  const r3 = r * r2
  const t1 = fma(r2, B[3]!, fma(r, B[2]!, B[1]!))
  const t2 = fma(r2, B[6]!, fma(r, B[5]!, B[4]!))
  const t3 = fma(r3, B[10]!, fma(r2, B[9]!, fma(r, B[8]!, B[7]!)))
  const u = fma(fma(t3, r3, t2), r3, t1)
  // r = rhi + rlo with rhi of 26 bits, so -rhi^2/2 is exact and hi + lo carries log1p's r - r^2/2.
  const w27 = r * 134217728
  const rhi = r + w27 - w27
  const rlo = r - rhi
  const half = (rhi * rhi) * B[0]!
  const hiSum = r + half
  const lo = fma(B[0]! * rlo, r + rhi, r - hiSum + half)
  return hiSum + fma(u, r3, lo)
}

const EXP_TINY = 5.551115123125783e-17 // 2^-54
const C2 = EXP_POLY[0]!
const C3 = EXP_POLY[1]!
const C4 = EXP_POLY[2]!
const C5 = EXP_POLY[3]!
const TWO_POW_1009 = pow2(1009)
const TWO_POW_M1022 = pow2(-1022)

/** glibc's exp (sysdeps/ieee754/dbl-64/e_exp.c, FMA build). */
export function exp(x: number): number {
  const ax = Math.abs(x)
  let nearLimit = false
  if (!(ax >= EXP_TINY && ax < 512)) {
    if (ax < EXP_TINY) return 1 + x
    if (!(ax < 1024)) {
      if (x === -Infinity) return 0
      if (Number.isNaN(x) || x === Infinity) return 1 + x
      return x < 0 ? 0 : Infinity
    }
    nearLimit = true
  }
  // x = k ln2/128 + r with |r| <= ln2/256; exp(x) = 2^(k/128) exp(r).
  const kd = fma(x, EXP_INV_LN2_N, EXP_SHIFT) - EXP_SHIFT
  const r = fma(kd, EXP_NEG_LN2_LO_N, fma(kd, EXP_NEG_LN2_HI_N, x))
  const idx = kd & 127
  const r2 = r * r
  const tmp = fma(r2 * r2, fma(r, C5, C4), fma(fma(r, C3, C2), r2, r + EXP_TAIL[idx]!))
  const e = kd >> 7
  if (!nearLimit) {
    const scale = EXP_SCALE[idx]! * pow2(e)
    return fma(scale, tmp, scale)
  }
  return expNearLimit(tmp, EXP_SCALE[idx]!, e, kd)
}

/** glibc's specialcase(): scale's exponent is out of range, so rescale around the result. */
function expNearLimit(tmp: number, tableScale: number, e: number, k: number): number {
  if (k >= 0) {
    const scale = tableScale * pow2(e - 1009)
    return TWO_POW_1009 * fma(scale, tmp, scale)
  }
  const scale = tableScale * pow2(e + 1022)
  const st = tmp * scale
  let y = scale + st
  if (y < 1) {
    // Round to the final precision before scaling into the subnormals (no double rounding).
    const hi = 1 + y
    const lo = 1 - hi + y + (scale - y + st)
    y = lo + hi - 1
    if (y === 0) y = 0
  }
  return y * TWO_POW_M1022
}
