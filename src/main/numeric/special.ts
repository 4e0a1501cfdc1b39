// Special functions the regime baselines need, to double precision. References in the tests are
// SciPy's (scipy.special.gammaln, gammainc, stdtr-based Student-t log density).

// Lanczos approximation, g = 7, nine coefficients (Godfrey's set, as in Numerical Recipes 3rd ed.
// §6.1 and Boost); relative error below 2e-15 for x > 0.
const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
]
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI)

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0 (got ${x})`)
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0]!
  const t = z + LANCZOS_G + 0.5
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i)
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** The series of P(a, x) without its prefix xᵃe⁻ˣ/Γ(a): converges fast for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < 1000; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break
  }
  return sum
}

/** Lentz's continued fraction of Q(a, x) without its prefix: converges fast for x ≥ a + 1. */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return h
}

function checkGamma(name: string, a: number, x: number): void {
  if (!(a > 0)) throw new RangeError(`${name} needs a > 0 (got ${a})`)
  if (!(x >= 0)) throw new RangeError(`${name} needs x ≥ 0 (got ${x})`)
}

/**
 * The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), for a > 0, x ≥ 0:
 * its series where it converges fast (x < a + 1), else 1 − the Lentz continued fraction of Q.
 */
export function gammaP(a: number, x: number): number {
  checkGamma('gammaP', a, x)
  if (x === 0) return 0
  const prefix = Math.exp(a * Math.log(x) - x - logGamma(a))
  return x < a + 1 ? Math.min(1, lowerSeries(a, x) * prefix) : Math.max(0, 1 - prefix * upperFraction(a, x))
}

/** The upper one, Q(a, x) = 1 − P(a, x), computed directly where it is small (x ≥ a + 1), so tails keep their digits. */
export function gammaQ(a: number, x: number): number {
  checkGamma('gammaQ', a, x)
  if (x === 0) return 1
  const prefix = Math.exp(a * Math.log(x) - x - logGamma(a))
  return x < a + 1 ? Math.max(0, 1 - lowerSeries(a, x) * prefix) : Math.min(1, prefix * upperFraction(a, x))
}

/** Log density of a Student-t with ν degrees of freedom, location μ and scale s (s² is not the variance). */
export function studentTLogPdf(x: number, nu: number, mu: number, scale: number): number {
  const z = (x - mu) / scale
  return logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(scale) - ((nu + 1) / 2) * Math.log1p((z * z) / nu)
}
