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

// The filter's arithmetic, written out on scalars over a 5-slot buffer [m0, m1, P00, P01, P11]
// (P is symmetric), so a step allocates nothing; predict/update below wrap it for single calls.
const M0 = 0
const M1 = 1
const P00 = 2
const P01 = 3
const P11 = 4

/** s ← its one-step forecast: m ← μ + Φ(m − μ), P ← Φ P Φᵀ + Q. */
function predictInPlace(s: Float64Array, p: KalmanParams): void {
  const phi = p.phi
  const a = phi[0]
  const b = phi[1]
  const c = phi[2]
  const d = phi[3]
  const d0 = s[M0]! - p.mu[0]
  const d1 = s[M1]! - p.mu[1]
  s[M0] = p.mu[0] + a * d0 + b * d1
  s[M1] = p.mu[1] + c * d0 + d * d1
  const p00 = s[P00]!
  const p01 = s[P01]!
  const p11 = s[P11]!
  const f00 = a * p00 + b * p01
  const f01 = a * p01 + b * p11
  const f10 = c * p00 + d * p01
  const f11 = c * p01 + d * p11
  s[P00] = f00 * a + f01 * b + p.Q[0]
  s[P01] = f00 * c + f01 * d + p.Q[1]
  s[P11] = f10 * c + f11 * d + p.Q[3]
}

/**
 * s ← its measurement update with z; out ← [y0, y1, S00, S01, S11, surprise]. A missing
 * observation (either coordinate NaN) leaves s alone: no reading, no correction.
 */
function updateInPlace(s: Float64Array, z0: number, z1: number, p: KalmanParams, out: Float64Array): void {
  const H = p.H
  const h0 = H[0]
  const h1 = H[1]
  const h2 = H[2]
  const h3 = H[3]
  const R = p.R
  const p00 = s[P00]!
  const p01 = s[P01]!
  const p11 = s[P11]!
  const hp00 = h0 * p00 + h1 * p01
  const hp01 = h0 * p01 + h1 * p11
  const hp10 = h2 * p00 + h3 * p01
  const hp11 = h2 * p01 + h3 * p11
  const s00 = hp00 * h0 + hp01 * h1 + R[0]
  const s01 = hp00 * h2 + hp01 * h3 + R[1]
  const s11 = hp10 * h2 + hp11 * h3 + R[3]
  out[2] = s00
  out[3] = s01
  out[4] = s11
  if (!Number.isFinite(z0) || !Number.isFinite(z1)) {
    out[0] = out[1] = out[5] = Number.NaN
    return
  }
  const det = s00 * s11 - s01 * s01
  if (!(det > 0)) throw new RangeError(`innovation covariance is singular (det ${det}); R must be positive definite or P⁻ must be`)
  const i00 = s11 / det
  const i01 = -s01 / det
  const i11 = s00 / det
  // K = P⁻ Hᵀ S⁻¹, with P⁻ Hᵀ = (H P⁻)ᵀ.
  const k00 = hp00 * i00 + hp10 * i01
  const k01 = hp00 * i01 + hp10 * i11
  const k10 = hp01 * i00 + hp11 * i01
  const k11 = hp01 * i01 + hp11 * i11
  const y0 = z0 - (h0 * s[M0]! + h1 * s[M1]!)
  const y1 = z1 - (h2 * s[M0]! + h3 * s[M1]!)
  s[M0] = s[M0]! + k00 * y0 + k01 * y1
  s[M1] = s[M1]! + k10 * y0 + k11 * y1
  // Joseph form (I − KH) P⁻ (I − KH)ᵀ + K R Kᵀ: stays symmetric positive semi-definite.
  const a00 = 1 - (k00 * h0 + k01 * h2)
  const a01 = -(k00 * h1 + k01 * h3)
  const a10 = -(k10 * h0 + k11 * h2)
  const a11 = 1 - (k10 * h1 + k11 * h3)
  const ap00 = a00 * p00 + a01 * p01
  const ap01 = a00 * p01 + a01 * p11
  const ap10 = a10 * p00 + a11 * p01
  const ap11 = a10 * p01 + a11 * p11
  const r0 = R[0]
  const r1 = R[1]
  const r2 = R[2]
  const r3 = R[3]
  const kr00 = k00 * r0 + k01 * r2
  const kr01 = k00 * r1 + k01 * r3
  const kr10 = k10 * r0 + k11 * r2
  const kr11 = k10 * r1 + k11 * r3
  s[P00] = ap00 * a00 + ap01 * a01 + kr00 * k00 + kr01 * k01
  s[P01] = ap00 * a10 + ap01 * a11 + kr00 * k10 + kr01 * k11
  s[P11] = ap10 * a10 + ap11 * a11 + kr10 * k10 + kr11 * k11
  out[0] = y0
  out[1] = y1
  out[5] = y0 * (i00 * y0 + i01 * y1) + y1 * (i01 * y0 + i11 * y1)
}

const toBuffer = (g: Gaussian2): Float64Array => Float64Array.of(g.m[0], g.m[1], g.P[0], (g.P[1] + g.P[2]) / 2, g.P[3])
const fromBuffer = (s: Float64Array): Gaussian2 => ({ m: [s[M0]!, s[M1]!], P: [s[P00]!, s[P01]!, s[P01]!, s[P11]!] })

/** One-step forecast of the state: M_{t+1|t} and its covariance Φ P Φᵀ + Q. */
export function predict(g: Gaussian2, p: KalmanParams): Gaussian2 {
  const s = toBuffer(g)
  predictInPlace(s, p)
  return fromBuffer(s)
}

/** h-step forecast (h ≥ 1): predict applied h times. */
export function forecast(g: Gaussian2, p: KalmanParams, h = 1): Gaussian2 {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`h must be a positive integer (got ${h})`)
  const s = toBuffer(g)
  for (let i = 0; i < h; i++) predictInPlace(s, p)
  return fromBuffer(s)
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

/** Measurement update of a predicted state; a missing observation leaves the prediction as the state. */
export function update(prior: Gaussian2, z: Vec2, p: KalmanParams): UpdateResult {
  const s = toBuffer(prior)
  const out = new Float64Array(6)
  updateInPlace(s, z[0], z[1], p, out)
  return { state: fromBuffer(s), innovation: [out[0]!, out[1]!], S: [out[2]!, out[3]!, out[3]!, out[4]!], surprise: out[5]! }
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
  const s = toBuffer(init)
  const f = new Float64Array(5)
  const aux = new Float64Array(6)
  for (let t = 0; t < T; t++) {
    predictInPlace(s, p)
    updateInPlace(s, z[2 * t]!, z[2 * t + 1]!, p, aux)
    f.set(s)
    predictInPlace(f, p)
    out.means[2 * t] = s[M0]!
    out.means[2 * t + 1] = s[M1]!
    out.covs[4 * t] = s[P00]!
    out.covs[4 * t + 1] = out.covs[4 * t + 2] = s[P01]!
    out.covs[4 * t + 3] = s[P11]!
    out.forecasts[2 * t] = f[M0]!
    out.forecasts[2 * t + 1] = f[M1]!
    out.forecastCovs[4 * t] = f[P00]!
    out.forecastCovs[4 * t + 1] = out.forecastCovs[4 * t + 2] = f[P01]!
    out.forecastCovs[4 * t + 3] = f[P11]!
    out.surprise[t] = aux[5]!
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
