import type { Rng } from './rng'

const TWO_POW_NEG_53 = 2 ** -53

/** Scratch for fillStandardNormal's four raw outputs per pair of deviates. */
const WORDS = new Uint32Array(4)

/** SplitMix32-style mixer, used only to spread a small seed over the 128-bit state. */
function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/**
 * xoshiro128** (Blackman & Vigna 2018): the fast generator for runs that need no NumPy parity.
 * 32-bit arithmetic only (Math.imul, shifts), so every JS engine produces the same stream.
 * Normals use the Marsaglia polar method with the second deviate cached.
 */
export class Xoshiro128 implements Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  private spareNormal = 0
  private hasSpare = false

  constructor(seed: number) {
    const mixer = { s: seed >>> 0 }
    this.s0 = splitMix32(mixer)
    this.s1 = splitMix32(mixer)
    this.s2 = splitMix32(mixer)
    this.s3 = splitMix32(mixer)
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1 // the all-zero state is a fixed point
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  nextDouble(): number {
    // 27 high bits + 26 high bits, as NumPy and the reference xoshiro code build a 53-bit double.
    const a = this.nextUint32() >>> 5
    const b = this.nextUint32() >>> 6
    return (a * 67108864 + b) * TWO_POW_NEG_53
  }

  standardNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spareNormal
    }
    let u: number
    let v: number
    let s: number
    do {
      u = 2 * this.nextDouble() - 1
      v = 2 * this.nextDouble() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const factor = Math.sqrt((-2 * Math.log(s)) / s)
    this.spareNormal = v * factor
    this.hasSpare = true
    return u * factor
  }

  /**
   * out[from, to) ← the next standard normals, the same stream as that many standardNormal()
   * calls, with the state held in locals: a block-filling hot loop (Monte Carlo) pays no call
   * or property traffic per draw.
   */
  fillStandardNormal(out: Float64Array, from = 0, to = out.length): void {
    let i = from
    if (i < to && this.hasSpare) {
      this.hasSpare = false
      out[i++] = this.spareNormal
    }
    let s0 = this.s0
    let s1 = this.s1
    let s2 = this.s2
    let s3 = this.s3
    while (i < to) {
      let u = 0
      let v = 0
      let s = 0
      do {
        // Four outputs of xoshiro128** (nextUint32 inlined), two 53-bit doubles as nextDouble builds them.
        for (let w = 0; w < 4; w++) {
          WORDS[w] = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
          const t = s1 << 9
          s2 ^= s0
          s3 ^= s1
          s1 ^= s2
          s0 ^= s3
          s2 ^= t
          s3 = rotl(s3, 11)
        }
        const a0 = WORDS[0]! >>> 5
        const b0 = WORDS[1]! >>> 6
        const a1 = WORDS[2]! >>> 5
        const b1 = WORDS[3]! >>> 6
        u = 2 * ((a0 * 67108864 + b0) * TWO_POW_NEG_53) - 1
        v = 2 * ((a1 * 67108864 + b1) * TWO_POW_NEG_53) - 1
        s = u * u + v * v
      } while (s >= 1 || s === 0)
      const factor = Math.sqrt((-2 * Math.log(s)) / s)
      out[i++] = u * factor
      if (i < to) out[i++] = v * factor
      else {
        this.spareNormal = v * factor
        this.hasSpare = true
      }
    }
    this.s0 = s0
    this.s1 = s1
    this.s2 = s2
    this.s3 = s3
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
