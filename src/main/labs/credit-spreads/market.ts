import { exp, log } from '../../engine/rng/libm'
import { choiceCdf, searchSortedRight } from '../../engine/rng/distributions'
import { RandomState } from '../../engine/rng/mt19937'
import { npMean } from '../common/numpy'
import type { CreditSpreadsConfig, RegimeName } from './config'
import { baselineSignals, type BaselineSignals } from './policy'
import { RATING, tenorGrid, writeSpreadCurve, type TenorGrid } from './surface'

// The exogenous path, simulated up front from the seed (book ch.5 §5.2.1–5.2.3; notebook
// cells 11 and 16): regime chain, risk-free rate, hazard, liquidity and correlation stress,
// stress jumps, then the spread surface, its features and the index price proxies.

/** The draws chapter 5 makes from NumPy's legacy global generator (np.random.seed once). */
export interface LegacyDraws {
  /** np.random.randn(): the polar method with its cached second deviate. */
  standardNormal(): number
  /** np.random.rand(): a 53-bit uniform in [0, 1); np.random.choice(n, p=p) searches one in cumsum(p). */
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
  /** The surface's tenors; the curves at a step are rebuilt from the state (surface.ts, spreadCurvesAt). */
  tenors: TenorGrid
  /** Features of each bucket's curve per step: level = mean over tenors, slope = longest − shortest. */
  levelIG: Float64Array
  slopeIG: Float64Array
  levelHY: Float64Array
  slopeHY: Float64Array
  /** Stress index 0.6·liq + 0.4·corr. */
  creditBeta: Float64Array
  priceIG: Float64Array
  priceHY: Float64Array
}

/**
 * Euler OU step; the deviate is drawn first (notebook cell 11, ou_step):
 * x + κ(mean − x)·dt + drift·dt + σ·√dt·ε, with drift·dt and σ·√dt taken once per regime.
 */
function ouStep(x: number, kappa: number, mean: number, dt: number, driftDt: number, sigmaSqrtDt: number, rng: LegacyDraws): number {
  const eps = rng.standardNormal()
  return x + kappa * (mean - x) * dt + driftDt + sigmaSqrtDt * eps
}

/**
 * Log-OU step for a positive state; the code comment says softplus, the code uses exp (notebook
 * cell 11, pos_mr_step): z = log(max(x, 1e-6)), z' = z + κ(log(max(x0, 1e-6)) − z)·dt + drift·dt
 * + σ·√dt·ε, x' = max(exp(z'), 1e-4). log(max(x0, 1e-6)) is the same every step: taken once.
 */
function logOuStep(x: number, kappa: number, logX0: number, dt: number, driftDt: number, sigmaSqrtDt: number, rng: LegacyDraws): number {
  const z = log(Math.max(x, LOG_FLOOR))
  const zNext = z + kappa * (logX0 - z) * dt + driftDt + sigmaSqrtDt * rng.standardNormal()
  return Math.max(exp(zNext), STATE_FLOOR)
}

// Per regime, the drift·dt and σ·√dt of each process: rf, hazard, liquidity, correlation.
const RF = 0
const HAZARD = 2
const LIQ = 4
const CORR = 6
const PER_REGIME = 8

/** drift·dt and σ·√dt per regime index and process (rf's σ scales with haz_sig, as in the notebook). */
function regimeCoefficients(config: CreditSpreadsConfig): Float64Array {
  const { dt } = config
  const mp = config.market_params
  const sqrtDt = Math.sqrt(dt)
  const out = new Float64Array(config.regimes.names.length * PER_REGIME)
  config.regimes.names.forEach((name, r) => {
    const m = REG[name]
    const at = r * PER_REGIME
    out[at + RF] = DRIFT_SCALE.rf * m.rf_drift * dt
    out[at + RF + 1] = mp.rf_sigma * m.haz_sig * sqrtDt
    out[at + HAZARD] = DRIFT_SCALE.haz * m.haz_drift * dt
    out[at + HAZARD + 1] = mp.hazard_sigma * m.haz_sig * sqrtDt
    out[at + LIQ] = DRIFT_SCALE.liq * m.liq_drift * dt
    out[at + LIQ + 1] = mp.liq_sigma * m.liq_sig * sqrtDt
    out[at + CORR] = DRIFT_SCALE.corr * m.corr_drift * dt
    out[at + CORR + 1] = mp.corr_sigma * m.corr_sig * sqrtDt
  })
  return out
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
  // np.random.choice(3, p=P[r]) searches one uniform in cumsum(p)/sum(p): built once per row
  const cdf = config.regimes.markov_P.map((row) => choiceCdf(row, 3))
  const coefficients = regimeCoefficients(config)
  const logHazard0 = log(Math.max(mp.hazard0, LOG_FLOOR))
  const logLiq0 = log(Math.max(mp.liq0, LOG_FLOOR))
  const logCorr0 = log(Math.max(mp.corr_stress0, LOG_FLOOR))
  const stress = names.indexOf('liquidity_stress')
  const path: StatePath = {
    regime: new Int32Array(T),
    rf: new Float64Array(T),
    hazard: new Float64Array(T),
    liq: new Float64Array(T),
    corr: new Float64Array(T),
    jump: new Uint8Array(T)
  }
  const { regime, rf, hazard, liq, corr, jump } = path
  rf[0] = mp.rf_level0
  hazard[0] = mp.hazard0
  liq[0] = mp.liq0
  corr[0] = mp.corr_stress0
  for (let t = 0; t < T - 1; t++) {
    const next = searchSortedRight(cdf[regime[t]!]!, rng.randomSample())
    regime[t + 1] = next
    // the multipliers of the regime being entered (notebook cell 11, REG[regime[t+1]])
    const at = next * PER_REGIME
    rf[t + 1] = ouStep(rf[t]!, mp.rf_mean_revert, mp.rf_level0, dt, coefficients[at + RF]!, coefficients[at + RF + 1]!, rng)
    hazard[t + 1] = logOuStep(hazard[t]!, mp.hazard_kappa, logHazard0, dt, coefficients[at + HAZARD]!, coefficients[at + HAZARD + 1]!, rng)
    liq[t + 1] = logOuStep(liq[t]!, mp.liq_kappa, logLiq0, dt, coefficients[at + LIQ]!, coefficients[at + LIQ + 1]!, rng)
    corr[t + 1] = logOuStep(corr[t]!, mp.corr_kappa, logCorr0, dt, coefficients[at + CORR]!, coefficients[at + CORR + 1]!, rng)
    if (next === stress && rng.randomSample() < mp.jump_intensity_stress) jump[t + 1] = 1
  }
  return path
}

/**
 * The surface's features and the index proxies from a state path, curve by curve (the T × K
 * grids are not kept: a surface is rebuilt on request). book ch.5 §5.2.3–5.2.4; notebook cell 16
 */
export function buildMarket(config: CreditSpreadsConfig, state: StatePath): MarketPath {
  const { T } = config
  const mp = config.market_params
  const tenors = tenorGrid(config.surface_params.tenors_days)
  const K = tenors.years.length
  const lgd = 1.0 - mp.recovery_rate
  const { hazard, liq, corr, jump } = state
  const levelIG = new Float64Array(T)
  const slopeIG = new Float64Array(T)
  const levelHY = new Float64Array(T)
  const slopeHY = new Float64Array(T)
  const creditBeta = new Float64Array(T)
  const priceIG = new Float64Array(T)
  const priceHY = new Float64Array(T)
  const ig = RATING.IG
  const hy = RATING.HY
  const curveIG = new Float64Array(K)
  const curveHY = new Float64Array(K)
  // Index prices from the longest tenor: dP = −Dur(β[t−1])·(s[t] − s[t−1])·100, P0 = 100 (notebook cell 16)
  const ref = K - 1
  let refIG = 0
  let refHY = 0
  for (let t = 0; t < T; t++) {
    const l = liq[t]!
    const c = corr[t]!
    const j = jump[t] === 1 ? mp.jump_size_spread : 0.0
    writeSpreadCurve(ig, hazard[t]!, l, c, j, lgd, tenors, curveIG, 0)
    writeSpreadCurve(hy, hazard[t]!, l, c, j, lgd, tenors, curveHY, 0)
    levelIG[t] = npMean(curveIG) // level = mean over tenors
    slopeIG[t] = curveIG[K - 1]! - curveIG[0]! // slope = longest − shortest
    levelHY[t] = npMean(curveHY)
    slopeHY[t] = curveHY[K - 1]! - curveHY[0]!
    creditBeta[t] = 0.6 * l + 0.4 * c // stress index (credit_beta)
    if (t === 0) {
      priceIG[0] = 100.0
      priceHY[0] = 100.0
    } else {
      const dSig = curveIG[ref]! - refIG
      const dShy = curveHY[ref]! - refHY
      const durIG = ig.dur * (1.0 + ig.durStress * creditBeta[t - 1]!)
      const durHY = hy.dur * (1.0 + hy.durStress * creditBeta[t - 1]!)
      priceIG[t] = priceIG[t - 1]! + -durIG * dSig * 100.0
      priceHY[t] = priceHY[t - 1]! + -durHY * dShy * 100.0
    }
    refIG = curveIG[ref]!
    refHY = curveHY[ref]!
  }
  return { ...state, T, tenors, levelIG, slopeIG, levelHY, slopeHY, creditBeta, priceIG, priceHY }
}

/** The run's market: the exogenous path and the baseline's trailing signals, precomputed once. */
export type CreditMarket = MarketPath & { signals: BaselineSignals }

/** The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). */
export function creditMarket(config: CreditSpreadsConfig, state?: StatePath): CreditMarket {
  const path = buildMarket(config, state ?? simulateState(config, new RandomState(config.seed)))
  return { ...path, signals: baselineSignals(path, config.corrections.baseline_warmup) }
}
