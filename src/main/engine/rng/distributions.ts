import { exp, log, log1p } from './libm'

/**
 * Distributions that NumPy's RandomState and Generator share, ported from
 * numpy/random/src/distributions/distributions.c. Each consumes only uniform doubles, so it
 * takes whichever generator's next_double.
 */
export interface DoubleSource {
  nextDouble(): number
}

/** Largest lam NumPy accepts (POISSON_LAM_MAX = int64 max - 10 sqrt(int64 max)). */
const POISSON_LAM_MAX = 9.223372006484771e18

export function checkPoissonLam(lam: number): void {
  if (!(lam >= 0)) throw new RangeError('lam < 0 or lam is NaN')
  if (lam > POISSON_LAM_MAX) throw new RangeError('lam value too large')
}

/** random_poisson: multiplication for small lam, PTRS (Hörmann 1993) from lam >= 10. */
export function poisson(src: DoubleSource, lam: number): number {
  if (lam >= 10) return poissonPtrs(src, lam)
  if (lam === 0) return 0
  return poissonMult(src, lam)
}

function poissonMult(src: DoubleSource, lam: number): number {
  const enlam = exp(-lam)
  let x = 0
  let prod = 1
  for (;;) {
    prod *= src.nextDouble()
    if (!(prod > enlam)) return x
    x += 1
  }
}

function poissonPtrs(src: DoubleSource, lam: number): number {
  const slam = Math.sqrt(lam)
  const loglam = log(lam)
  const b = 0.931 + 2.53 * slam
  const a = -0.059 + 0.02483 * b
  const invalpha = 1.1239 + 1.1328 / (b - 3.4)
  const vr = 0.9277 - 3.6224 / (b - 2)
  for (;;) {
    const u = src.nextDouble() - 0.5
    const v = src.nextDouble()
    const us = 0.5 - Math.abs(u)
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43)
    if (us >= 0.07 && v <= vr) return k
    if (k < 0 || (us < 0.013 && v > us)) continue
    if (log(v) + log(invalpha) - log(a / (us * us) + b) <= -lam + k * loglam - loggam(k + 1)) return k
  }
}

const LOGGAM_COEF = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
  -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059
]
const HALF_LOG_2PI = 0.5 * log(2 * Math.PI)

/** random_loggam: log-gamma after Zhang & Jin's SPECFUN, evaluated in NumPy's order. */
export function loggam(x: number): number {
  if (x === 1 || x === 2) return 0
  let n = 0
  let x0 = x
  if (x <= 7) {
    n = Math.trunc(7 - x)
    x0 = x + n
  }
  const x2 = 1 / (x0 * x0)
  let gl0 = LOGGAM_COEF[9]!
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + LOGGAM_COEF[k]!
  let gl = gl0 / x0 + HALF_LOG_2PI + (x0 - 0.5) * log(x0) - x0
  for (let k = 1; k <= n; k++) {
    gl -= log(x0 - 1)
    x0 -= 1
  }
  return gl
}

export function checkBinomial(n: number, p: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer')
  if (!(p >= 0 && p <= 1)) throw new RangeError('p < 0, p > 1 or p is NaN')
}

/**
 * random_binomial (Generator) and legacy_random_binomial (RandomState): inversion when the mean
 * is at most 30, BTPE otherwise. The legacy path has no n == 0 / p == 0 shortcut, so it still
 * consumes a draw there, and its inversion takes q^n as exp(n log q) where NumPy 2.x's
 * Generator uses exp(n log1p(-p)).
 */
export function binomial(src: DoubleSource, n: number, p: number, legacy: boolean): number {
  if (!legacy && (n === 0 || p === 0)) return 0
  if (p <= 0.5) return p * n <= 30 ? binomialInversion(src, n, p, legacy) : binomialBtpe(src, n, p)
  const q = 1 - p
  return n - (q * n <= 30 ? binomialInversion(src, n, q, legacy) : binomialBtpe(src, n, q))
}

function binomialInversion(src: DoubleSource, n: number, p: number, legacy: boolean): number {
  const q = 1 - p
  const qn = exp(n * (legacy ? log(q) : log1p(-p)))
  const np = n * p
  const bound = Math.trunc(Math.min(n, np + 10 * Math.sqrt(np * q + 1)))
  let x = 0
  let px = qn
  let u = src.nextDouble()
  while (u > px) {
    x++
    if (x > bound) {
      x = 0
      px = qn
      u = src.nextDouble()
    } else {
      u -= px
      px = ((n - x + 1) * p * px) / (x * q)
    }
  }
  return x
}

/** BTPE (Kachitvichyanukul & Schmeiser 1988), following NumPy's step labels. */
function binomialBtpe(src: DoubleSource, n: number, p: number): number {
  const r = Math.min(p, 1 - p)
  const q = 1 - r
  const fm = n * r + r
  const m = Math.floor(fm)
  const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5
  const xm = m + 0.5
  const xl = xm - p1
  const xr = xm + p1
  const c = 0.134 + 20.5 / (15.3 + m)
  let a = (fm - xl) / (fm - xl * r)
  const laml = a * (1 + a / 2)
  a = (xr - fm) / (xr * q)
  const lamr = a * (1 + a / 2)
  const p2 = p1 * (1 + 2 * c)
  const p3 = p2 + c / laml
  const p4 = p3 + c / lamr
  const nrq = n * r * q
  for (;;) {
    const u = src.nextDouble() * p4
    let v = src.nextDouble()
    let y: number
    if (u <= p1) {
      y = Math.floor(xm - p1 * v + u) // step 10: triangular region, accept at once
      return p > 0.5 ? n - y : y
    }
    if (u <= p2) {
      const x = xl + (u - p1) / c // step 20: parallelograms
      v = v * c + 1 - Math.abs(m - x + 0.5) / p1
      if (v > 1) continue
      y = Math.floor(x)
    } else if (u <= p3) {
      y = Math.floor(xl + log(v) / laml) // step 30: left exponential tail
      if (y < 0 || v === 0) continue
      v = v * (u - p2) * laml
    } else {
      y = Math.floor(xr - log(v) / lamr) // step 40: right exponential tail
      if (y > n || v === 0) continue
      v = v * (u - p3) * lamr
    }
    const k = Math.abs(y - m)
    if (!(k > 20 && k < nrq / 2 - 1)) {
      // step 50: explicit evaluation of f(y)/f(m)
      const s = r / q
      const aa = s * (n + 1)
      let f = 1
      if (m < y) for (let i = m + 1; i <= y; i++) f *= aa / i - s
      else if (m > y) for (let i = y + 1; i <= m; i++) f /= aa / i - s
      if (v > f) continue
    } else if (!btpeSqueezeAccepts(k, v, y, n, m, r, q, nrq, xm)) {
      continue
    }
    return p > 0.5 ? n - y : y
  }
}

/** BTPE step 52: squeeze on log(v), then the Stirling-corrected bound. */
function btpeSqueezeAccepts(k: number, v: number, y: number, n: number, m: number, r: number, q: number, nrq: number, xm: number): boolean {
  const rho = (k / nrq) * ((k * (k / 3 + 0.625) + 0.16666666666666666) / nrq + 0.5)
  const t = (-k * k) / (2 * nrq)
  const A = log(v)
  if (A < t - rho) return true
  if (A > t + rho) return false
  const x1 = y + 1
  const f1 = m + 1
  const z = n + 1 - m
  const w = n - y + 1
  const x2 = x1 * x1
  const f2 = f1 * f1
  const z2 = z * z
  const w2 = w * w
  const bound =
    xm * log(f1 / x1) +
    (n - m + 0.5) * log(z / w) +
    (y - m) * log((w * r) / (x1 * q)) +
    stirlingTail(f1, f2) +
    stirlingTail(z, z2) +
    stirlingTail(x1, x2) +
    stirlingTail(w, w2)
  return !(A > bound)
}

function stirlingTail(v: number, v2: number): number {
  return (13680 - (462 - (132 - (99 - 140 / v2) / v2) / v2) / v2) / v / 166320
}

/** NumPy's kahan_sum (numpy/random/_common.pyx), used to validate choice probabilities. */
function kahanSum(p: ArrayLike<number>): number {
  let sum = p[0]!
  let c = 0
  for (let i = 1; i < p.length; i++) {
    const y = p[i]! - c
    const t = sum + y
    c = t - sum - y
    sum = t
  }
  return sum
}

const CHOICE_ATOL = Math.sqrt(2.220446049250313e-16)

/**
 * The cdf that choice(a, p=p) searches: NumPy validates p, takes cumsum (left to right) and
 * divides by the last element.
 */
export function choiceCdf(p: ArrayLike<number>, popSize: number): Float64Array {
  if (p.length !== popSize) throw new RangeError('a and p must have same size')
  for (let i = 0; i < p.length; i++) if (p[i]! < 0) throw new RangeError('probabilities are not non-negative')
  const total = kahanSum(p)
  if (Number.isNaN(total)) throw new RangeError('probabilities contain NaN')
  if (Math.abs(total - 1) > CHOICE_ATOL) throw new RangeError('probabilities do not sum to 1')
  const cdf = new Float64Array(p.length)
  let acc = 0
  for (let i = 0; i < p.length; i++) cdf[i] = acc += p[i]!
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / acc
  return cdf
}

/** searchsorted(cdf, u, side='right'): the number of entries <= u. */
export function searchSortedRight(cdf: Float64Array, u: number): number {
  let lo = 0
  let hi = cdf.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (cdf[mid]! <= u) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function checkPopulation(popSize: number): void {
  if (!Number.isSafeInteger(popSize) || popSize <= 0) throw new RangeError('a must be a positive integer unless no samples are taken')
}

/** NumPy's [low, high) bounds for the default int64 dtype, as (offset, inclusive range). */
export function intRange(low: number, high: number | undefined): [number, number] {
  const lo = high === undefined ? 0 : low
  const hi = high === undefined ? low : high
  if (!isIntWithin53Bits(lo) || !isIntWithin53Bits(hi)) throw new RangeError('low and high must be integers within ±2^53')
  if (lo >= hi) throw new RangeError('low >= high')
  const rng = hi - 1 - lo
  if (rng > Number.MAX_SAFE_INTEGER) throw new RangeError('high - low must be at most 2^53')
  return [lo, rng]
}

function isIntWithin53Bits(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) <= 9007199254740992
}

export function checkScale(value: number, name: string): void {
  if (value < 0 || Object.is(value, -0)) throw new RangeError(`${name} < 0`)
}

/**
 * NumPy's choice(a, p) for both generators, which differ only in how they draw a bounded
 * integer (legacy masked rejection vs Lemire) and a uniform: with p, searchsorted over the
 * cumulative p of one uniform; without, a bounded integer in [0, n − 1].
 */
export function choiceIndex(popSize: number, p: ArrayLike<number> | undefined, bounded: (max: number) => number, uniform: () => number): number {
  checkPopulation(popSize)
  return p === undefined ? bounded(popSize - 1) : searchSortedRight(choiceCdf(p, popSize), uniform())
}

/** choice(a, size=n, p=p): the cumulative table is built once, as NumPy does. */
export function choiceIndices(popSize: number, n: number, p: ArrayLike<number> | undefined, bounded: (max: number) => number, uniform: () => number): Float64Array {
  checkPopulation(popSize)
  const out = new Float64Array(n)
  if (p === undefined) {
    for (let i = 0; i < n; i++) out[i] = bounded(popSize - 1)
  } else {
    const cdf = choiceCdf(p, popSize)
    for (let i = 0; i < n; i++) out[i] = searchSortedRight(cdf, uniform())
  }
  return out
}
