import type { Surface } from '../../engine/kernel'
import { npMean, npStd } from '../common/numpy'
import type { FxCarryConfig } from './config'
import { RISK_OFF, simulateMarketPath, type MarketPath } from './market'
import type { FxCarryObservation } from './policy'

/** The scalar carry series the policy and the ledger read, derived from the surface at every step. */
export interface CarrySurfaces {
  tenorsDays: readonly number[]
  /** mean_i C[t, i, 30d]: the notebook's carry_30d_mean. */
  c30Mean: Float64Array
  /** Carry booked per step by a unit long position (depends on corrections.carry_day_count). */
  carryPerStep: Float64Array
  /** The factor applied to the surface at t: 1 unless risk-off compression is on. */
  compression: Float64Array
}

export interface FxCarryMarket extends MarketPath {
  carry: CarrySurfaces
}

function compressionAt(path: MarketPath, t: number, config: FxCarryConfig): number {
  const { surface_compression, surface_compression_k } = config.corrections
  // book ch.3 §4.4 (corrected): C ← C·(1 − k·stress), stress = 1 in risk-off
  return surface_compression === 'multiplicative' ? 1 - surface_compression_k * (path.regimes[t] === RISK_OFF ? 1 : 0) : 1
}

/**
 * C[t] as an n_ccy × n_tenor row-major matrix into `out`, and the annual differentials r_i − usd
 * into `differential`. Faithful: C = (r_i − usd)·d/365; the compression switch scales it in risk-off.
 */
function fillCarryMatrix(path: MarketPath, t: number, config: FxCarryConfig, out: Float64Array, differential: Float64Array): number {
  const tenors = config.surface_params.tenors_days
  const { nCcy: n } = path
  const m = tenors.length
  const factor = compressionAt(path, t, config)
  const compress = config.corrections.surface_compression === 'multiplicative'
  const usd = path.usdRate[t]!
  for (let i = 0; i < n; i++) {
    differential[i] = path.ccyRates[t * n + i]! - usd
    for (let j = 0; j < m; j++) {
      // book ch.3 §4.2; notebook cell 16: C[t, i, j] = (r_i − usd)·d_j/365
      const c = differential[i]! * (tenors[j]! / 365.0)
      out[i * m + j] = compress ? c * factor : c
    }
  }
  return factor
}

/** The carry proxy and the per-step accrual at every step (the full matrix is rebuilt on demand). */
export function buildCarrySurfaces(path: MarketPath, config: FxCarryConfig): CarrySurfaces {
  const { T, nCcy: n } = path
  const tenorsDays = config.surface_params.tenors_days
  const m = tenorsDays.length
  const j30 = tenorsDays.indexOf(30)
  const compress = config.corrections.surface_compression === 'multiplicative'
  const c30Mean = new Float64Array(T)
  const carryPerStep = new Float64Array(T)
  const compression = new Float64Array(T)
  const matrix = new Float64Array(n * m)
  const differential = new Float64Array(n)
  for (let t = 0; t < T; t++) {
    const factor = fillCarryMatrix(path, t, config, matrix, differential)
    compression[t] = factor
    c30Mean[t] = npMean(matrix, j30, n, m)
    carryPerStep[t] =
      config.corrections.carry_day_count === 'annual_times_dt'
        ? // corrected: the annual differential accrues over the step's dt (252-day steps)
          (compress ? npMean(differential) * factor : npMean(differential)) * config.dt
        : // notebook cell 41: carry_ret_step = carry30 / 30 (a 365-day carry on 252-day steps)
          c30Mean[t]! / 30.0
  }
  return { tenorsDays, c30Mean, carryPerStep, compression }
}

/** C[t] as an n_ccy × n_tenor row-major matrix. */
export function carryMatrixAt(market: MarketPath, t: number, config: FxCarryConfig): Float64Array {
  const out = new Float64Array(market.nCcy * config.surface_params.tenors_days.length)
  fillCarryMatrix(market, t, config, out, new Float64Array(market.nCcy))
  return out
}

/** The surface at step t as the kernel's typed grid. */
export function carrySurfaceAt(market: FxCarryMarket, t: number, config: FxCarryConfig): Surface {
  return {
    name: 'FX forward carry (currency × tenor)',
    unit: 'fraction of notional over the tenor',
    axes: [
      { name: 'currency', unit: 'vs USD', labels: config.ccy_names },
      { name: 'tenor', unit: 'days', labels: market.carry.tenorsDays.map((d) => `${d}d`), values: market.carry.tenorsDays }
    ],
    values: carryMatrixAt(market, t, config)
  }
}

/** The exogenous path and its carry surface, from the config alone. */
export function fxCarryMarket(config: FxCarryConfig): FxCarryMarket {
  const path = simulateMarketPath(config)
  return { ...path, carry: buildCarrySurfaces(path, config) }
}

/** Scratch for reading the surface every step without allocating: the matrix, differentials, one column. */
export class SurfaceScratch {
  readonly matrix: Float64Array
  readonly differential: Float64Array
  readonly column: Float64Array

  constructor(config: FxCarryConfig) {
    this.matrix = new Float64Array(config.n_ccy * config.surface_params.tenors_days.length)
    this.differential = new Float64Array(config.n_ccy)
    this.column = new Float64Array(config.n_ccy)
  }
}

/**
 * Numbers read off the surface at t, into the observation: the 30-day proxy, the term structure
 * (mean carry per tenor), cross-currency dispersion of the 30-day carry, the USD rate and the
 * mean currency rate.
 */
export function readSurfaceFeatures(market: FxCarryMarket, t: number, config: FxCarryConfig, o: FxCarryObservation, scratch: SurfaceScratch): void {
  const { nCcy: n } = market
  const tenors = market.carry.tenorsDays
  const m = tenors.length
  const j30 = tenors.indexOf(30)
  const matrix = scratch.matrix
  fillCarryMatrix(market, t, config, matrix, scratch.differential)
  for (let j = 0; j < m; j++) o.carryByTenor[j] = npMean(matrix, j, n, m)
  o.carry30Mean = market.carry.c30Mean[t]!
  o.carry30Dispersion = npStd(matrix, j30, n, m, scratch.column)
  o.usdRate = market.usdRate[t]!
  o.ccyRatesMean = npMean(market.ccyRates, t * n, n)
}
