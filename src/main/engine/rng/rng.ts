/**
 * The engine's source of randomness. Engine and lab code receive an Rng; they never call
 * Math.random. Implementations must be bit-reproducible from their seed on every platform.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number
  /** Standard normal deviate. */
  standardNormal(): number
}
