import type { Rng } from '../../../engine/rng'
import { type Features, checkFeatures, checkK, labelMeans } from './features'
import { type JumpModelOptions, type JumpModelResult, fitJumpModel } from './jump-model'

// The sparse jump model (Nystrup, Kolm & Lindström 2021, after Witten & Tibshirani's sparse
// K-means 2010): feature weights w ≥ 0 with ‖w‖₂ = 1 and ‖w‖₁ ≤ κ. Alternate (a) the jump
// model on features scaled by √w and (b) w maximising Σ_f w_f·BCSS_f, the between-cluster sum of
// squares of each feature under those labels, which is a soft-thresholded, normalised BCSS.
// κ = √F gives equal weights (the plain jump model); κ = 1 keeps a single feature.

export interface SparseJumpResult extends JumpModelResult {
  /** Feature weights, ‖w‖₂ = 1, ‖w‖₁ ≤ κ. */
  weights: Float64Array
  /** Outer (weight) iterations run. */
  outer: number
}

export interface SparseJumpOptions extends JumpModelOptions {
  maxOuter?: number
}

/**
 * argmax_w Σ w_f a_f subject to ‖w‖₂ ≤ 1, ‖w‖₁ ≤ κ, w ≥ 0 (Witten & Tibshirani 2010, Prop. 1):
 * w = S(a, Δ)/‖S(a, Δ)‖₂ with S the soft threshold and Δ = 0 if that meets the L1 bound, else
 * the Δ (found by bisection) at which ‖w‖₁ = κ.
 */
export function sparseWeights(a: Float64Array, kappa: number): Float64Array {
  const F = a.length
  if (!(kappa >= 1) || kappa > Math.sqrt(F) + 1e-12) throw new RangeError(`kappa must be in [1, √F = ${Math.sqrt(F).toFixed(4)}] (got ${kappa})`)
  const pos = a.map((v) => Math.max(v, 0))
  const threshold = (delta: number): Float64Array => {
    const s = pos.map((v) => Math.max(v - delta, 0))
    let n = 0
    for (const v of s) n += v * v
    n = Math.sqrt(n)
    return n > 0 ? s.map((v) => v / n) : s
  }
  const l1 = (w: Float64Array): number => w.reduce((x, y) => x + y, 0)
  let w = threshold(0)
  if (l1(w) <= kappa) return w
  let lo = 0
  let hi = Math.max(...pos)
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2
    if (l1(threshold(mid)) > kappa) lo = mid
    else hi = mid
  }
  w = threshold(hi)
  return w
}

/** Between-cluster sum of squares of each feature: total SS minus within-label SS. */
export function betweenClusterSS(f: Features, labels: Int32Array, k: number): Float64Array {
  const { x, T, F } = f
  const means = new Float64Array(k * F)
  labelMeans(f, labels, k, means)
  const bcss = new Float64Array(F)
  for (let c = 0; c < F; c++) {
    let mean = 0
    for (let t = 0; t < T; t++) mean += x[t * F + c]!
    mean /= T
    let total = 0
    let within = 0
    for (let t = 0; t < T; t++) {
      total += (x[t * F + c]! - mean) ** 2
      within += (x[t * F + c]! - means[labels[t]! * F + c]!) ** 2
    }
    bcss[c] = total - within
  }
  return bcss
}

export function fitSparseJumpModel(features: Features, k: number, lambda: number, kappa: number, rng: Rng, options: SparseJumpOptions = {}): SparseJumpResult {
  const f = checkFeatures(features)
  checkK(k, f.T)
  const { x, T, F } = f
  const maxOuter = options.maxOuter ?? 10
  let weights: Float64Array = new Float64Array(F).fill(1 / Math.sqrt(F))
  sparseWeights(weights, kappa) // validates κ before any fitting
  let fit: JumpModelResult | null = null
  let outer = 0
  while (outer < maxOuter) {
    outer++
    const scaled = new Float64Array(x.length)
    for (let t = 0; t < T; t++) for (let c = 0; c < F; c++) scaled[t * F + c] = x[t * F + c]! * Math.sqrt(weights[c]!)
    fit = fitJumpModel({ x: scaled, T, F }, k, lambda, rng, options)
    const next = sparseWeights(betweenClusterSS(f, fit.labels, k), kappa)
    let change = 0
    let size = 0
    for (let c = 0; c < F; c++) {
      change += Math.abs(next[c]! - weights[c]!)
      size += Math.abs(weights[c]!)
    }
    weights = next
    if (change / size < 1e-4) break
  }
  // Centroids in the unscaled feature space, for reading and for labelling new bars with weights.
  const centroids = new Float64Array(k * F)
  labelMeans(f, fit!.labels, k, centroids)
  return { ...fit!, centroids, weights, outer }
}
