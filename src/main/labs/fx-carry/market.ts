import { defaultRng } from '../../engine/rng'
import { CALM, STRESSED as RISK_OFF } from '../common/fields'
import { npMean, npTanh } from '../common/numpy'
import type { FxCarryConfig } from './config'

// Regime codes: the calm/stressed pair every two-regime lab shares; the notebook calls stress "risk_off".
export { CALM, RISK_OFF }

/**
 * The exogenous path of chapter 3, simulated up front from the seed. Matrices are T × n_ccy,
 * row-major (value of currency i at step t is at t·n_ccy + i).
 */
export interface MarketPath {
  T: number
  nCcy: number
  /** The Markov chain before the injected stress windows. */
  markovRegimes: Int32Array
  /** Starts of the forced risk-off windows, in draw order (empty when T is too short). */
  stressWindowStarts: Int32Array
  /** 0 = calm, 1 = risk_off, after the injected windows. */
  regimes: Int32Array
  riskSentiment: Float64Array
  usdRate: Float64Array
  baseSpreads: Float64Array
  ccyRates: Float64Array
  fxReturns: Float64Array
  /** The common jump added to every currency at t (0 when none). */
  jumps: Float64Array
  /** mean_i fxReturns[t, i]: the high-yield basket's return vs USD. */
  basketReturn: Float64Array
}

// book ch.3 §4.2; notebook cell 11 (simulate_regimes): reg[0] = calm, stream seed + 11
function simulateRegimes(config: FxCarryConfig): Int32Array {
  const { T } = config
  const rng = defaultRng(config.seed + 11)
  const P = config.regimes.P
  const reg = new Int32Array(T)
  // Generator.choice([0, 1], p=P[reg[t−1]]): one random() searched in cumsum(p)/sum(p)
  for (let t = 1; t < T; t++) reg[t] = rng.choice(P.length, P[reg[t - 1]!]!)
  return reg
}

// notebook cell 11: forced risk-off windows, stream seed + 999, drawn only when T > win_len + 60
function injectStressWindows(config: FxCarryConfig, regimes: Int32Array): Int32Array {
  const { n_windows, win_len, min_start } = config.regimes.injected_windows
  if (!(config.T > win_len + 60) || n_windows === 0) return new Int32Array(0)
  const rng = defaultRng(config.seed + 999)
  const starts = rng.integersArray(min_start, config.T - win_len - 1, n_windows)
  for (const s of starts) regimes.fill(RISK_OFF, s, Math.min(config.T, s + win_len))
  return Int32Array.from(starts)
}

/**
 * Risk sentiment, USD rate and currency rates from the seed's own stream, drawn per step in
 * the notebook's order: sentiment, USD rate, then one normal per currency.
 */
function simulateRates(config: FxCarryConfig, regimes: Int32Array) {
  const { T, n_ccy: n, dt } = config
  const p = config.market_params
  const rng = defaultRng(config.seed)
  const sqrtDt = Math.sqrt(dt)
  const riskSentiment = new Float64Array(T)
  const usdRate = new Float64Array(T).fill(p.usd_rate)
  const ccyRates = new Float64Array(T * n)
  // notebook cell 11: base_i = mean_spread + disp·N(0,1), fixed per currency
  const baseSpreads = new Float64Array(n)
  for (let i = 0; i < n; i++) baseSpreads[i] = p.rate_mean_spread + p.rate_spread_disp * rng.standardNormal()
  // notebook cell 11: r_i[0] = usd[0] + base_i + 0.002·N(0,1)
  for (let i = 0; i < n; i++) ccyRates[i] = usdRate[0]! + baseSpreads[i]! + p.rate_init_noise * rng.standardNormal()

  const sentimentShock = [p.risk_sent_vol_calm * sqrtDt, p.risk_sent_vol_risk_off * sqrtDt]
  const usdShock = p.usd_rate_vol * sqrtDt
  const rateShock = p.rate_vol * sqrtDt
  for (let t = 1; t < T; t++) {
    const stress = regimes[t] === RISK_OFF
    const prevRisk = riskSentiment[t - 1]!
    // book ch.3 §4.2; notebook cell 11: s[t] = s[t−1] + (−κ·s[t−1]·dt + σ_regime·√dt·ε)
    riskSentiment[t] = prevRisk + (-p.risk_sent_kappa * prevRisk * dt + sentimentShock[stress ? 1 : 0]! * rng.standardNormal())
    // notebook cell 11: usd[t] = clip(usd[t−1] + 0.0005·√dt·ε, 0, 0.10)
    usdRate[t] = Math.max(0, Math.min(p.usd_rate_max, usdRate[t - 1]! + usdShock * rng.standardNormal()))
    const squeeze = stress ? p.stress_spread_compression : 0
    const row = t * n
    for (let i = 0; i < n; i++) {
      // notebook cell 11: θ_i = usd[t] + base_i + squeeze; r += κ_r(θ − r)dt + 0.004·√dt·ε, clipped to [0, 0.25]
      const prev = ccyRates[row - n + i]!
      const theta = usdRate[t]! + baseSpreads[i]! + squeeze
      const next = prev + p.rate_revert_kappa * (theta - prev) * dt + rateShock * rng.standardNormal()
      ccyRates[row + i] = Math.min(Math.max(next, 0), p.rate_max)
    }
  }
  return { riskSentiment, usdRate, baseSpreads, ccyRates }
}

/**
 * FX returns of the high-yield currencies vs USD, stream seed + 23: diffusion for all, then in
 * risk-off a Bernoulli gate (one random()) and, if it fires, one common jump.
 */
function simulateFxReturns(config: FxCarryConfig, regimes: Int32Array, riskSentiment: Float64Array) {
  const { T, n_ccy: n, dt } = config
  const p = config.market_params
  const rng = defaultRng(config.seed + 23)
  const sqrtDt = Math.sqrt(dt)
  const fxReturns = new Float64Array(T * n)
  const jumps = new Float64Array(T)
  for (let t = 1; t < T; t++) {
    const stress = regimes[t] === RISK_OFF
    const vol = stress ? p.stress_vol : p.calm_vol
    const drift = stress ? p.risk_off_drift : p.calm_drift
    // book ch.3 §4.2; notebook cell 16: vol_t = vol·(1 + 0.12·tanh|s[t]|)
    const volT = vol * (1.0 + p.vol_sentiment_coupling * npTanh(Math.abs(riskSentiment[t]!)))
    const shock = volT * sqrtDt
    const driftStep = drift * dt
    const row = t * n
    for (let i = 0; i < n; i++) fxReturns[row + i] = driftStep + shock * rng.standardNormal()
    // notebook cell 16: in risk-off, with probability jump_prob, J ~ N(mean, std) hits every currency
    if (stress && rng.random() < p.jump_prob_risk_off) {
      const jump = p.jump_size_mean + p.jump_size_std * rng.standardNormal()
      jumps[t] = jump
      for (let i = 0; i < n; i++) fxReturns[row + i] = fxReturns[row + i]! + jump
    }
  }
  return { fxReturns, jumps }
}

/** The whole exogenous path: pure in the config (seeded streams only). */
export function simulateMarketPath(config: FxCarryConfig): MarketPath {
  const { T, n_ccy: n } = config
  const markovRegimes = simulateRegimes(config)
  const regimes = markovRegimes.slice()
  const stressWindowStarts = injectStressWindows(config, regimes)
  const rates = simulateRates(config, regimes)
  const fx = simulateFxReturns(config, regimes, rates.riskSentiment)
  const basketReturn = new Float64Array(T)
  // notebook cell 41: spot_ret_basket = np.mean(rets[t])
  for (let t = 0; t < T; t++) basketReturn[t] = npMean(fx.fxReturns, t * n, n)
  return { T, nCcy: n, markovRegimes, stressWindowStarts, regimes, ...rates, ...fx, basketReturn }
}
