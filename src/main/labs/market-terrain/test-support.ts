/**
 * Uniform noise in [−0.5, 0.5) from a 31-bit linear congruential generator (glibc's constants):
 * a test input that any reader can replay by hand, independent of the engine's generators.
 */
export function lcgNoise(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648 - 0.5
  }
}
