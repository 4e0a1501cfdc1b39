import { lemire32, lemire64, mulHi } from './bounded'
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
import { exp } from './libm'
import type { DistributionRng } from './rng'
import { SeedSequence, seedStateInto, type SeedEntropy } from './seed-sequence'
import { zigguratExponential, zigguratNormal } from './ziggurat'

export { SeedSequence } from './seed-sequence'
export type { SeedEntropy } from './seed-sequence'

/** PCG_DEFAULT_MULTIPLIER_128 = 0x2360ED051FC65DA44385DF649FCCF645, as 32-bit limbs. */
const M0 = 0x9fccf645
const M1 = 0x4385df64
const M2 = 0x1fc65da4
const M3 = 0x2360ed05
const TWO_POW_M32 = 1 / 4294967296
// Scratch for PCG64.reseed: SeedSequence's eight seeding words (JS runs one call at a time).
const SEED_STATE = new Uint32Array(8)

/**
 * NumPy's PCG64: the 128-bit LCG with XSL-RR output (pcg_setseq_128_xsl_rr_64). The state is
 * held as four 32-bit limbs so that a step costs a few float multiplies and no BigInt.
 * The last 64-bit output is left in `hi`/`lo` (int32 bit patterns; `>>> 0` for unsigned).
 */
export class PCG64 {
  hi = 0
  lo = 0
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private i0 = 0
  private i1 = 0
  private i2 = 0
  private i3 = 0
  private hasUint32 = false
  private uinteger = 0

  /** PCG64(seed): four uint64 words from SeedSequence seed the state (words 0-1) and stream (2-3). */
  constructor(seed: SeedEntropy | SeedSequence) {
    const seq = seed instanceof SeedSequence ? seed : new SeedSequence(seed)
    this.setSeed(seq.generateState(8))
  }

  /**
   * Re-seeds in place as PCG64(seed) would seed a new generator, for a safe non-negative integer
   * seed, with nothing allocated: for a notebook that calls default_rng(seed + t) every step.
   */
  reseed(seed: number): void {
    seedStateInto(seed, SEED_STATE)
    this.setSeed(SEED_STATE)
  }

  /**
   * pcg_setseq_128_srandom_r from SeedSequence's generate_state(8, uint32): uint64 word k is
   * words[2k] (low) and words[2k + 1] (high); initstate = w0·2^64 + w1, initseq = w2·2^64 + w3.
   * inc = initseq·2 + 1; the state steps from 0 (to inc), adds initstate, and steps once more.
   */
  private setSeed(words: Uint32Array): void {
    const q0 = words[6]!
    const q1 = words[7]!
    const q2 = words[4]!
    const q3 = words[5]!
    this.i0 = ((q0 << 1) | 1) | 0
    this.i1 = ((q1 << 1) | (q0 >>> 31)) | 0
    this.i2 = ((q2 << 1) | (q1 >>> 31)) | 0
    this.i3 = ((q3 << 1) | (q2 >>> 31)) | 0
    // state = inc + initstate mod 2^128, limb by limb with the carry
    const c0 = (this.i0 >>> 0) + words[2]!
    const c1 = (this.i1 >>> 0) + words[3]! + (c0 > 0xffffffff ? 1 : 0)
    const c2 = (this.i2 >>> 0) + words[0]! + (c1 > 0xffffffff ? 1 : 0)
    const c3 = (this.i3 >>> 0) + words[1]! + (c2 > 0xffffffff ? 1 : 0)
    this.s0 = c0 | 0
    this.s1 = c1 | 0
    this.s2 = c2 | 0
    this.s3 = c3 | 0
    this.next64() // state = state·M + inc; its output is not a draw
    this.hi = 0
    this.lo = 0
    this.hasUint32 = false
    this.uinteger = 0
  }

  /** Sets the raw 128-bit state and increment, as NumPy's bit_generator.state does. */
  setState(state: bigint, inc: bigint): void {
    const word = (v: bigint, i: bigint): number => Number((v >> (32n * i)) & 0xffffffffn) | 0 // int32 fields stay small ints
    this.s0 = word(state, 0n)
    this.s1 = word(state, 1n)
    this.s2 = word(state, 2n)
    this.s3 = word(state, 3n)
    this.i0 = word(inc, 0n)
    this.i1 = word(inc, 1n)
    this.i2 = word(inc, 2n)
    this.i3 = word(inc, 3n)
    this.hasUint32 = false
    this.uinteger = 0
  }

  getState(): { state: bigint; inc: bigint; hasUint32: boolean; uinteger: number } {
    const join = (a: number, b: number, c: number, d: number): bigint =>
      (BigInt(d >>> 0) << 96n) | (BigInt(c >>> 0) << 64n) | (BigInt(b >>> 0) << 32n) | BigInt(a >>> 0)
    return {
      state: join(this.s0, this.s1, this.s2, this.s3),
      inc: join(this.i0, this.i1, this.i2, this.i3),
      hasUint32: this.hasUint32,
      uinteger: this.uinteger
    }
  }

  /** Steps the LCG and leaves the 64-bit output in hi/lo (as int32 bit patterns). */
  next64(): void {
    const a0 = this.s0 >>> 0
    const a1 = this.s1 >>> 0
    const a2 = this.s2 >>> 0
    const a3 = this.s3
    // state * M + inc mod 2^128, column by column; partial sums stay far below 2^53.
    const c0 = (Math.imul(a0, M0) >>> 0) + (this.i0 >>> 0)
    const n0 = c0 >>> 0
    const c1 =
      mulHi(a0, M0) + (Math.imul(a0, M1) >>> 0) + (Math.imul(a1, M0) >>> 0) + (this.i1 >>> 0) + (c0 - n0) * TWO_POW_M32
    const n1 = c1 >>> 0
    const c2 =
      mulHi(a0, M1) +
      mulHi(a1, M0) +
      (Math.imul(a0, M2) >>> 0) +
      (Math.imul(a1, M1) >>> 0) +
      (Math.imul(a2, M0) >>> 0) +
      (this.i2 >>> 0) +
      (c1 - n1) * TWO_POW_M32
    const n2 = c2 >>> 0
    const n3 =
      (mulHi(a0, M2) +
        mulHi(a1, M1) +
        mulHi(a2, M0) +
        Math.imul(a0, M3) +
        Math.imul(a1, M2) +
        Math.imul(a2, M1) +
        Math.imul(a3, M0) +
        this.i3 +
        (c2 - n2) * TWO_POW_M32) |
      0
    this.s0 = n0 | 0
    this.s1 = n1 | 0
    this.s2 = n2 | 0
    this.s3 = n3
    // XSL-RR: xor the halves, rotate right by the top six bits; branch-free, as rot is random.
    const rot = n3 >>> 26
    const swap = -(rot >>> 5)
    const x1 = n3 ^ n1
    const x0 = n2 ^ n0
    const h = (x1 & ~swap) | (x0 & swap)
    const l = (x0 & ~swap) | (x1 & swap)
    const r = rot & 31
    this.hi = (h >>> r) | ((l << (31 - r)) << 1)
    this.lo = (l >>> r) | ((h << (31 - r)) << 1)
  }

  nextUint64(): bigint {
    this.next64()
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0)
  }

  /** pcg64_next32: the low half of a 64-bit draw now, the high half on the next call. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false
      return this.uinteger
    }
    this.next64()
    this.hasUint32 = true
    this.uinteger = this.hi >>> 0
    return this.lo >>> 0
  }

  /** next_double: the top 53 bits of a 64-bit draw. */
  nextDouble(): number {
    this.next64()
    return ((this.hi >>> 0) * 2097152 + (this.lo >>> 11)) * 1.1102230246251565e-16
  }
}

/** np.random.default_rng(seed): a Generator over PCG64 seeded through SeedSequence. */
export function defaultRng(seed: SeedEntropy | SeedSequence): Generator {
  return new Generator(seed)
}

/**
 * NumPy's Generator (numpy/random/_generator.pyx) over PCG64. Same seed and same call sequence
 * give NumPy's doubles and integers bit for bit. NumPy's size= forms draw element by element
 * with the same kernels (the 32-bit buffer lives in the bit generator), so the *Array helpers
 * are loops too.
 */
export class Generator implements DistributionRng {
  readonly bitGenerator: PCG64

  /** Generator(PCG64(seed)); a PCG64 instance is used as is (and shared). */
  constructor(seed: SeedEntropy | SeedSequence | PCG64) {
    this.bitGenerator = seed instanceof PCG64 ? seed : new PCG64(seed)
  }

  /** This generator, now as default_rng(seed) would start (its bit generator re-seeded in place). */
  reseed(seed: number): this {
    this.bitGenerator.reseed(seed)
    return this
  }

  nextUint32(): number {
    return this.bitGenerator.nextUint32()
  }

  nextDouble(): number {
    return this.bitGenerator.nextDouble()
  }

  /** random(): next_double. */
  random(): number {
    return this.bitGenerator.nextDouble()
  }

  randomArray(n: number): Float64Array {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.bitGenerator.nextDouble()
    return out
  }

  /** random_standard_normal: the 256-layer ziggurat. */
  standardNormal(): number {
    return zigguratNormal(this.bitGenerator)
  }

  standardNormalArray(n: number): Float64Array {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = this.standardNormal()
    return out
  }

  /** random_normal: loc + scale * z. */
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

  /** random_uniform: low + (high - low) * U; NumPy's Generator rejects high < low. */
  uniform(low = 0, high = 1): number {
    const range = uniformRange(low, high)
    return low + range * this.bitGenerator.nextDouble()
  }

  uniformArray(low: number, high: number, n: number): Float64Array {
    const range = uniformRange(low, high)
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = low + range * this.bitGenerator.nextDouble()
    return out
  }

  /**
   * integers(low, high) with the default int64 dtype: Lemire's method (random_bounded_uint64,
   * use_masked=False). Ranges that fit in 32 bits take buffered 32-bit draws.
   */
  integers(low: number, high?: number): number {
    const [off, rng] = intRange(low, high)
    return off + this.boundedLemire(rng)
  }

  integersArray(low: number, high: number | undefined, n: number): Float64Array {
    const [off, rng] = intRange(low, high)
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = off + this.boundedLemire(rng)
    return out
  }

  /** choice(a, p=p): with p, searchsorted over cumsum(p) of random(); else integers(0, n). */
  choice(a: number, p?: ArrayLike<number>): number
  choice<T>(a: readonly T[], p?: ArrayLike<number>): T
  choice<T>(a: number | readonly T[], p?: ArrayLike<number>): number | T {
    const idx = choiceIndex(typeof a === 'number' ? a : a.length, p, (max) => this.boundedLemire(max), () => this.bitGenerator.nextDouble())
    return typeof a === 'number' ? idx : a[idx]!
  }

  choiceArray(a: number, n: number, p?: ArrayLike<number>): Float64Array {
    return choiceIndices(a, n, p, (max) => this.boundedLemire(max), () => this.bitGenerator.nextDouble())
  }

  /** random_lognormal: exp(random_normal). */
  lognormal(mean = 0, sigma = 1): number {
    checkScale(sigma, 'sigma')
    return exp(mean + sigma * this.standardNormal())
  }

  /** random_standard_exponential (method='zig'). */
  standardExponential(): number {
    return zigguratExponential(this.bitGenerator)
  }

  /** random_exponential: scale * standard exponential (ziggurat). */
  exponential(scale = 1): number {
    checkScale(scale, 'scale')
    return scale * this.standardExponential()
  }

  /** random_poisson. */
  poisson(lam = 1): number {
    checkPoissonLam(lam)
    return poisson(this.bitGenerator, lam)
  }

  /** random_binomial. */
  binomial(n: number, p: number): number {
    checkBinomial(n, p)
    return binomial(this.bitGenerator, n, p, false)
  }

  /**
   * A uniform integer in [0, rng]: random_bounded_uint64 with Lemire's rejection; a full 32-bit
   * range takes next_uint32 as is, as NumPy does.
   */
  private boundedLemire(rng: number): number {
    if (rng === 0) return 0
    if (rng < 0xffffffff) return lemire32(this.bitGenerator, rng)
    if (rng === 0xffffffff) return this.bitGenerator.nextUint32()
    return lemire64(this.bitGenerator, rng)
  }
}

function uniformRange(low: number, high: number): number {
  const range = high - low
  if (!Number.isFinite(range)) throw new RangeError('high - low range exceeds valid bounds')
  if (range < 0) throw new RangeError('high - low < 0')
  return range
}
