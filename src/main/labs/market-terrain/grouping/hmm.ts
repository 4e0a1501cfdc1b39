import type { Rng } from '../../../engine/rng'
import { type Features, checkFeatures, checkK } from './features'
import { kmeans } from './kmeans'

// A Gaussian HMM with diagonal covariances (hmmlearn's default 'diag'), fitted by Baum–Welch
// with scaled forward–backward (Rabiner 1989 §V.A), then run as a causal forward filter
// (Hamilton filter, the seed's "real time" use, L2109–2112) for online labels.

const LOG_2PI = Math.log(2 * Math.PI)

export interface GaussianHmm {
  k: number
  F: number
  /** Initial state probabilities, length k. */
  pi: Float64Array
  /** k × k transition matrix, row i = P(next | i). */
  A: Float64Array
  /** k × F means. */
  means: Float64Array
  /** k × F variances. */
  vars: Float64Array
}

export interface HmmFit {
  model: GaussianHmm
  /** Log-likelihood of the data under the returned model. */
  logLikelihood: number
  iterations: number
  converged: boolean
}

export interface HmmOptions {
  maxIter?: number
  /** Stop when the log-likelihood gains less than this. */
  tol?: number
  /** Floor on every variance (hmmlearn's min_covar is 1e-3). */
  minVar?: number
}

/** log N(x_t | means_j, diag vars_j) for every bar and state, T × k. */
function logEmissions(f: Features, m: GaussianHmm): Float64Array {
  const { x, T, F } = f
  const out = new Float64Array(T * m.k)
  const norm = new Float64Array(m.k)
  for (let j = 0; j < m.k; j++) {
    let s = F * LOG_2PI
    for (let c = 0; c < F; c++) s += Math.log(m.vars[j * F + c]!)
    norm[j] = -0.5 * s
  }
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < m.k; j++) {
      let q = 0
      for (let c = 0; c < F; c++) {
        const d = x[t * F + c]! - m.means[j * F + c]!
        q += (d * d) / m.vars[j * F + c]!
      }
      out[t * m.k + j] = norm[j]! - 0.5 * q
    }
  }
  return out
}

/** Emission likelihoods scaled per bar by their max (returned as logs), so they never underflow. */
function scaledEmissions(logB: Float64Array, T: number, k: number): { b: Float64Array; logMax: Float64Array } {
  const b = new Float64Array(T * k)
  const logMax = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    let mx = Number.NEGATIVE_INFINITY
    for (let j = 0; j < k; j++) mx = Math.max(mx, logB[t * k + j]!)
    logMax[t] = mx
    for (let j = 0; j < k; j++) b[t * k + j] = Math.exp(logB[t * k + j]! - mx)
  }
  return { b, logMax }
}

export interface FilterResult {
  /** P(state_t = j | x_0…x_t), T × k. */
  filtered: Float64Array
  /** argmax of each bar's filtered probabilities. */
  labels: Int32Array
  logLikelihood: number
}

/** The forward filter: bar t's probabilities use bars 0…t only. */
export function hmmFilter(features: Features, m: GaussianHmm): FilterResult {
  const f = checkFeatures(features)
  if (f.F !== m.F) throw new RangeError(`features have ${f.F} columns, the model ${m.F}`)
  const k = m.k
  const { alpha, scale, logMax } = forward(f, m)
  const labels = new Int32Array(f.T)
  let ll = 0
  for (let t = 0; t < f.T; t++) {
    let best = 0
    for (let j = 1; j < k; j++) if (alpha[t * k + j]! > alpha[t * k + best]!) best = j
    labels[t] = best
    ll += Math.log(scale[t]!) + logMax[t]!
  }
  return { filtered: alpha, labels, logLikelihood: ll }
}

interface ForwardBackward {
  b: Float64Array
  logMax: Float64Array
  /** Scaled forward variables α̂ (each row sums to 1). */
  alpha: Float64Array
  /** Scaled backward variables β̂. */
  beta: Float64Array
  /** Per-bar scale c_t = P(x_t | x_0…x_{t−1}) / exp(logMax_t). */
  scale: Float64Array
}

/** Scaled forward pass (Rabiner 1989 eq. 91–92): α̂_t ∝ b_t ⊙ (Aᵀ α̂_{t−1}), rows summing to 1. */
function forward(f: Features, m: GaussianHmm): Omit<ForwardBackward, 'beta'> {
  const { T } = f
  const k = m.k
  const { b, logMax } = scaledEmissions(logEmissions(f, m), T, k)
  const alpha = new Float64Array(T * k)
  const scale = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    let c = 0
    for (let j = 0; j < k; j++) {
      let prior = 0
      if (t === 0) prior = m.pi[j]!
      else for (let i = 0; i < k; i++) prior += alpha[(t - 1) * k + i]! * m.A[i * k + j]!
      alpha[t * k + j] = prior * b[t * k + j]!
      c += alpha[t * k + j]!
    }
    scale[t] = c
    for (let j = 0; j < k; j++) alpha[t * k + j]! /= c
  }
  return { b, logMax, alpha, scale }
}

function forwardBackward(f: Features, m: GaussianHmm): ForwardBackward {
  const { T } = f
  const k = m.k
  const { b, logMax, alpha, scale } = forward(f, m)
  const beta = new Float64Array(T * k)
  for (let j = 0; j < k; j++) beta[(T - 1) * k + j] = 1
  for (let t = T - 2; t >= 0; t--) {
    for (let i = 0; i < k; i++) {
      let s = 0
      for (let j = 0; j < k; j++) s += m.A[i * k + j]! * b[(t + 1) * k + j]! * beta[(t + 1) * k + j]!
      beta[t * k + i] = s / scale[t + 1]!
    }
  }
  return { b, logMax, alpha, beta, scale }
}

/**
 * Smoothed labels: argmax of P(state_t | all bars) from forward–backward. Uses later bars, so it
 * is the offline (fitted) labelling; hmmFilter is the online one.
 */
export function hmmSmooth(features: Features, m: GaussianHmm): { posterior: Float64Array; labels: Int32Array } {
  const f = checkFeatures(features)
  if (f.F !== m.F) throw new RangeError(`features have ${f.F} columns, the model ${m.F}`)
  const { alpha, beta } = forwardBackward(f, m)
  const k = m.k
  const posterior = new Float64Array(f.T * k)
  const labels = new Int32Array(f.T)
  for (let t = 0; t < f.T; t++) {
    let sum = 0
    for (let j = 0; j < k; j++) sum += posterior[t * k + j] = alpha[t * k + j]! * beta[t * k + j]!
    let best = 0
    for (let j = 0; j < k; j++) {
      posterior[t * k + j]! /= sum
      if (posterior[t * k + j]! > posterior[t * k + best]!) best = j
    }
    labels[t] = best
  }
  return { posterior, labels }
}

/** One Baum–Welch iteration: returns the re-estimated model and the old model's log-likelihood. */
export function baumWelchStep(f: Features, m: GaussianHmm, minVar: number): { model: GaussianHmm; logLikelihood: number } {
  const { x, T, F } = f
  const k = m.k
  const { b, logMax, alpha, beta, scale } = forwardBackward(f, m)
  // γ_t(j) = α̂_t(j) β̂_t(j); ξ_t(i,j) = α̂_t(i) A_ij b_{t+1}(j) β̂_{t+1}(j) / c_{t+1}.
  const gammaSum = new Float64Array(k)
  const xi = new Float64Array(k * k)
  const mean = new Float64Array(k * F)
  const sq = new Float64Array(k * F)
  const pi = new Float64Array(k)
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < k; j++) {
      const g = alpha[t * k + j]! * beta[t * k + j]!
      if (t === 0) pi[j] = g
      gammaSum[j]! += g
      for (let c = 0; c < F; c++) {
        const v = x[t * F + c]!
        mean[j * F + c]! += g * v
        sq[j * F + c]! += g * v * v
      }
    }
    if (t + 1 < T) {
      for (let i = 0; i < k; i++) {
        const a = alpha[t * k + i]! / scale[t + 1]!
        for (let j = 0; j < k; j++) xi[i * k + j]! += a * m.A[i * k + j]! * b[(t + 1) * k + j]! * beta[(t + 1) * k + j]!
      }
    }
  }
  const A = new Float64Array(k * k)
  for (let i = 0; i < k; i++) {
    let row = 0
    for (let j = 0; j < k; j++) row += xi[i * k + j]!
    for (let j = 0; j < k; j++) A[i * k + j] = row > 0 ? xi[i * k + j]! / row : m.A[i * k + j]!
  }
  const vars = new Float64Array(k * F)
  for (let j = 0; j < k; j++) {
    const g = gammaSum[j]!
    for (let c = 0; c < F; c++) {
      if (g > 0) {
        const mu = mean[j * F + c]! / g
        mean[j * F + c] = mu
        vars[j * F + c] = Math.max(minVar, sq[j * F + c]! / g - mu * mu)
      } else {
        mean[j * F + c] = m.means[j * F + c]!
        vars[j * F + c] = m.vars[j * F + c]!
      }
    }
  }
  let ll = 0
  for (let t = 0; t < T; t++) ll += Math.log(scale[t]!) + logMax[t]!
  let piSum = 0
  for (let j = 0; j < k; j++) piSum += pi[j]!
  for (let j = 0; j < k; j++) pi[j]! /= piSum
  return { model: { k, F, pi, A, means: mean, vars }, logLikelihood: ll }
}

/** Baum–Welch from a given model until the log-likelihood gain is below tol. */
export function fitHmmFrom(features: Features, init: GaussianHmm, options: HmmOptions = {}): HmmFit {
  const f = checkFeatures(features)
  const maxIter = options.maxIter ?? 200
  const tol = options.tol ?? 1e-6
  const minVar = options.minVar ?? 1e-3
  let model = init
  let prevLl = Number.NEGATIVE_INFINITY
  for (let it = 1; it <= maxIter; it++) {
    const step = baumWelchStep(f, model, minVar)
    // step.logLikelihood belongs to `model`, the model before this update.
    if (step.logLikelihood - prevLl < tol) return { model, logLikelihood: step.logLikelihood, iterations: it - 1, converged: true }
    prevLl = step.logLikelihood
    model = step.model
  }
  return { model, logLikelihood: hmmFilter(f, model).logLikelihood, iterations: maxIter, converged: false }
}

/**
 * The deterministic start: K-means (seeded k-means++, 10 restarts) gives the means and per-state
 * variances; π uniform; A with `stay` on the diagonal and the rest spread evenly.
 */
export function hmmInitFromKMeans(features: Features, k: number, rng: Rng, stay = 0.95, minVar = 1e-3): GaussianHmm {
  const f = checkFeatures(features)
  checkK(k, f.T)
  const { x, T, F } = f
  const km = kmeans(f, k, rng)
  const vars = new Float64Array(k * F)
  const counts = new Int32Array(k)
  for (let t = 0; t < T; t++) {
    const j = km.labels[t]!
    counts[j]!++
    for (let c = 0; c < F; c++) vars[j * F + c]! += (x[t * F + c]! - km.centroids[j * F + c]!) ** 2
  }
  for (let j = 0; j < k; j++) for (let c = 0; c < F; c++) vars[j * F + c] = Math.max(minVar, counts[j]! > 0 ? vars[j * F + c]! / counts[j]! : 1)
  const A = new Float64Array(k * k).fill(k > 1 ? (1 - stay) / (k - 1) : 1)
  for (let j = 0; j < k; j++) A[j * k + j] = k > 1 ? stay : 1
  return { k, F, pi: new Float64Array(k).fill(1 / k), A, means: km.centroids, vars }
}

export function fitHmm(features: Features, k: number, rng: Rng, options: HmmOptions = {}): HmmFit {
  return fitHmmFrom(features, hmmInitFromKMeans(features, k, rng, 0.95, options.minVar ?? 1e-3), options)
}
