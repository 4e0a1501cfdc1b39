import { RandomState } from '../../engine/rng'
import { exp, log } from '../../engine/rng/libm'
import { npSum } from '../common/numpy'
import { REGIME_NAMES, START_REGIME, type EquityFactorsConfig } from './config'

// The exogenous path, simulated whole before the loop as the notebook does (book ch.7 §3.3;
// notebook CELL 3 and CELL 4), with the legacy global RandomState's draws in the notebook's order:
// rand(T) for the regimes, then randn() per step t ≥ 1 for dispersion, then one
// multivariate_normal per step (8 normals, then the SVD factor of Σ_t: RandomState.multivariateNormal).

export const INITIAL_EQUITY = 1_000_000.0
const DISPERSION_NOISE = 0.03
const DISPERSION_MIN = 0.55
const DISPERSION_MAX = 1.45
const EFF_MIN = 0.02
const EFF_MAX = 0.95

/** np.linspace(start, stop, num): i·step + start with step = (stop − start)/(num − 1), the last point set to stop. */
export function npLinspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num)
  const step = (stop - start) / (num - 1)
  for (let i = 0; i < num; i++) out[i] = i * step + start
  if (num > 1) out[num - 1] = stop
  return out
}

/** The run's state the execution and report share (a fresh one per run, made by lab.observation). */
export class EquityRunState {
  /** Per step: whether the lab's own stop (cool_down mode) held the book flat, and the trips. */
  readonly stopFlat: Uint8Array
  stopTrips = 0
  /** Per step (corrections.eigen_summaries = "on"): top-eigenvalue share and effective rank of C_t. */
  readonly topShare: Float64Array
  readonly effRank: Float64Array
  constructor(steps: number) {
    this.stopFlat = new Uint8Array(steps)
    this.topShare = new Float64Array(steps)
    this.effRank = new Float64Array(steps)
  }
}

export interface EquityMarket {
  readonly K: number
  readonly T: number
  /** Regime index per step (0 low_corr, 1 mid_corr, 2 high_corr). */
  readonly regime: Int32Array
  readonly disp: Float64Array
  /** ρ̄(regime)·(1/max(disp, 1e−6)), logged by the notebook (stress_proxy). */
  readonly stressProxy: Float64Array
  /** Off-diagonal entry of C_t, (1 − f)·eff_t, and its diagonal f + (1 − f). */
  readonly offDiag: Float64Array
  readonly diag: number
  /** (ΣC_t − K)/(K(K − 1)): avg_corr_series. */
  readonly avgCorr: Float64Array
  /** σ_d·m_k: the diagonal of D. */
  readonly vol: Float64Array
  /** Factor returns r_t, step-major (T × K). */
  readonly ret: Float64Array
  /** Momentum EWMA mom_t of r_{t−1}, step-major (T × K). */
  readonly mom: Float64Array
  /** Illiquidity multiplier per step (by regime). */
  readonly illiq: Float64Array
  run: EquityRunState
}

/** C_t into out (row-major K × K): f + (1 − f) on the diagonal, (1 − f)·eff_t off it. */
export function writeCorr(m: EquityMarket, t: number, out: Float64Array): void {
  const K = m.K
  const off = m.offDiag[t]!
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[i * K + j] = i === j ? m.diag : off
}

/** Σ_t = D·C_t·D into out: (d_i·C_ij)·d_j, the order two matmuls with a diagonal D give. */
export function writeSigma(m: EquityMarket, t: number, out: Float64Array): void {
  const K = m.K
  const off = m.offDiag[t]!
  const d = m.vol
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[i * K + j] = d[i]! * (i === j ? m.diag : off) * d[j]!
}

/**
 * book ch.7 §3.3; notebook CELL 3 (regimes, dispersion, stress proxy) and CELL 4 (surface,
 * returns, momentum). C_t is the notebook's blend f·I + (1 − f)·equicorr(eff_t); the notebook then
 * passes it through an eigenvalue-clipping "PSD repair" (np.linalg.eigh, clip at 1e−6,
 * renormalise), which the config keeps a no-op (f ∈ [0, 1], eff ∈ [0.02, 0.95]) up to rounding:
 * the lab uses the blend itself, a few ulps from the notebook's reconstruction.
 */
export function equityMarket(config: EquityFactorsConfig): EquityMarket {
  const T = config.T
  const K = config.K_factors
  const mp = config.market_params
  const rs = new RandomState(config.seed)
  const P = config.regimes.markov_P
  // cumsum of each row, then searchsorted(side='left'): the first j with cum[j] ≥ u
  const cum = P.map((row) => {
    const c = new Float64Array(row.length)
    let s = 0
    for (let j = 0; j < row.length; j++) c[j] = s += row[j]!
    return c
  })
  const u = rs.randomSampleArray(T)
  const regime = new Int32Array(T)
  regime[0] = START_REGIME
  for (let t = 1; t < T; t++) {
    const c = cum[regime[t - 1]!]!
    let j = 0
    while (j < c.length && c[j]! < u[t]!) j++
    // a row summing to 1 within rounding can leave u above its last cumsum (the notebook's lookup would fail): stay in the last regime
    regime[t] = Math.min(j, c.length - 1)
  }
  const corrLevel = REGIME_NAMES.map((r) => mp.corr_levels[r])
  const dispTarget = REGIME_NAMES.map((r) => mp.dispersion_target[r])
  const disp = new Float64Array(T)
  disp[0] = 1.0
  for (let t = 1; t < T; t++) {
    const x = disp[t - 1]! + mp.dispersion_kappa * (dispTarget[regime[t]!]! - disp[t - 1]!) + DISPERSION_NOISE * rs.randn()
    disp[t] = Math.min(DISPERSION_MAX, Math.max(DISPERSION_MIN, x))
  }
  const stressProxy = new Float64Array(T)
  for (let t = 0; t < T; t++) stressProxy[t] = corrLevel[regime[t]!]! * (1.0 / Math.max(disp[t]!, 1e-6))

  const vol = npLinspace(0.85, 1.2, K)
  const baseDaily = mp.base_ann_vol / Math.sqrt(252.0)
  for (let k = 0; k < K; k++) vol[k] = baseDaily * vol[k]!
  const f = mp.idiosyncratic_floor
  const keep = 1.0 - f
  const mu = REGIME_NAMES.map((r) => mp.premia_mu_ann[r] / 252.0)
  const illiqByRegime = REGIME_NAMES.map((r) => config.execution_params.illiquidity_by_regime[r])
  const market: EquityMarket = {
    K,
    T,
    regime,
    disp,
    stressProxy,
    offDiag: new Float64Array(T),
    diag: f * 1.0 + keep * 1.0,
    avgCorr: new Float64Array(T),
    vol,
    ret: new Float64Array(T * K),
    mom: new Float64Array(T * K),
    illiq: new Float64Array(T),
    run: new EquityRunState(T)
  }
  const corr = new Float64Array(K * K)
  const sigma = new Float64Array(K * K)
  const mean = new Float64Array(K)
  const draw = new Float64Array(K)
  for (let t = 0; t < T; t++) {
    const r = regime[t]!
    const eff = Math.min(EFF_MAX, Math.max(EFF_MIN, corrLevel[r]! * (1.0 / disp[t]!)))
    market.offDiag[t] = f * 0.0 + keep * eff
    writeCorr(market, t, corr)
    writeSigma(market, t, sigma)
    mean.fill(mu[r]!)
    rs.multivariateNormal(mean, sigma, draw)
    market.ret.set(draw, t * K)
    market.avgCorr[t] = (npSum(corr) - K) / (K * (K - 1))
    market.illiq[t] = illiqByRegime[r]!
  }
  // momentum: EWMA of the previous step's returns, alpha = 1 − exp(ln 0.5 / halflife)
  const alpha = 1.0 - exp(log(0.5) / mp.momentum_halflife)
  for (let t = 1; t < T; t++) {
    for (let k = 0; k < K; k++) market.mom[t * K + k] = (1 - alpha) * market.mom[(t - 1) * K + k]! + alpha * market.ret[(t - 1) * K + k]!
  }
  return market
}
