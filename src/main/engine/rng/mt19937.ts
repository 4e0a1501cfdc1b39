import {
  binomial,
  checkBinomial,
  checkPoissonLam,
  checkScale,
  choiceIndex,
  choiceIndices,
  intRange,
  poisson,
} from './distributions'
import { Gesdd } from './gesdd'
import { exp, log } from './libm'
import type { DistributionRng } from './rng'

const N = 624
const M = 397
const MATRIX_A = 0x9908b0df
const UPPER_MASK = 0x80000000
const LOWER_MASK = 0x7fffffff
const TWO_POW_32 = 4294967296

/** MT19937 (Matsumoto & Nishimura 1998) as numpy/random/src/mt19937 implements it. */
export class MT19937 {
  private readonly key = new Int32Array(N)
  private pos = N

  /** mt19937_seed: the reference init_genrand, which NumPy's legacy seeding uses for an int. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError('Seed must be between 0 and 2**32 - 1')
    let s = seed >>> 0
    for (let i = 0; i < N; i++) {
      this.key[i] = s
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0
    }
    this.pos = N
  }

  /** mt19937_init_by_array, used by NumPy for an array seed. */
  initByArray(initKey: ArrayLike<number>): void {
    if (initKey.length === 0) throw new RangeError('Seed must be non-empty')
    for (let i = 0; i < initKey.length; i++) {
      const v = initKey[i]!
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError('Seed must be between 0 and 2**32 - 1')
    }
    this.seed(19650218)
    const mt = this.key
    let i = 1
    let j = 0
    for (let k = Math.max(N, initKey.length); k > 0; k--) {
      const prev = mt[i - 1]!
      mt[i] = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + initKey[j]! + j
      i++
      j++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
      if (j >= initKey.length) j = 0
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!
      mt[i] = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i
      i++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
    }
    mt[0] = UPPER_MASK // MSB set: the state is never all zero
    this.pos = N
  }

  nextUint32(): number {
    if (this.pos >= N) this.twist()
    let y = this.key[this.pos++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }

  /** mt19937_next_double: 27 + 26 bits. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }

  getState(): { key: Uint32Array; pos: number } {
    return { key: new Uint32Array(this.key), pos: this.pos }
  }

  private twist(): void {
    const mt = this.key
    let i = 0
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK)
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK)
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK)
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A)
    this.pos = 0
  }
}

export type LegacySeed = number | ArrayLike<number>

/**
 * NumPy's legacy generator, np.random.RandomState / np.random.seed: same seed and same call
 * sequence give the same doubles and integers as NumPy, bit for bit. The size= forms of NumPy's
 * legacy methods are plain repeated scalar draws, so the *Array helpers are loops. There is no
 * unseeded form: engine runs are reproducible by construction.
 */
export class RandomState implements DistributionRng {
  private readonly mt = new MT19937()
  private hasGauss = false
  private gauss = 0
  private mvnZ = new Float64Array(0)
  private mvnSvd: Gesdd | null = null
  /** The covariance the factor in mvnSvd is of (its s already square-rooted), while mvnFactored. */
  private mvnCov = new Float64Array(0)
  private mvnFactored = false

  constructor(seed: LegacySeed) {
    this.seed(seed)
  }

  /** _legacy_seeding: an int goes to init_genrand, a sequence to init_by_array. */
  seed(seed: LegacySeed): void {
    if (typeof seed === 'number') this.mt.seed(seed)
    else this.mt.initByArray(seed)
    this.hasGauss = false
    this.gauss = 0
  }

  getState(): { key: Uint32Array; pos: number; hasGauss: boolean; gauss: number } {
    return { ...this.mt.getState(), hasGauss: this.hasGauss, gauss: this.gauss }
  }

  nextUint32(): number {
    return this.mt.nextUint32()
  }

  nextDouble(): number {
    return this.mt.nextDouble()
  }

  /** random_sample(); random() and rand() are NumPy's aliases. */
  randomSample(): number {
    return this.mt.nextDouble()
  }

  random(): number {
    return this.mt.nextDouble()
  }

  rand(): number {
    return this.mt.nextDouble()
  }

  randomSampleArray(n: number): Float64Array {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.mt.nextDouble()
    return out
  }

  /** legacy_gauss: Marsaglia's polar method; the second deviate is kept for the next call. */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false
      const cached = this.gauss
      this.gauss = 0
      return cached
    }
    let x1: number
    let x2: number
    let r2: number
    do {
      x1 = 2 * this.mt.nextDouble() - 1
      x2 = 2 * this.mt.nextDouble() - 1
      r2 = x1 * x1 + x2 * x2
    } while (r2 >= 1 || r2 === 0)
    const f = Math.sqrt((-2 * log(r2)) / r2)
    this.gauss = f * x1
    this.hasGauss = true
    return f * x2
  }

  /** randn(): NumPy's alias of standard_normal(). */
  randn(): number {
    return this.standardNormal()
  }

  standardNormalArray(n: number): Float64Array {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.standardNormal()
    return out
  }

  /** legacy_normal: loc + scale * gauss. */
  normal(loc = 0, scale = 1): number {
    checkScale(scale, 'scale')
    return loc + scale * this.standardNormal()
  }

  normalArray(loc: number, scale: number, n: number): Float64Array {
    checkScale(scale, 'scale')
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = loc + scale * this.standardNormal()
    return out
  }

  /** random_uniform: low + (high - low) * U; legacy allows high < low. */
  uniform(low = 0, high = 1): number {
    const range = high - low
    if (!Number.isFinite(range)) throw new RangeError('Range exceeds valid bounds')
    return low + range * this.mt.nextDouble()
  }

  uniformArray(low: number, high: number, n: number): Float64Array {
    const range = high - low
    if (!Number.isFinite(range)) throw new RangeError('Range exceeds valid bounds')
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = low + range * this.mt.nextDouble()
    return out
  }

  /**
   * randint(low, high) with NumPy's default int64 dtype: masked rejection
   * (random_bounded_uint64 with use_masked), 32-bit draws when the range fits in 32 bits.
   */
  randint(low: number, high?: number): number {
    const [off, rng] = intRange(low, high)
    return off + this.maskedBelowOrEqual(rng)
  }

  randintArray(low: number, high: number | undefined, n: number): Float64Array {
    const [off, rng] = intRange(low, high)
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = off + this.maskedBelowOrEqual(rng)
    return out
  }

  /** choice(a, p=p): with p, searchsorted over cumsum(p) of random_sample(); else randint(0, n). */
  choice(a: number, p?: ArrayLike<number>): number
  choice<T>(a: readonly T[], p?: ArrayLike<number>): T
  choice<T>(a: number | readonly T[], p?: ArrayLike<number>): number | T {
    const idx = choiceIndex(typeof a === 'number' ? a : a.length, p, (max) => this.maskedBelowOrEqual(max), () => this.mt.nextDouble())
    return typeof a === 'number' ? idx : a[idx]!
  }

  choiceArray(a: number, n: number, p?: ArrayLike<number>): Float64Array {
    return choiceIndices(a, n, p, (max) => this.maskedBelowOrEqual(max), () => this.mt.nextDouble())
  }

  /**
   * multivariate_normal(mean, cov) with size=None and NumPy's default method='svd' (mtrand.pyx):
   * n standard normals first, then cov is factored by numpy.linalg.svd (LAPACK dgesdd, ported in
   * gesdd.ts with its signs) and x = z @ (sqrt(s)[:, None] * vh) + mean, the product summed in
   * index order as BLAS gemv does. cov is row-major n × n. NumPy's PSD check only warns, so it is
   * the caller's: a lab refuses a covariance that is not positive semi-definite in its config.
   */
  multivariateNormal(mean: ArrayLike<number>, cov: ArrayLike<number>, out: Float64Array = new Float64Array(mean.length)): Float64Array {
    const n = mean.length
    if (cov.length !== n * n) throw new RangeError(`cov must be ${n} × ${n} to match mean (got ${cov.length} entries)`)
    let z = this.mvnZ
    if (z.length !== n) {
      z = this.mvnZ = new Float64Array(n)
      this.mvnSvd = new Gesdd(n)
      this.mvnCov = new Float64Array(n * n)
      this.mvnFactored = false
    }
    for (let i = 0; i < n; i++) z[i] = this.standardNormal()
    const svd = this.mvnSvd!
    const { s, vt } = svd
    // the factor is a function of cov's bits alone: the same cov as last call (a lab whose Σ_t is
    // unchanged between steps) reuses it, bit for bit, instead of factoring again
    if (!this.mvnFactored || !sameBits(this.mvnCov, cov)) {
      this.mvnFactored = false // a refused cov (NaN) leaves no factor behind
      svd.factor(cov)
      for (let k = 0; k < n; k++) s[k] = Math.sqrt(s[k]!)
      this.mvnCov.set(cov)
      this.mvnFactored = true
    }
    for (let j = 0; j < n; j++) {
      let acc = 0
      for (let k = 0; k < n; k++) acc += z[k]! * (s[k]! * vt[k * n + j]!)
      out[j] = acc + mean[j]!
    }
    return out
  }

  /** legacy_lognormal: exp(legacy_normal). */
  lognormal(mean = 0, sigma = 1): number {
    checkScale(sigma, 'sigma')
    return exp(mean + sigma * this.standardNormal())
  }

  /** legacy_exponential: scale * -log(1 - U). */
  exponential(scale = 1): number {
    checkScale(scale, 'scale')
    return scale * -log(1 - this.mt.nextDouble())
  }

  standardExponential(): number {
    return -log(1 - this.mt.nextDouble())
  }

  /** legacy_random_poisson = random_poisson over MT19937's doubles. */
  poisson(lam = 1): number {
    checkPoissonLam(lam)
    return poisson(this.mt, lam)
  }

  /** legacy_random_binomial. */
  binomial(n: number, p: number): number {
    checkBinomial(n, p)
    return binomial(this.mt, n, p, true)
  }

  /**
   * legacy_standard_gamma: shape 1 is standard_exponential, shape 0 is 0; below 1 Johnk-style
   * rejection on U and an exponential; above 1 Marsaglia–Tsang over legacy_gauss and U.
   */
  standardGamma(shape: number): number {
    if (!(shape >= 0)) throw new RangeError('shape < 0')
    if (shape === 1.0) return this.standardExponential()
    if (shape === 0.0) return 0.0
    if (shape < 1.0) {
      for (;;) {
        const U = this.mt.nextDouble()
        const V = this.standardExponential()
        if (U <= 1.0 - shape) {
          const X = Math.pow(U, 1.0 / shape)
          if (X <= V) return X
        } else {
          const Y = -log((1 - U) / shape)
          const X = Math.pow(1.0 - shape + shape * Y, 1.0 / shape)
          if (X <= V + Y) return X
        }
      }
    }
    const b = shape - 1.0 / 3.0
    const c = 1.0 / Math.sqrt(9 * b)
    for (;;) {
      let X: number
      let V: number
      do {
        X = this.standardNormal()
        V = 1.0 + c * X
      } while (V <= 0.0)
      V = V * V * V
      const U = this.mt.nextDouble()
      if (U < 1.0 - 0.0331 * (X * X) * (X * X)) return b * V
      if (log(U) < 0.5 * X * X + b * (1.0 - V + log(V))) return b * V
    }
  }

  /** legacy_standard_t: √(df/2)·gauss/√(standard_gamma(df/2)) (the normal first). */
  standardT(df: number): number {
    if (!(df > 0)) throw new RangeError('df <= 0')
    const num = this.standardNormal()
    const denom = this.standardGamma(df / 2)
    return (Math.sqrt(df / 2) * num) / Math.sqrt(denom)
  }

  /**
   * A uniform integer in [0, rng] by masked rejection (bounded_masked_uint64 / _uint32); a 64-bit
   * draw (mt19937_next64) takes its high word first.
   */
  private maskedBelowOrEqual(rng: number): number {
    if (rng === 0) return 0
    if (rng <= 0xffffffff) {
      const mask = bitMask(rng)
      for (;;) {
        const v = (this.mt.nextUint32() & mask) >>> 0
        if (v <= rng) return v
      }
    }
    const maskHi = bitMask(Math.floor(rng / TWO_POW_32))
    for (;;) {
      const hi = (this.mt.nextUint32() & maskHi) >>> 0
      const v = hi * TWO_POW_32 + this.mt.nextUint32()
      if (v <= rng) return v
    }
  }
}

/** Smallest all-ones mask >= x, for x < 2^32. */
/** Whether b holds a's doubles bit for bit (−0 and 0 told apart), first entries first. */
function sameBits(a: Float64Array, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x !== y || (x === 0 && 1 / x !== 1 / y)) return false
  }
  return true
}

function bitMask(x: number): number {
  let m = x >>> 0
  m |= m >>> 1
  m |= m >>> 2
  m |= m >>> 4
  m |= m >>> 8
  m |= m >>> 16
  return m >>> 0
}
