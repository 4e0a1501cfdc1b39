/**
 * Portfolio weights over pods from their return histories, and what the weights imply: the
 * covariance and correlation between pods and each pod's contribution to portfolio risk.
 * Matrices are row-major Float64Arrays of n × n; returns are one Float64Array per pod.
 */

export type { WeightScheme } from '../../shared/contract/portfolio'

/** Sample covariance (n − 1) of the pods' returns over [from, to). */
export function covariance(returns: readonly Float64Array[], from: number, to: number): Float64Array {
  const n = returns.length
  const T = to - from
  const means = returns.map((r) => {
    let s = 0
    for (let t = from; t < to; t++) s += r[t]!
    return s / T
  })
  const cov = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const a = returns[i]!
      const b = returns[j]!
      const ma = means[i]!
      const mb = means[j]!
      let s = 0
      for (let t = from; t < to; t++) s += (a[t]! - ma) * (b[t]! - mb)
      cov[i * n + j] = cov[j * n + i] = s / (T - 1)
    }
  }
  return cov
}

/** Correlation from covariance; a pod with zero variance correlates 0 with the others (1 with itself). */
export function correlation(cov: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(cov[i * n + i]! * cov[j * n + j]!)
      out[i * n + j] = i === j ? 1 : d > 0 ? cov[i * n + j]! / d : 0
    }
  }
  return out
}

function volatilities(cov: Float64Array, n: number, scheme: string): Float64Array {
  const vol = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    vol[i] = Math.sqrt(cov[i * n + i]!)
    if (!(vol[i]! > 0)) throw new RangeError(`${scheme} weights need every pod to have a non-zero volatility (pod ${i + 1} has none)`)
  }
  return vol
}

export const equalWeights = (n: number): Float64Array => new Float64Array(n).fill(1 / n)

/** wᵢ ∝ 1/σᵢ, summing to 1. */
export function inverseVolWeights(cov: Float64Array, n: number): Float64Array {
  const vol = volatilities(cov, n, 'inverse-vol')
  const w = vol.map((v) => 1 / v)
  const s = w.reduce((a, b) => a + b, 0)
  return w.map((x) => x / s)
}

/** w′Σw. */
export function portfolioVariance(w: ArrayLike<number>, cov: Float64Array, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) v += w[i]! * cov[i * n + j]! * w[j]!
  return v
}

/** Inverse-vol weights scaled so the portfolio's ex-ante volatility per step is `target` (the sum is the leverage, not 1). */
export function volTargetWeights(cov: Float64Array, n: number, target: number): Float64Array {
  if (!(target > 0)) throw new RangeError(`the volatility target must be > 0 (got ${target})`)
  const w = inverseVolWeights(cov, n)
  const k = target / Math.sqrt(portfolioVariance(w, cov, n))
  return w.map((x) => x * k)
}

/**
 * Equal risk contribution (Maillard, Roncalli & Teïletche 2010), solved by cyclical coordinate
 * descent on the convex ½y′Σy − (1/n)Σ ln yᵢ (Griveau-Billion, Richard & Roncalli 2013): each
 * coordinate has a closed-form minimiser, the sweep order is fixed, so the answer is
 * deterministic; w = y / Σy.
 */
export function riskParityWeights(cov: Float64Array, n: number): Float64Array {
  const vol = volatilities(cov, n, 'risk-parity')
  const y = vol.map((v) => 1 / v / n)
  const b = 1 / n
  for (let sweep = 0; sweep < 10_000; sweep++) {
    let change = 0
    for (let i = 0; i < n; i++) {
      let others = 0
      for (let j = 0; j < n; j++) if (j !== i) others += cov[i * n + j]! * y[j]!
      const sii = cov[i * n + i]!
      const next = (-others + Math.sqrt(others * others + 4 * sii * b)) / (2 * sii)
      change = Math.max(change, Math.abs(next - y[i]!) / next)
      y[i] = next
    }
    if (change < 1e-15) break
  }
  const s = y.reduce((a, c) => a + c, 0)
  return y.map((x) => x / s)
}

/** Each pod's share of portfolio variance, wᵢ(Σw)ᵢ / w′Σw (they sum to 1). */
export function riskContributions(w: ArrayLike<number>, cov: Float64Array, n: number): Float64Array {
  const total = portfolioVariance(w, cov, n)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let m = 0
    for (let j = 0; j < n; j++) m += cov[i * n + j]! * w[j]!
    out[i] = total > 0 ? (w[i]! * m) / total : 0
  }
  return out
}

/** Fixed weights as given: one per pod, finite, summing to 1 within 1e-9. */
export function fixedWeights(weights: readonly number[], n: number): Float64Array {
  if (weights.length !== n) throw new RangeError(`fixed weights need one weight per pod: ${n} pods, ${weights.length} weights`)
  if (weights.some((w) => !Number.isFinite(w))) throw new RangeError('fixed weights must be finite numbers')
  const s = weights.reduce((a, b) => a + b, 0)
  if (Math.abs(s - 1) > 1e-9) throw new RangeError(`fixed weights must sum to 1 (got ${s})`)
  return Float64Array.from(weights)
}
