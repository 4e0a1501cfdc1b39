import { gammaQ } from '../numeric/special'

/**
 * Special functions the risk engine needs, to full double precision: the normal cdf through
 * Cephes' erfc (the code SciPy's ndtr runs), its inverse by Wichura's AS241 (PPND16), and the
 * chi-square and binomial tails the backtests read their p-values and zones from.
 */

// Cephes ndtr.c (Moshier 1992), as SciPy's xsf/cephes/ndtr.h carries it. Here and below the
// published coefficients are written as the doubles they round to (the lint keeps literals exact).
const ERFC_P = [2.461969814735305e-10, 0.5641895648310689, 7.463210564422699, 48.63719709856814, 196.5208329560771, 526.4451949954773, 934.5285271719576, 1027.5518868951572, 557.5353353693994]
const ERFC_Q = [13.228195115474499, 86.70721408859897, 354.9377788878199, 975.7085017432055, 1823.9091668790973, 2246.3376081871097, 1656.6630919416134, 557.5353408177277]
const ERFC_R = [0.5641895835477551, 1.275366707599781, 5.019050422511805, 6.160210979930536, 7.4097426995044895, 2.9788666537210022]
const ERFC_S = [2.2605286322011726, 9.396035249380015, 12.048953980809666, 17.08144507475659, 9.608968090632859, 3.369076451000815]
const ERF_T = [9.604973739870516, 90.02601972038427, 2232.005345946843, 7003.325141128051, 55592.30130103949]
const ERF_U = [33.56171416475031, 521.3579497801527, 4594.323829709801, 22629.000061389095, 49267.39426086359]
const MAXLOG = 709.782712893384

/** Cephes polevl: coefficients from the highest power down. */
function polevl(x: number, c: readonly number[]): number {
  let y = c[0]!
  for (let i = 1; i < c.length; i++) y = y * x + c[i]!
  return y
}

/** Cephes p1evl: as polevl with an implied leading coefficient 1. */
function p1evl(x: number, c: readonly number[]): number {
  let y = x + c[0]!
  for (let i = 1; i < c.length; i++) y = y * x + c[i]!
  return y
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return -erf(-x)
  if (x > 1) return 1 - erfc(x)
  const z = x * x
  return (x * polevl(z, ERF_T)) / p1evl(z, ERF_U)
}

export function erfc(a: number): number {
  if (Number.isNaN(a)) return NaN
  const x = Math.abs(a)
  if (x < 1) return 1 - erf(a)
  const z = -a * a
  if (z < -MAXLOG) return a < 0 ? 2 : 0
  const e = Math.exp(z)
  const y = x < 8 ? (e * polevl(x, ERFC_P)) / p1evl(x, ERFC_Q) : (e * polevl(x, ERFC_R)) / p1evl(x, ERFC_S)
  return a < 0 ? 2 - y : y
}

/** Φ(x), the standard normal cdf (Cephes ndtr). */
export function normCdf(a: number): number {
  const x = a * Math.SQRT1_2
  const z = Math.abs(x)
  if (z < 1) return 0.5 + 0.5 * erf(x)
  const y = 0.5 * erfc(z)
  return x > 0 ? 1 - y : y
}

const INV_SQRT_2PI = 0.3989422804014327

export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x)
}

// Wichura (1988), Algorithm AS 241 PPND16, Applied Statistics 37(3) 477-484; about 1e-16 relative.
const A = [3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087, 33430.57558358813, 2509.0809287301227]
const B = [1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943, 5226.495278852854]
const C = [1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506, 0.022723844989269184, 0.0007745450142783414]
const D = [1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9]
const E = [6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7]
const F = [1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15]

/** c[0] + c[1]x + … + c[7]x⁷ (AS241 lists coefficients from the constant term up). */
function horner8(c: readonly number[], x: number): number {
  let y = c[7]!
  for (let i = 6; i >= 0; i--) y = y * x + c[i]!
  return y
}

/** Φ⁻¹(p) for 0 < p < 1 (AS241); ±Infinity at 0 and 1, NaN outside [0, 1]. */
export function normQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN
  if (p === 0) return -Infinity
  if (p === 1) return Infinity
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (q * horner8(A, r)) / horner8(B, r)
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p))
  let value: number
  if (r <= 5) {
    r -= 1.6
    value = horner8(C, r) / horner8(D, r)
  } else {
    r -= 5
    value = horner8(E, r) / horner8(F, r)
  }
  return q < 0 ? -value : value
}

/** P(χ²_df > x): exact closed forms for 1 and 2 degrees of freedom, the incomplete gamma otherwise. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN
  if (x <= 0) return 1
  if (df === 1) return erfc(Math.sqrt(x / 2))
  if (df === 2) return Math.exp(-x / 2)
  return gammaQ(df / 2, x / 2)
}

export function chiSquareCdf(x: number, df: number): number {
  return 1 - chiSquareSf(x, df)
}

/** P(X ≤ k) for X ~ Binomial(n, p), summing the pmf by its ratio recurrence from k = 0. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0
  if (k >= n) return 1
  if (p === 0) return 1
  if (p === 1) return 0
  let pmf = Math.exp(n * Math.log1p(-p))
  let sum = pmf
  const odds = p / (1 - p)
  for (let i = 1; i <= k; i++) {
    pmf *= ((n - i + 1) / i) * odds
    sum += pmf
  }
  return Math.min(1, sum)
}
