import type { Rng } from './rng'

const TWO_POW_NEG_53 = 2 ** -53

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
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
