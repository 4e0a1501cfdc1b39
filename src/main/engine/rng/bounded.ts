const TWO_POW_M32 = 1 / 4294967296
const MASK_64 = (1n << 64n) - 1n

/**
 * High 32 bits of the 64-bit product of two uint32: the double product is off by < 2^12, so
 * (a*b - low word) / 2^32 is within 2^-20 of the integer; + 0.5 and truncation round it.
 */
export function mulHi(a: number, b: number): number {
  return ((a * b - (Math.imul(a, b) >>> 0)) * TWO_POW_M32 + 0.5) >>> 0
}

/**
 * buffered_bounded_lemire_uint32 (Lemire 2019): m = x * (rng + 1), redrawn while m's low word
 * is below 2^32 mod (rng + 1); returns m's high word, uniform in [0, rng]. rng < 2^32 - 1.
 */
export function lemire32(src: { nextUint32(): number }, rng: number): number {
  const excl = rng + 1
  let x = src.nextUint32()
  let leftover = Math.imul(x, excl) >>> 0
  if (leftover < excl) {
    const threshold = (0xffffffff - rng) % excl
    while (leftover < threshold) {
      x = src.nextUint32()
      leftover = Math.imul(x, excl) >>> 0
    }
  }
  return mulHi(x, excl)
}

/** bounded_lemire_uint64 with the 128-bit product; ranges beyond 32 bits are rare, so BigInt. */
export function lemire64(src: { nextUint64(): bigint }, rng: number): number {
  const excl = BigInt(rng) + 1n
  let m = src.nextUint64() * excl
  let leftover = m & MASK_64
  if (leftover < excl) {
    const threshold = (MASK_64 - BigInt(rng)) % excl
    while (leftover < threshold) {
      m = src.nextUint64() * excl
      leftover = m & MASK_64
    }
  }
  return Number(m >> 64n)
}
