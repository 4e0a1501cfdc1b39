import { logGamma } from './special'

// Student's t distribution for confidence intervals on small samples (a seed ensemble of
// 5–50 runs): its CDF through the regularised incomplete beta function, and the quantile by
// bisection on the CDF (deterministic, ~1e-14 absolute). References: Numerical Recipes 3rd ed.
// §6.4 (betacf, Lentz's continued fraction) and §6.14 (t from the incomplete beta).

/** Regularised incomplete beta I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incompleteBeta needs a, b > 0 (got ${a}, ${b})`)
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta needs 0 ≤ x ≤ 1 (got ${x})`)
  if (x === 0 || x === 1) return x
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x))
  // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b
}

const TINY = 1e-300
const nonZero = (v: number): number => (Math.abs(v) < TINY ? TINY : v)

/** The incomplete beta's continued fraction by the modified Lentz method, two terms per round (even, odd). */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1
  let d = 1 / nonZero(1 - ((a + b) * x) / (a + 1))
  let h = d
  // One Lentz step with coefficient aa: returns the factor that multiplies h.
  const step = (aa: number): number => {
    d = 1 / nonZero(1 + aa * d)
    c = nonZero(1 + aa / c)
    return d * c
  }
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m
    h *= step((m * (b - m) * x) / ((a + m2 - 1) * (a + m2)))
    const del = step((-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)))
    h *= del
    if (Math.abs(del - 1) < 1e-16) break
  }
  return h
}

/** P(T ≤ x) for Student's t with `df` degrees of freedom. */
export function studentTCdf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf needs df > 0 (got ${df})`)
  if (x === 0) return 0.5
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + x * x))
  return x > 0 ? 1 - tail : tail
}

/** The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs 0 < p < 1 (got ${p})`)
  if (p === 0.5) return 0
  if (p < 0.5) return -studentTQuantile(1 - p, df)
  // Bracket [0, hi] with the CDF above p at hi, then halve it to the last representable step.
  let lo = 0
  let hi = 1
  while (studentTCdf(hi, df) < p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi)
    if (studentTCdf(mid, df) < p) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}
