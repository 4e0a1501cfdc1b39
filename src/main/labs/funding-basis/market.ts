import { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { CALM } from '../common/fields'
import type { FundingBasisConfig } from './config'

// The exogenous path, simulated up front from the seed: regime chain, OU basis, spot GBM, perp
// price and the funding it implies. Each process draws from its own named stream (seed ^ tag),
// so changing one process's parameters leaves the others' paths unchanged.

export const STREAMS = { regime: 0x52e6_1001, basis: 0x8a51_2002, spot: 0x5b07_3003, funding: 0xf0d1_4004 } as const

/** Crypto trades 24/7: hours per year for turning dt into hours. */
export const HOURS_PER_YEAR = 24 * 365

export interface FundingBasisMarket {
  T: number
  regime: Int32Array
  /** (perp − spot)/spot in bps. */
  basis: Float64Array
  spot: Float64Array
  perp: Float64Array
  /** Funding accrued over (t−1, t] in bps of notional (0 at t = 0); sums to the interval's rate. */
  fundingAccrual: Float64Array
  /** Funding rate paid at t in bps of notional for the interval ending at t; 0 off funding times. */
  fundingPaid: Float64Array
  fundingTime: Uint8Array
  /** fundingPaid at the last funding time s ≤ t (s ≥ 1), 0 before the first: what a venue shows as "last funding". */
  lastFundingPaid: Float64Array
  /** The interval's premium so far as a rate for the whole interval: what a venue shows as "predicted funding". */
  predictedFunding: Float64Array
}

/** Next regime from a uniform draw: the first state whose cumulative probability exceeds u. */
export function nextRegime(row: readonly number[], u: number): number {
  let cumulative = 0
  for (let j = 0; j < row.length - 1; j++) {
    cumulative += row[j] ?? 0
    if (u < cumulative) return j
  }
  return row.length - 1
}

export function simulateRegimes(T: number, P: readonly (readonly number[])[], rng: Xoshiro128): Int32Array {
  const regime = new Int32Array(T)
  regime[0] = CALM
  for (let t = 1; t < T; t++) regime[t] = nextRegime(P[regime[t - 1]!] ?? [1], rng.nextDouble())
  return regime
}

/** OU step factor and shock scale over dt; the κ → 0 limit is a random walk. */
export function ouCoefficients(kappa: number, dt: number): { decay: number; shockScale: number; stationaryScale: number } {
  if (kappa === 0) return { decay: 1, shockScale: Math.sqrt(dt), stationaryScale: 0 }
  // exact OU transition: X' = θ + (X − θ)e^{−κdt} + σ√((1 − e^{−2κdt})/(2κ))·ε (Uhlenbeck–Ornstein 1930; Gillespie 1996)
  return { decay: Math.exp(-kappa * dt), shockScale: Math.sqrt(-Math.expm1(-2 * kappa * dt) / (2 * kappa)), stationaryScale: 1 / Math.sqrt(2 * kappa) }
}

export function simulateFundingBasisMarket(config: FundingBasisConfig): FundingBasisMarket {
  const { T, dt, seed } = config
  const mp = config.market_params
  const regime = simulateRegimes(T, config.regimes.P, new Xoshiro128((seed ^ STREAMS.regime) >>> 0))
  const basisRng = new Xoshiro128((seed ^ STREAMS.basis) >>> 0)
  const spotRng = new Xoshiro128((seed ^ STREAMS.spot) >>> 0)
  const fundingRng = new Xoshiro128((seed ^ STREAMS.funding) >>> 0)
  const sigma = [mp.basis_sigma_calm_bps, mp.basis_sigma_stressed_bps]
  const vol = [mp.spot_vol_calm, mp.spot_vol_stressed]
  const ou = ouCoefficients(mp.basis_kappa, dt)
  const theta = mp.basis_mean_bps

  const m: FundingBasisMarket = {
    T,
    regime,
    basis: new Float64Array(T),
    spot: new Float64Array(T),
    perp: new Float64Array(T),
    fundingAccrual: new Float64Array(T),
    fundingPaid: new Float64Array(T),
    fundingTime: new Uint8Array(T),
    lastFundingPaid: new Float64Array(T),
    predictedFunding: new Float64Array(T)
  }
  // the basis starts from its calm stationary law N(θ, σ²/2κ)
  m.basis[0] = theta + sigma[CALM]! * ou.stationaryScale * basisRng.standardNormal()
  m.spot[0] = mp.spot0
  for (let t = 1; t < T; t++) {
    const r = regime[t]!
    m.basis[t] = theta + (m.basis[t - 1]! - theta) * ou.decay + sigma[r]! * ou.shockScale * basisRng.standardNormal()
    const v = vol[r]!
    // GBM: S' = S·exp((μ − v²/2)dt + v√dt·ε) (Black–Scholes 1973)
    m.spot[t] = m.spot[t - 1]! * Math.exp((mp.spot_drift - 0.5 * v * v) * dt + v * Math.sqrt(dt) * spotRng.standardNormal())
  }
  for (let t = 0; t < T; t++) m.perp[t] = m.spot[t]! * (1 + m.basis[t]! / 1e4)

  // Funding per interval of I steps: F = (I·h/H)·(mean premium + noise), the time-weighted
  // average premium quoted per H hours and paid pro rata (Binance USDⓈ-M: F = P̄ + clamp(i − P̄,
  // ±0.05%) with N-hour components for N-hour intervals; the interest/clamp term is the noise).
  const I = mp.funding_interval_steps
  const share = (dt * HOURS_PER_YEAR) / mp.funding_reference_hours
  let noise = 0
  let accrued = 0
  let premiumSum = 0
  let lastPaid = 0
  for (let t = 1; t < T; t++) {
    if ((t - 1) % I === 0) {
      noise = mp.funding_noise_bps * fundingRng.standardNormal()
      accrued = 0
      premiumSum = 0
    }
    const a = share * (m.basis[t]! + noise)
    m.fundingAccrual[t] = a
    accrued += a
    premiumSum += m.basis[t]!
    const stepsSoFar = ((t - 1) % I) + 1
    m.predictedFunding[t] = I * share * (premiumSum / stepsSoFar)
    if (t % I === 0) {
      m.fundingPaid[t] = accrued
      m.fundingTime[t] = 1
      lastPaid = m.fundingPaid[t]!
    }
    m.lastFundingPaid[t] = lastPaid
  }
  m.predictedFunding[0] = I * share * m.basis[0]!
  return m
}
