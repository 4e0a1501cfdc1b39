export type { DistributionRng, Rng } from './rng'
export { Xoshiro128 } from './xoshiro128'
export { MT19937, RandomState, type LegacySeed } from './mt19937'
export { Generator, PCG64, SeedSequence, defaultRng, type SeedEntropy } from './pcg64'
/** glibc's exp, log, log1p and an exact fma, as NumPy's C code gets them on x86-64 Linux. */
export * as libm from './libm'
