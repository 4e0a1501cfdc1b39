import { F64, U32, fma, halfUlp, pow2 } from './fma'
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

export { fma } from './fma'
export { log1p } from './log1p'

/**
 * log and exp exactly as NumPy's random module gets them: NumPy calls libm, and on x86-64 Linux
 * glibc (2.28+) dispatches to its FMA build on any CPU with FMA3 + AVX2. V8's Math.log/Math.exp
 * differ from it in the last bit for ~6-10% of inputs and even a correctly rounded log differs
 * for ~0.1%, so we replay glibc's algorithm operation by operation, with the fused multiply-adds
 * where GCC put them in that build (read from its machine code) and fma() emulated exactly.
 *
 * Emulated fmas are slow, so each function first runs glibc's steps with plain arithmetic where
 * that is provably harmless: the result is glibc's unless the final rounding is within a bound
 * of the fused/unfused difference (about 1% of calls or fewer), and then the exact replay runs.
 */

const LOG_NEAR_ONE_LO = 0.9375 // 1 - 2^-4
const LOG_NEAR_ONE_HI = 1.064697265625 // 1 + 0x1.09p-4
const MIN_NORMAL = 2.2250738585072014e-308
const TWO_POW_52 = 4503599627370496
const SPLITTER = 134217729 // 2^27 + 1
/** 16 units in the last place, relative: the fused/unfused bounds below carry a 2x margin. */
const FUSE_SLACK = 2 ** -49
/** Keeps `lhs < h` strict after the rounding of lhs itself. */
const SAFE = 1 - 2 ** -48
const A0 = LOG_POLY[0]!
const A1 = LOG_POLY[1]!
const A2 = LOG_POLY[2]!
const A3 = LOG_POLY[3]!
const A4 = LOG_POLY[4]!

/** glibc's log (sysdeps/ieee754/dbl-64/e_log.c, FMA build). */
export function log(x: number): number {
  if (x >= LOG_NEAR_ONE_LO && x < LOG_NEAR_ONE_HI) return logNearOne(x)
  if (!(x >= MIN_NORMAL) || x === Infinity) return logSpecial(x)
  F64[0] = x
  const hi = U32[1]!
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0); i picks the subinterval and its table entry.
  const tmpHi = (hi - 0x3fe60000) | 0
  const i = (tmpHi >>> 13) & 127
  const k = tmpHi >> 20
  U32[1] = hi - (tmpHi & 0xfff00000)
  const z = F64[0]!
  const invc = LOG_INVC[i]!
  // r = fma(z, invc, -1): z*invc is within 1/256 of 1, so p - 1 is exact and one rounding is left.
  const p = z * invc
  let t = SPLITTER * z
  const zh = t - (t - z)
  t = SPLITTER * invc
  const ch = t - (t - invc)
  const r = p - 1 + (zh * ch - p + zh * (invc - ch) + (z - zh) * ch + (z - zh) * (invc - ch))
  const w = k * LOG_LN2_HI + LOG_LOGC[i]! // exact product: ln2hi has 11 trailing zero bits, |k| < 2^11
  const hiSum = r + w
  const t0 = w - hiSum + r
  const kl = k * LOG_LN2_LO
  const r2 = r * r
  const r3 = r * r2
  // glibc: fma(r3, fma(fma(r,A4,A3), r2, fma(r,A2,A1)), fma(r2, A0, fma(k, ln2lo, t0))), unfused here
  const y = r3 * ((r * A4 + A3) * r2 + (r * A2 + A1)) + (r2 * A0 + (kl + t0))
  const res = hiSum + y
  const yv = res - hiSum
  const err = hiSum - (res - yv) + (y - yv)
  const bound = FUSE_SLACK * (Math.abs(kl) + Math.abs(t0) + r2 + Math.abs(r3))
  if (Math.abs(err) + bound < SAFE * halfUlp(res)) return res
  return logMainExact(x, 0)
}

function logSpecial(x: number): number {
  if (x === 0) return -Infinity
  if (x === Infinity) return x
  if (!(x > 0)) return NaN
  return logMainExact(x * TWO_POW_52, -52) // subnormal: normalise, then take 52 off the exponent
}

/** The main path replayed with every fused operation. */
function logMainExact(x: number, kAdjust: number): number {
  F64[0] = x
  const hi = U32[1]!
  const tmpHi = (hi - 0x3fe60000) | 0
  const i = (tmpHi >>> 13) & 127
  const k = (tmpHi >> 20) + kAdjust
  U32[1] = hi - (tmpHi & 0xfff00000)
  const z = F64[0]!
  const r = fma(z, LOG_INVC[i]!, -1)
  const w = k * LOG_LN2_HI + LOG_LOGC[i]!
  const hiSum = r + w
  const lo = fma(k, LOG_LN2_LO, w - hiSum + r)
  const r2 = r * r
  const r3 = r * r2
  const s = fma(r2, A0, lo)
  return fma(r3, fma(fma(r, A4, A3), r2, fma(r, A2, A1)), s) + hiSum
}

const B = LOG_POLY1

/** log for x near 1: log1p(r) = r - r^2/2 + r^3 * poly(r), with r - r^2/2 kept in two parts. */
function logNearOne(x: number): number {
  if (x === 1) return 0
  const r = x - 1
  const r2 = r * r
  const r3 = r * r2
  // r = rhi + rlo with rhi of 26 bits, so -rhi^2/2 is exact and hi + lo carries r - r^2/2.
  const w27 = r * 134217728
  const rhi = r + w27 - w27
  const rlo = r - rhi
  const half = rhi * rhi * B[0]!
  const hiSum = r + half
  const lo0 = r - hiSum + half
  const mv = B[0]! * rlo * (r + rhi)
  const u = ((r3 * B[10]! + (r2 * B[9]! + (r * B[8]! + B[7]!))) * r3 + (r2 * B[6]! + (r * B[5]! + B[4]!))) * r3 + (r2 * B[3]! + (r * B[2]! + B[1]!))
  const y = u * r3 + (mv + lo0)
  const res = hiSum + y
  const yv = res - hiSum
  const err = hiSum - (res - yv) + (y - yv)
  const bound = FUSE_SLACK * (Math.abs(mv) + Math.abs(lo0) + Math.abs(r3))
  if (Math.abs(err) + bound < SAFE * halfUlp(res)) return res
  const t1 = fma(r2, B[3]!, fma(r, B[2]!, B[1]!))
  const t2 = fma(r2, B[6]!, fma(r, B[5]!, B[4]!))
  const t3 = fma(r3, B[10]!, fma(r2, B[9]!, fma(r, B[8]!, B[7]!)))
  const uExact = fma(fma(t3, r3, t2), r3, t1)
  const lo = fma(B[0]! * rlo, r + rhi, lo0)
  return hiSum + fma(uExact, r3, lo)
}

const EXP_TINY = 5.551115123125783e-17 // 2^-54
const C2 = EXP_POLY[0]!
const C3 = EXP_POLY[1]!
const C4 = EXP_POLY[2]!
const C5 = EXP_POLY[3]!
/** 8 units in the last place of |r + tail| + r^2 bound the unfused error of exp's tmp (2x margin). */
const EXP_TMP_SLACK = 2 ** -50
const TWO_POW_1009 = pow2(1009)
const TWO_POW_M1022 = pow2(-1022)

/** glibc's exp (sysdeps/ieee754/dbl-64/e_exp.c, FMA build). */
export function exp(x: number): number {
  const ax = Math.abs(x)
  if (!(ax >= EXP_TINY && ax < 512)) return expSpecial(x, ax)
  // x = k ln2/128 + r with |r| <= ln2/256; exp(x) = 2^(k/128) exp(r). glibc rounds x/(ln2/128)
  // inside an fma; the plain product gives the same k unless it sits within 2^-30 of a tie.
  const zk = x * EXP_INV_LN2_N
  const kd = zk + EXP_SHIFT - EXP_SHIFT
  if (Math.abs(Math.abs(zk - kd) - 0.5) < 2 ** -30) return expExact(x, false)
  const r = fma(kd, EXP_NEG_LN2_LO_N, x + kd * EXP_NEG_LN2_HI_N) // exact product: ln2hi/128 has 36 bits
  const idx = kd & 127
  const a = r + EXP_TAIL[idx]!
  const r2 = r * r
  const tmp = r2 * r2 * (r * C5 + C4) + ((r * C3 + C2) * r2 + a)
  const scale = EXP_SCALE[idx]! * pow2(kd >> 7)
  // glibc returns fma(scale, tmp, scale): check that its rounding cannot move within the bound.
  const p = scale * tmp
  let t = SPLITTER * scale
  const sh = t - (t - scale)
  t = SPLITTER * tmp
  const th = t - (t - tmp)
  const pl = sh * th - p + sh * (tmp - th) + (scale - sh) * th + (scale - sh) * (tmp - th)
  const res = scale + p
  const pv = res - scale
  const err = scale - (res - pv) + (p - pv)
  const bound = scale * EXP_TMP_SLACK * (Math.abs(a) + r2)
  if (Math.abs(err) + Math.abs(pl) + bound < SAFE * halfUlp(res)) return res
  return expExact(x, false)
}

function expSpecial(x: number, ax: number): number {
  if (ax < EXP_TINY) return 1 + x
  if (!(ax < 1024)) {
    if (x === -Infinity) return 0
    if (Number.isNaN(x) || x === Infinity) return 1 + x
    return x < 0 ? 0 : Infinity
  }
  return expExact(x, true)
}

/** exp replayed with every fused operation; nearLimit for 512 <= |x| < 1024. */
function expExact(x: number, nearLimit: boolean): number {
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
