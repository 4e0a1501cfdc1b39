// The state estimator of the seed's MVP pipeline (L274–325, `Kalman2D`): a linear-Gaussian
// filter on M = [risk, momentum] with a one-step forecast M_{t+1} and its covariance, which
// feeds the Mahalanobis "Surprise" and the phase plane's forecast ellipse.
//
//   state:        M_{t+1} = μ + Φ (M_t − μ) + w,   w ~ N(0, Q)   (AR(1) about μ; spec §8)
//   observation:  z_t     = H M_t + v,            v ~ N(0, R)
//
// The seed gives none of Φ, μ, Q, R (§7.8): they are named parameters, defaults in DEFAULT_KALMAN.
// 2×2 matrices are row-major [a, b, c, d] = [[a, b], [c, d]].

export type Mat2 = readonly [number, number, number, number]
export type Vec2 = readonly [number, number]

export interface KalmanParams {
  /** Transition Φ. */
  phi: Mat2
  /** Long-run mean μ the state reverts to. */
  mu: Vec2
  /** Process noise covariance Q. */
  Q: Mat2
  /** Observation matrix H. */
  H: Mat2
  /** Observation noise covariance R. */
  R: Mat2
}

/**
 * Defaults (unspecified in the seed, §7.8): risk and momentum as z-scores (μ = 0); Φ = 0.97 on
 * the diagonal, a half-life of about 23 bars, near the 20-bar windows the seed's sensors use;
 * Q = (1 − 0.97²)·I keeps the stationary variance at 1, matching the z-scored observations;
 * R = 0.25·I says a day's raw reading is a quarter as noisy as the state's spread; H = I.
 */
export const DEFAULT_KALMAN: KalmanParams = {
  phi: [0.97, 0, 0, 0.97],
  mu: [0, 0],
  Q: [1 - 0.97 * 0.97, 0, 0, 1 - 0.97 * 0.97],
  H: [1, 0, 0, 1],
  R: [0.25, 0, 0, 0.25]
}

export interface Gaussian2 {
  m: [number, number]
  /** Covariance, row-major 2×2. */
  P: [number, number, number, number]
}

const mul = (a: Mat2, b: Mat2): [number, number, number, number] => [
  a[0] * b[0] + a[1] * b[2],
  a[0] * b[1] + a[1] * b[3],
  a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3]
]
const transpose = (a: Mat2): Mat2 => [a[0], a[2], a[1], a[3]]
const symmetric = (a: Mat2): [number, number, number, number] => {
  const off = (a[1] + a[2]) / 2
  return [a[0], off, off, a[3]]
}

function checkCovariance(name: string, a: Mat2): void {
  if (!a.every(Number.isFinite)) throw new RangeError(`${name} must hold finite numbers (got ${a.join(', ')})`)
  if (Math.abs(a[1] - a[2]) > 1e-12 * Math.max(1, Math.abs(a[1]))) throw new RangeError(`${name} must be symmetric (got off-diagonals ${a[1]} and ${a[2]})`)
  if (!(a[0] >= 0 && a[3] >= 0 && a[0] * a[3] - a[1] * a[2] >= -1e-15)) throw new RangeError(`${name} must be positive semi-definite (got ${a.join(', ')})`)
}

export function checkKalmanParams(p: KalmanParams): KalmanParams {
  for (const [name, v] of [['phi', p.phi], ['mu', p.mu], ['H', p.H]] as const) {
    if (!v.every(Number.isFinite)) throw new RangeError(`kalman.${name} must hold finite numbers (got ${v.join(', ')})`)
  }
  checkCovariance('kalman.Q', p.Q)
  checkCovariance('kalman.R', p.R)
  return p
}

/** One-step forecast of the state: M_{t+1|t} and its covariance Φ P Φᵀ + Q. */
export function predict(s: Gaussian2, p: KalmanParams): Gaussian2 {
  const [mu0, mu1] = p.mu
  const d0 = s.m[0] - mu0
  const d1 = s.m[1] - mu1
  const m: [number, number] = [mu0 + p.phi[0] * d0 + p.phi[1] * d1, mu1 + p.phi[2] * d0 + p.phi[3] * d1]
  const fp = mul(mul(p.phi, s.P), transpose(p.phi))
  return { m, P: symmetric([fp[0] + p.Q[0], fp[1] + p.Q[1], fp[2] + p.Q[2], fp[3] + p.Q[3]]) }
}

/** h-step forecast (h ≥ 1): predict applied h times. */
export function forecast(s: Gaussian2, p: KalmanParams, h = 1): Gaussian2 {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`h must be a positive integer (got ${h})`)
  let g = s
  for (let i = 0; i < h; i++) g = predict(g, p)
  return g
}

export interface UpdateResult {
  state: Gaussian2
  /** z − H m⁻ (NaN when the observation is missing). */
  innovation: [number, number]
  /** Innovation covariance S = H P⁻ Hᵀ + R. */
  S: [number, number, number, number]
  /** Squared Mahalanobis distance of the innovation, innovationᵀ S⁻¹ innovation (the Surprise). */
  surprise: number
}

/**
 * Measurement update of a predicted state. A missing observation (either coordinate NaN)
 * leaves the prediction as the state: no reading, no correction.
 */
export function update(prior: Gaussian2, z: Vec2, p: KalmanParams): UpdateResult {
  const H = p.H
  const hm: [number, number] = [H[0] * prior.m[0] + H[1] * prior.m[1], H[2] * prior.m[0] + H[3] * prior.m[1]]
  const hp = mul(H, prior.P)
  const hph = mul(hp, transpose(H))
  const S = symmetric([hph[0] + p.R[0], hph[1] + p.R[1], hph[2] + p.R[2], hph[3] + p.R[3]])
  if (!Number.isFinite(z[0]) || !Number.isFinite(z[1])) return { state: prior, innovation: [Number.NaN, Number.NaN], S, surprise: Number.NaN }
  const det = S[0] * S[3] - S[1] * S[2]
  if (!(det > 0)) throw new RangeError(`innovation covariance is singular (det ${det}); R must be positive definite or P⁻ must be`)
  const Si: Mat2 = [S[3] / det, -S[1] / det, -S[2] / det, S[0] / det]
  const K = mul(mul(prior.P, transpose(H)), Si)
  const y: [number, number] = [z[0] - hm[0], z[1] - hm[1]]
  const m: [number, number] = [prior.m[0] + K[0] * y[0] + K[1] * y[1], prior.m[1] + K[2] * y[0] + K[3] * y[1]]
  // Joseph form (I − KH) P (I − KH)ᵀ + K R Kᵀ: stays symmetric positive semi-definite.
  const kh = mul(K, H)
  const ikh: Mat2 = [1 - kh[0], -kh[1], -kh[2], 1 - kh[3]]
  const a = mul(mul(ikh, prior.P), transpose(ikh))
  const b = mul(mul(K, p.R), transpose(K))
  const P = symmetric([a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]])
  const surprise = y[0] * (Si[0] * y[0] + Si[1] * y[1]) + y[1] * (Si[2] * y[0] + Si[3] * y[1])
  return { state: { m, P }, innovation: y, S, surprise }
}

export interface KalmanPath {
  T: number
  /** Filtered M_t, T × 2. */
  means: Float64Array
  /** Filtered covariance, T × 4. */
  covs: Float64Array
  /** One-step forecast M_{t+1|t} made at bar t, T × 2. */
  forecasts: Float64Array
  /** Its covariance, T × 4. */
  forecastCovs: Float64Array
  /** Squared Mahalanobis innovation at bar t (NaN on a missing observation). */
  surprise: Float64Array
}

/**
 * Runs the filter over observations z (T × 2, row-major [risk, momentum]) from the prior `init`
 * (the state before bar 0). Bar t's outputs use z_0 … z_t only.
 */
export function kalmanFilter(z: Float64Array, p: KalmanParams, init: Gaussian2): KalmanPath {
  checkKalmanParams(p)
  if (z.length % 2 !== 0) throw new RangeError(`observations must be T × 2 [risk, momentum] (got ${z.length} values)`)
  const T = z.length / 2
  const out: KalmanPath = {
    T,
    means: new Float64Array(T * 2),
    covs: new Float64Array(T * 4),
    forecasts: new Float64Array(T * 2),
    forecastCovs: new Float64Array(T * 4),
    surprise: new Float64Array(T)
  }
  let s = init
  for (let t = 0; t < T; t++) {
    const r = update(predict(s, p), [z[2 * t]!, z[2 * t + 1]!], p)
    s = r.state
    const f = predict(s, p)
    out.means.set(s.m, 2 * t)
    out.covs.set(s.P, 4 * t)
    out.forecasts.set(f.m, 2 * t)
    out.forecastCovs.set(f.P, 4 * t)
    out.surprise[t] = r.surprise
  }
  return out
}

export interface Ellipse {
  cx: number
  cy: number
  /** Semi-axes, in the state's units. */
  semiMajor: number
  semiMinor: number
  /** Angle of the major axis from the risk axis, radians in (−π/2, π/2]. */
  angle: number
}

/**
 * The `level` probability ellipse of N(m, P) for the phase plane: {x : (x−m)ᵀ P⁻¹ (x−m) ≤ c}
 * with c the χ²₂ quantile, which in two dimensions is exactly −2 ln(1 − level) (5.991 at 95 %).
 */
export function forecastEllipse(g: Gaussian2, level = 0.95): Ellipse {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`)
  const c = -2 * Math.log(1 - level)
  const [a, b, , d] = g.P
  const half = (a + d) / 2
  const r = Math.hypot((a - d) / 2, b)
  const l1 = half + r
  const l2 = Math.max(0, half - r)
  const angle = r === 0 ? 0 : 0.5 * Math.atan2(2 * b, a - d)
  return { cx: g.m[0], cy: g.m[1], semiMajor: Math.sqrt(c * l1), semiMinor: Math.sqrt(c * l2), angle }
}
