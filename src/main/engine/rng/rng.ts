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

/**
 * An Rng with the NumPy-parity distributions that RandomState (legacy) and Generator (PCG64)
 * both offer; each reproduces its NumPy counterpart bit for bit.
 */
export interface DistributionRng extends Rng {
  uniform(low: number, high: number): number
  normal(loc: number, scale: number): number
  lognormal(mean: number, sigma: number): number
  exponential(scale: number): number
  poisson(lam: number): number
  binomial(n: number, p: number): number
}
