import { fma, highWord, withHighWord } from './fma'

const L1P_LN2_HI = 0.6931471803691238 // 0x1.62e42fee00000p-1
const L1P_LN2_LO = 1.9082149292705877e-10 // 0x1.a39ef35793c76p-33
const LP1 = 0.6666666666666735
const LP2 = 0.3999999999940942
const LP3 = 0.2857142874366239
const LP4 = 0.22222198432149784
const LP5 = 0.1818357216161805
const LP6 = 0.15313837699209373
const LP7 = 0.14798198605116586

/**
 * glibc's log1p (sysdeps/ieee754/dbl-64/s_log1p.c, fdlibm's algorithm, FMA build), which NumPy
 * 2.x uses in the ziggurat tails and in Generator's binomial inversion.
 */
export function log1p(x: number): number {
  const hx = highWord(x)
  const ax = hx & 0x7fffffff
  let k = 1
  let f = 0
  let c = 0
  let hu = 0
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5 // |x| < 2^-29
    if (hx > 0 || hx < (0xbfd2bec4 | 0)) {
      // -0.2929 < x < 0.41422: no argument reduction
      k = 0
      f = x
      hu = 1
    }
  } else if (hx >= 0x7ff00000) {
    return x + x
  }
  if (k !== 0) {
    let u: number
    if (hx < 0x43400000) {
      u = 1 + x
      hu = highWord(u)
      k = (hu >> 20) - 1023
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u // the rounding error of 1 + x
    } else {
      u = x
      hu = hx
      k = (hu >> 20) - 1023
    }
    hu &= 0x000fffff
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000) // u in [1, sqrt 2)
    } else {
      k += 1
      u = withHighWord(u, hu | 0x3fe00000) // u in [sqrt 2 / 2, 1)
      hu = (0x00100000 - hu) >> 2
    }
    f = u - 1
  }
  const hfsq = 0.5 * f * f
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : fma(k, L1P_LN2_HI, fma(k, L1P_LN2_LO, c))
    const R = hfsq * fma(-f, 0.6666666666666666, 1)
    if (k === 0) return f - R
    return fma(k, L1P_LN2_HI, -(R - fma(k, L1P_LN2_LO, c) - f))
  }
  const s = f / (2 + f)
  const z = s * s
  const z2 = z * z
  const z4 = z2 * z2
  const z6 = z2 * z4
  const R = fma(z6, fma(z, LP7, LP6), fma(z4, fma(z, LP5, LP4), fma(z, LP1, z2 * fma(z, LP3, LP2))))
  const t = s * (hfsq + R)
  if (k === 0) return f - (hfsq - t)
  return fma(k, L1P_LN2_HI, -(hfsq - (t + fma(k, L1P_LN2_LO, c)) - f))
}
