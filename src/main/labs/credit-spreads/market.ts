import { exp, log } from '../../engine/rng/libm'
import { RandomState } from '../../engine/rng/mt19937'
import { npMean } from '../common/numpy'
import type { CreditSpreadsConfig, RegimeName } from './config'
import { baselineSignals, type BaselineSignals } from './policy'
import { RATING, tenorGrid, writeSpreadCurve } from './surface'

// The exogenous path, simulated up front from the seed (book ch.5 §5.2.1–5.2.3; notebook
// cells 11 and 16): regime chain, risk-free rate, hazard, liquidity and correlation stress,
// stress jumps, then the spread surface, its features and the index price proxies.

/** The draws chapter 5 makes from NumPy's legacy global generator (np.random.seed once). */
export interface LegacyDraws {
  /** np.random.choice(n, p=p): one uniform, searched in the normalised cumulative p. */
  choice(n: number, p: ArrayLike<number>): number
  /** np.random.randn(): the polar method with its cached second deviate. */
  standardNormal(): number
  /** np.random.rand(): a 53-bit uniform in [0, 1). */
  randomSample(): number
}

export interface RegimeMultipliers {
  haz_drift: number
  haz_sig: number
  liq_drift: number
  liq_sig: number
  corr_drift: number
  corr_sig: number
  rf_drift: number
}

// notebook cell 11 (REG), applied with the regime being entered
export const REG: Readonly<Record<RegimeName, RegimeMultipliers>> = {
  carry_calm: { haz_drift: -0.15, haz_sig: 0.7, liq_drift: -0.2, liq_sig: 0.7, corr_drift: -0.1, corr_sig: 0.7, rf_drift: 0.0 },
  late_cycle: { haz_drift: 0.35, haz_sig: 1.0, liq_drift: 0.1, liq_sig: 1.0, corr_drift: 0.1, corr_sig: 1.0, rf_drift: 0.15 },
  liquidity_stress: { haz_drift: 0.9, haz_sig: 1.6, liq_drift: 1.2, liq_sig: 1.8, corr_drift: 1.0, corr_sig: 1.7, rf_drift: -0.25 }
}

// Drift scales of the state processes per unit of regime drift (notebook cell 11).
const DRIFT_SCALE = { rf: 0.002, haz: 0.02, liq: 0.06, corr: 0.05 } as const
const LOG_FLOOR = 1e-6
const STATE_FLOOR = 1e-4

export interface StatePath {
  /** Regime index into config.regimes.names, per step. */
  regime: Int32Array
  rf: Float64Array
  hazard: Float64Array
  liq: Float64Array
  corr: Float64Array
  jump: Uint8Array
}

export interface MarketPath extends StatePath {
  T: number
  tenorsDays: Float64Array
  /** T × K, row-major by step. */
  spreadsIG: Float64Array
  spreadsHY: Float64Array
  levelIG: Float64Array
  slopeIG: Float64Array
  levelHY: Float64Array
  slopeHY: Float64Array
  /** Stress index 0.6·liq + 0.4·corr. */
  creditBeta: Float64Array
  priceIG: Float64Array
  priceHY: Float64Array
}

/** Euler OU step; the deviate is drawn first (notebook cell 11, ou_step). */
function ouStep(x: number, kappa: number, mean: number, sigma: number, drift: number, dt: number, rng: LegacyDraws): number {
  const eps = rng.standardNormal()
  return x + kappa * (mean - x) * dt + drift * dt + sigma * Math.sqrt(dt) * eps
}

/** Log-OU step for a positive state; the code comment says softplus, the code uses exp (notebook cell 11, pos_mr_step). */
function logOuStep(x: number, kappa: number, x0: number, sigma: number, drift: number, dt: number, rng: LegacyDraws): number {
  const z = log(Math.max(x, LOG_FLOOR))
  const zNext = z + kappa * (log(Math.max(x0, LOG_FLOOR)) - z) * dt + drift * dt + sigma * Math.sqrt(dt) * rng.standardNormal()
  return Math.max(exp(zNext), STATE_FLOOR)
}

/**
 * The regime chain and the continuous state. Per step the draws are, in this order: the next
 * regime, rf, hazard, liquidity, correlation, then one uniform only when entering stress.
 * book ch.5 §5.2.1; notebook cell 11
 */
export function simulateState(config: CreditSpreadsConfig, rng: LegacyDraws): StatePath {
  const { T, dt } = config
  const mp = config.market_params
  const names = config.regimes.names
  const P = config.regimes.markov_P.map((row) => Float64Array.from(row))
  const stress = names.indexOf('liquidity_stress')
  const path: StatePath = {
    regime: new Int32Array(T),
    rf: new Float64Array(T),
    hazard: new Float64Array(T),
    liq: new Float64Array(T),
    corr: new Float64Array(T),
    jump: new Uint8Array(T)
  }
  path.rf[0] = mp.rf_level0
  path.hazard[0] = mp.hazard0
  path.liq[0] = mp.liq0
  path.corr[0] = mp.corr_stress0
  for (let t = 0; t < T - 1; t++) {
    const next = rng.choice(3, P[path.regime[t]!]!)
    path.regime[t + 1] = next
    const m = REG[names[next]!]
    path.rf[t + 1] = ouStep(path.rf[t]!, mp.rf_mean_revert, mp.rf_level0, mp.rf_sigma * m.haz_sig, DRIFT_SCALE.rf * m.rf_drift, dt, rng)
    path.hazard[t + 1] = logOuStep(path.hazard[t]!, mp.hazard_kappa, mp.hazard0, mp.hazard_sigma * m.haz_sig, DRIFT_SCALE.haz * m.haz_drift, dt, rng)
    path.liq[t + 1] = logOuStep(path.liq[t]!, mp.liq_kappa, mp.liq0, mp.liq_sigma * m.liq_sig, DRIFT_SCALE.liq * m.liq_drift, dt, rng)
    path.corr[t + 1] = logOuStep(path.corr[t]!, mp.corr_kappa, mp.corr_stress0, mp.corr_sigma * m.corr_sig, DRIFT_SCALE.corr * m.corr_drift, dt, rng)
    if (next === stress && rng.randomSample() < mp.jump_intensity_stress) path.jump[t + 1] = 1
  }
  return path
}

/** Surface, features and index proxies from a state path. book ch.5 §5.2.3–5.2.4; notebook cell 16 */
export function buildMarket(config: CreditSpreadsConfig, state: StatePath): MarketPath {
  const { T } = config
  const mp = config.market_params
  const grid = tenorGrid(config.surface_params.tenors_days)
  const K = grid.years.length
  const lgd = 1.0 - mp.recovery_rate
  const market: MarketPath = {
    ...state,
    T,
    tenorsDays: grid.days,
    spreadsIG: new Float64Array(T * K),
    spreadsHY: new Float64Array(T * K),
    levelIG: new Float64Array(T),
    slopeIG: new Float64Array(T),
    levelHY: new Float64Array(T),
    slopeHY: new Float64Array(T),
    creditBeta: new Float64Array(T),
    priceIG: new Float64Array(T),
    priceHY: new Float64Array(T)
  }
  for (let t = 0; t < T; t++) {
    const point = { hazard: state.hazard[t]!, liq: state.liq[t]!, corr: state.corr[t]!, jump: state.jump[t] === 1 ? mp.jump_size_spread : 0.0 }
    writeSpreadCurve('IG', point, lgd, grid, market.spreadsIG, t * K)
    writeSpreadCurve('HY', point, lgd, grid, market.spreadsHY, t * K)
    const ig = market.spreadsIG.subarray(t * K, (t + 1) * K)
    const hy = market.spreadsHY.subarray(t * K, (t + 1) * K)
    market.levelIG[t] = npMean(ig) // level = mean over tenors
    market.slopeIG[t] = ig[K - 1]! - ig[0]! // slope = longest − shortest
    market.levelHY[t] = npMean(hy)
    market.slopeHY[t] = hy[K - 1]! - hy[0]!
    market.creditBeta[t] = 0.6 * point.liq + 0.4 * point.corr // stress index (credit_beta)
  }
  // Index prices from the longest tenor: dP = −Dur·(1 + f·β)·dS·100, P0 = 100 (notebook cell 16)
  market.priceIG[0] = 100.0
  market.priceHY[0] = 100.0
  const ref = K - 1
  for (let t = 0; t < T - 1; t++) {
    const dSig = market.spreadsIG[(t + 1) * K + ref]! - market.spreadsIG[t * K + ref]!
    const dShy = market.spreadsHY[(t + 1) * K + ref]! - market.spreadsHY[t * K + ref]!
    const durIG = RATING.IG.dur * (1.0 + RATING.IG.durStress * market.creditBeta[t]!)
    const durHY = RATING.HY.dur * (1.0 + RATING.HY.durStress * market.creditBeta[t]!)
    market.priceIG[t + 1] = market.priceIG[t]! + -durIG * dSig * 100.0
    market.priceHY[t + 1] = market.priceHY[t]! + -durHY * dShy * 100.0
  }
  return market
}

/** The run's market: the exogenous path and the baseline's trailing signals, precomputed once. */
export type CreditMarket = MarketPath & { signals: BaselineSignals }

/** The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). */
export function creditMarket(config: CreditSpreadsConfig, state?: StatePath): CreditMarket {
  const path = buildMarket(config, state ?? simulateState(config, new RandomState(config.seed)))
  return { ...path, signals: baselineSignals(path, config.corrections.baseline_warmup) }
}
