import { exp } from '../../engine/rng/libm'
import { RandomState } from '../../engine/rng/mt19937'
import { searchSortedRight } from '../../engine/rng/distributions'
import { ASSETS, REGIME_NAMES, type CrossAssetConfig } from './config'
import { CouplingSummaries, EwmaCovariance, rollingCovariance } from './surface'

// The exogenous path, simulated up front from the seed (book ch.9 §5.3–§5.4; notebook CELL 3,
// its FIX and CELL 4): the regime chain, the latent stress factor and its level, then per step
// the returns β·Δstress + chol(C_regime)·e ⊙ σ_idio·mult + tail, then the observed covariance
// and its coupling summaries. The agent never moves this market.

export const A = ASSETS.length
const START_REGIME = 0 // calm
/** stress_level = 1/(1 + exp(−0.85·stress)) (CELL 3). */
const LOGISTIC_SLOPE = 0.85
const CHOL_JITTER = 1e-6
const CHOL_TRIES = 8
/** Degrees of freedom of the tail shock's Student-t (CELL 4). */
const TAIL_DF = 3

/** The draws chapter 9 makes from NumPy's legacy global generator (np.random.seed once, CELL 2). */
export interface LegacyDraws {
  randomSample(): number
  normal(loc: number, scale: number): number
  standardT(df: number): number
}

/**
 * Cholesky factor of C + jitter·I as OpenBLAS's dpotf2 computes it (lower, column by column: the
 * pivot a_jj − Σ L_jk², then each entry below (a_ij − Σ L_ik L_jk)·(1/L_jj), sums from 0 in k
 * order), with safe_cholesky's retries at ten times the jitter. null when it never succeeds.
 * notebook CELL 4 (safe_cholesky)
 */
export function choleskyWithJitter(C: readonly (readonly number[])[], out: Float64Array): boolean {
  let jitter = CHOL_JITTER
  for (let attempt = 0; attempt < CHOL_TRIES; attempt++, jitter *= 10.0) {
    if (potf2(C, jitter, out)) return true
  }
  return false
}

function potf2(C: readonly (readonly number[])[], jitter: number, L: Float64Array): boolean {
  L.fill(0)
  for (let j = 0; j < A; j++) {
    let s = 0.0
    for (let k = 0; k < j; k++) s += L[j * A + k]! * L[j * A + k]!
    // symm_unitdiag: 0.5·(M + Mᵀ) with a unit diagonal, plus jitter·I
    const ajj = 1.0 + jitter - s
    if (!(ajj > 0)) return false
    const d = Math.sqrt(ajj)
    L[j * A + j] = d
    const r = 1.0 / d
    for (let i = j + 1; i < A; i++) {
      let t = 0.0
      for (let k = 0; k < j; k++) t += L[i * A + k]! * L[j * A + k]!
      const aij = 0.5 * (C[i]![j]! + C[j]![i]!)
      L[i * A + j] = (aij + -1.0 * t) * r
    }
  }
  return true
}

export interface CrossAssetMarket {
  T: number
  /** Regime index into REGIME_NAMES per step. */
  regime: Int32Array
  stress: Float64Array
  stressLevel: Float64Array
  /** Returns, row-major T × 4 (EQUITY, RATES, CREDIT, FX). */
  rets: Float64Array
  /** 1 where a tail shock fired at the step. */
  tail: Uint8Array
  /** The observed covariance per step, T × 4 × 4 (the notebook's cov_cube). */
  cov: Float64Array
  avgCorr: Float64Array
  topEigShare: Float64Array
  eqRatesCorr: Float64Array
  /** Cholesky factors of the three structural correlations (+ jitter), 3 × 4 × 4. */
  chol: Float64Array
}

/** The regime chain (all of it first: T uniforms, u[0] unused), then the stress factor. CELL 3 */
export function simulateState(config: CrossAssetConfig, rng: LegacyDraws): Pick<CrossAssetMarket, 'T' | 'regime' | 'stress' | 'stressLevel'> {
  const { T } = config
  const cdf = config.regimes.markov_P.map((row) => {
    // np.cumsum(P[prev]): a sequential sum
    const c = new Float64Array(row.length)
    let s = 0
    row.forEach((p, i) => (c[i] = s += p))
    return c
  })
  const u = new Float64Array(T)
  for (let t = 0; t < T; t++) u[t] = rng.randomSample()
  const regime = new Int32Array(T)
  regime[0] = START_REGIME
  // a row that sums a hair below 1 could send u past its last bin; the notebook would fail there
  for (let t = 1; t < T; t++) regime[t] = Math.min(REGIME_NAMES.length - 1, searchSortedRight(cdf[regime[t - 1]!]!, u[t]!))
  const sigma = REGIME_NAMES.map((n) => config.market_params.stress_sigma[n])
  const phi = config.market_params.stress_phi
  const stress = new Float64Array(T)
  for (let t = 1; t < T; t++) stress[t] = phi * stress[t - 1]! + rng.normal(0.0, sigma[regime[t]!]!)
  // np.exp over the array runs NumPy's SIMD exp (SVML on AVX-512 machines), within an ulp of glibc's
  const stressLevel = new Float64Array(T)
  for (let t = 0; t < T; t++) stressLevel[t] = 1.0 / (1.0 + exp(-LOGISTIC_SLOPE * stress[t]!))
  return { T, regime, stress, stressLevel }
}

/**
 * Returns per step, in the notebook's draw order: four normals, one uniform for the tail and,
 * when it fires, a Student-t(3). r = β·f + (L·e)·σ + tail with f = stress[t] − stress[t−1]
 * (f_0 = 0); L·e is OpenBLAS's dgemv (row dot products summed as (p0 + p2) + (p1 + p3)); the tail
 * pushes pro-risk assets (β > 0) down and the others up by scale·|z|.
 * faithful: +β·f (equity rallies as stress rises); corrected: −β·f.
 * notebook CELL 4
 */
export function simulateReturns(config: CrossAssetConfig, regime: Int32Array, stress: Float64Array, rng: LegacyDraws): { rets: Float64Array; tail: Uint8Array; chol: Float64Array } {
  const { T } = config
  const mp = config.market_params
  const chol = new Float64Array(REGIME_NAMES.length * A * A)
  REGIME_NAMES.forEach((name, r) => {
    const L = chol.subarray(r * A * A, (r + 1) * A * A)
    if (!choleskyWithJitter(mp.corr_regime[name], L)) throw new RangeError(`market_params.corr_regime.${name} cannot be Cholesky-factored even with jitter 1e−6·10⁷`)
  })
  const beta = ASSETS.map((a) => mp.beta[a])
  const sign = config.corrections.factor_sign === 'risk_off' ? -1 : 1
  const idio = ASSETS.map((a) => mp.idio_sigma[a])
  const mult = REGIME_NAMES.map((n) => mp.idio_mult[n])
  const tailP = REGIME_NAMES.map((n) => mp.tail_p[n])
  const tailScale = ASSETS.map((a) => mp.tail_scale[a])
  const rets = new Float64Array(T * A)
  const tail = new Uint8Array(T)
  const e = new Float64Array(A)
  const sig = new Float64Array(A)
  for (let t = 0; t < T; t++) {
    const r = regime[t]!
    const L = chol.subarray(r * A * A, (r + 1) * A * A)
    for (let i = 0; i < A; i++) e[i] = rng.normal(0.0, 1.0)
    for (let i = 0; i < A; i++) sig[i] = idio[i]! * mult[r]!
    const f = t === 0 ? 0.0 : stress[t]! - stress[t - 1]!
    let fired = false
    let z = 0
    if (rng.randomSample() < tailP[r]!) {
      fired = true
      z = Math.abs(rng.standardT(TAIL_DF))
    }
    tail[t] = fired ? 1 : 0
    for (let i = 0; i < A; i++) {
      const base = sign * beta[i]! * f
      const row = i * A
      const le = L[row]! * e[0]! + L[row + 2]! * e[2]! + (L[row + 1]! * e[1]! + L[row + 3]! * e[3]!)
      const shock = fired ? (beta[i]! > 0 ? -1.0 : 1.0) * tailScale[i]! * z : 0.0
      rets[t * A + i] = base + le * sig[i]! + shock
    }
  }
  return { rets, tail, chol }
}

/** The observed covariance and its summaries at every step (CELL 4 and its FIX; corrected: EWMA, on correlation). */
export function observeSurface(config: CrossAssetConfig, rets: Float64Array): Pick<CrossAssetMarket, 'cov' | 'avgCorr' | 'topEigShare' | 'eqRatesCorr'> {
  const { T } = config
  const w = config.surface_params.roll_window
  const onCorrelation = config.corrections.summaries === 'correlation_abs'
  const ewma = config.corrections.estimator === 'ewma' ? new EwmaCovariance(A, config.corrections.ewma_lambda) : null
  const cov = new Float64Array(T * A * A)
  const avgCorr = new Float64Array(T)
  const topEigShare = new Float64Array(T)
  const eqRatesCorr = new Float64Array(T)
  const summaries = new CouplingSummaries(A)
  const mean = new Float64Array(A)
  const dev = new Float64Array(3 * Math.min(w, T) * A)
  for (let t = 0; t < T; t++) {
    const out = cov.subarray(t * A * A, (t + 1) * A * A)
    if (ewma) {
      ewma.push(rets, t)
      ewma.writeTo(out)
    } else rollingCovariance(rets, A, Math.max(0, t - w + 1), t, out, mean, dev)
    summaries.compute(out, onCorrelation)
    avgCorr[t] = summaries.avgCorr
    topEigShare[t] = summaries.topEigShare
    eqRatesCorr[t] = summaries.eqRatesCorr
  }
  return { cov, avgCorr, topEigShare, eqRatesCorr }
}

/** The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). */
export function crossAssetMarket(config: CrossAssetConfig): CrossAssetMarket {
  const rng = new RandomState(config.seed)
  const state = simulateState(config, rng)
  const { rets, tail, chol } = simulateReturns(config, state.regime, state.stress, rng)
  return { ...state, rets, tail, chol, ...observeSurface(config, rets) }
}
