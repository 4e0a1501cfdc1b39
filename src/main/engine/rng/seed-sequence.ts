/**
 * NumPy's SeedSequence (numpy/random/bit_generator.pyx): hashes user entropy into a 128-bit pool
 * and expands it into seeding words. default_rng(seed) and PCG64(seed) seed through it.
 */

const POOL_SIZE = 4
const INIT_A = 0x43b0d7e5
const MULT_A = 0x931e8875
const INIT_B = 0x8b51f9dd
const MULT_B = 0x58f38ded
const MIX_MULT_L = 0xca01f9dd
const MIX_MULT_R = 0x4973f715

/** A non-negative integer (number up to 2^53, or bigint) or a sequence of them. */
export type SeedEntropy = number | bigint | readonly (number | bigint)[]

/** _coerce_to_uint32_array: each integer becomes its 32-bit words, least significant first. */
export function entropyToWords(entropy: SeedEntropy): number[] {
  if (typeof entropy === 'number' || typeof entropy === 'bigint') return intToWords(entropy)
  const words: number[] = []
  for (const v of entropy) words.push(...intToWords(v))
  return words
}

function intToWords(value: number | bigint): number[] {
  if (typeof value === 'number') {
    const words = [0, 0]
    words.length = numberToWords(value, words)
    return words
  }
  let n = value
  if (n < 0n) throw new RangeError('expected non-negative integer')
  if (n === 0n) return [0]
  const words: number[] = []
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn))
    n >>= 32n
  }
  return words
}

/**
 * A safe non-negative integer's 32-bit words, least significant first, into out (two at most);
 * returns how many. Plain float arithmetic is exact below 2^53, so no BigInt is needed.
 */
function numberToWords(value: number, out: number[] | Uint32Array): number {
  if (!Number.isSafeInteger(value)) throw new RangeError('seed must be a safe integer or a bigint')
  if (value < 0) throw new RangeError('expected non-negative integer')
  out[0] = value >>> 0
  const high = Math.floor(value / 4294967296)
  if (high === 0) return 1
  out[1] = high
  return 2
}

export class SeedSequence {
  readonly pool: Uint32Array
  readonly spawnKey: readonly number[]
  private childrenSpawned = 0

  constructor(
    readonly entropy: SeedEntropy,
    spawnKey: readonly number[] = []
  ) {
    this.spawnKey = [...spawnKey]
    let words = entropyToWords(entropy)
    const spawnWords = entropyToWords(this.spawnKey)
    if (this.spawnKey.length === 0) {
      spawnWords.length = 0
    } else if (words.length < POOL_SIZE) {
      // NumPy pads the run entropy to the pool size so that spawn keys cannot alias other seeds.
      words = [...words, ...new Array<number>(POOL_SIZE - words.length).fill(0)]
    }
    this.pool = mixEntropy([...words, ...spawnWords])
  }

  /** generate_state(n, uint32). */
  generateState(nWords: number): Uint32Array {
    const out = new Uint32Array(nWords)
    generateStateInto(this.pool, out)
    return out
  }

  /** generate_state(n, uint64): pairs of 32-bit words, low word first. */
  generateState64(nWords: number): bigint[] {
    const words = this.generateState(2 * nWords)
    const out: bigint[] = []
    for (let i = 0; i < nWords; i++) out.push((BigInt(words[2 * i + 1]!) << 32n) | BigInt(words[2 * i]!))
    return out
  }

  /** spawn(n): children keyed by this sequence's spawn key extended with a running index. */
  spawn(nChildren: number): SeedSequence[] {
    const children: SeedSequence[] = []
    for (let i = this.childrenSpawned; i < this.childrenSpawned + nChildren; i++) children.push(new SeedSequence(this.entropy, [...this.spawnKey, i]))
    this.childrenSpawned += nChildren
    return children
  }
}

function mixEntropy(entropy: readonly number[]): Uint32Array {
  const pool = new Uint32Array(POOL_SIZE)
  mixEntropyInto(entropy, entropy.length, pool)
  return pool
}

// Scratch for seedStateInto: the words of one integer and its pool (JS runs one call at a time).
const SEED_WORDS = new Uint32Array(2)
const SEED_POOL = new Uint32Array(POOL_SIZE)

/**
 * SeedSequence(seed).generate_state(out.length) for a safe non-negative integer seed, with nothing
 * allocated: what default_rng(seed) hashes, for callers that re-seed a generator every step.
 */
export function seedStateInto(seed: number, out: Uint32Array): void {
  const n = numberToWords(seed, SEED_WORDS)
  mixEntropyInto(SEED_WORDS, n, SEED_POOL)
  generateStateInto(SEED_POOL, out)
}

/** generate_state(out.length, uint32) of a pool. */
function generateStateInto(pool: Uint32Array, out: Uint32Array): void {
  let hashConst = INIT_B
  for (let i = 0; i < out.length; i++) {
    let v = pool[i % POOL_SIZE]! ^ hashConst
    hashConst = Math.imul(hashConst, MULT_B) >>> 0
    v = Math.imul(v, hashConst) >>> 0
    out[i] = (v ^ (v >>> 16)) >>> 0
  }
}

/** hashmix with the hash constant before its update (the caller advances it: hashConst · MULT_A). */
function hashmix(value: number, hashConst: number): number {
  const v = Math.imul((value ^ hashConst) >>> 0, Math.imul(hashConst, MULT_A)) >>> 0
  return (v ^ (v >>> 16)) >>> 0
}

function mix(x: number, y: number): number {
  const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0
  return (r ^ (r >>> 16)) >>> 0
}

/** mix_entropy of entropy[0, n) into pool, in 32-bit integer arithmetic. */
function mixEntropyInto(entropy: ArrayLike<number>, n: number, pool: Uint32Array): void {
  let hashConst = INIT_A
  for (let i = 0; i < POOL_SIZE; i++) {
    pool[i] = hashmix(i < n ? entropy[i]! : 0, hashConst)
    hashConst = Math.imul(hashConst, MULT_A) >>> 0
  }
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src === dst) continue
      pool[dst] = mix(pool[dst]!, hashmix(pool[src]!, hashConst))
      hashConst = Math.imul(hashConst, MULT_A) >>> 0
    }
  }
  for (let src = POOL_SIZE; src < n; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!, hashConst))
      hashConst = Math.imul(hashConst, MULT_A) >>> 0
    }
  }
}
