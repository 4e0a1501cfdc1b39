import type { Surface } from '../../engine/kernel'
import type { CreditSpreadsConfig } from './config'
import type { MarketPath } from './market'
import type { CreditSpreadsObservation } from './policy'

// The tradable surface: a spread curve per rating bucket over tenor (book ch.5 §5.2.3;
// notebook cell 16). Loadings are the notebook's fixed RATING table.

export const RATING_BUCKETS = ['IG', 'HY'] as const
export type RatingBucket = (typeof RATING_BUCKETS)[number]

export interface RatingLoadings {
  base: number
  haz_mult: number
  liq_mult: number
  corr_mult: number
  /** Index duration at the reference tenor, and how much stress stretches it. */
  dur: number
  durStress: number
  /** Jump bump shape: level + slope·√τ. */
  jumpLevel: number
  jumpSqrtTau: number
}

// notebook cell 16 (RATING dict, the jump shapes and the duration stretch of the index proxies)
export const RATING: Readonly<Record<RatingBucket, RatingLoadings>> = {
  IG: { base: 0.008, haz_mult: 0.7, liq_mult: 0.9, corr_mult: 0.8, dur: 4.0, durStress: 0.1, jumpLevel: 0.8, jumpSqrtTau: 0.2 },
  HY: { base: 0.03, haz_mult: 1.7, liq_mult: 1.3, corr_mult: 1.1, dur: 3.0, durStress: 0.08, jumpLevel: 1.5, jumpSqrtTau: 0.3 }
}

export const SPREAD_FLOOR = 0.0005
export const SPREAD_CAP = 0.5

/** The tenor grid in years with the two term shapes the premia load on. */
export interface TenorGrid {
  days: Float64Array
  years: Float64Array
  /** g_liq(τ) = √τ: the liquidity premium grows with maturity. */
  sqrtYears: Float64Array
  /** g_corr(τ) = 1/(0.25 + τ): correlation stress is front-loaded. */
  corrShape: Float64Array
}

export function tenorGrid(tenorsDays: readonly number[]): TenorGrid {
  const days = Float64Array.from(tenorsDays)
  const years = days.map((d) => d / 365.0) // notebook cell 16: tenors_days / 365
  return { days, years, sqrtYears: years.map(Math.sqrt), corrShape: years.map((tau) => 1.0 / (0.25 + tau)) }
}

/**
 * One bucket's spread curve at one state point, written into out[offset … offset + K):
 * s(τ) = base + haz·LGD·h·√τ + liq·ℓ·√τ·0.06 + corr·c·g_corr(τ)·0.025 + j·(a + b√τ), clipped.
 * book ch.5 §5.2.3; notebook cell 16 (operation order kept for bit parity)
 */
export function writeSpreadCurve(
  r: RatingLoadings,
  hazard: number,
  liq: number,
  corr: number,
  jump: number,
  lgd: number,
  grid: TenorGrid,
  out: Float64Array,
  offset: number
): void {
  for (let k = 0; k < grid.years.length; k++) {
    const sq = grid.sqrtYears[k]!
    let s = r.base + r.haz_mult * lgd * hazard * sq + r.liq_mult * liq * sq * 0.06 + r.corr_mult * corr * grid.corrShape[k]! * 0.025
    s = s + jump * (r.jumpLevel + r.jumpSqrtTau * sq)
    out[offset + k] = Math.min(Math.max(s, SPREAD_FLOOR), SPREAD_CAP)
  }
}

/**
 * Both buckets' curves at step t from the state there, IG then HY, into out[0 … 2K). The market
 * keeps the curves' features, not the T × K grids: a surface is rebuilt on request, bit for bit
 * the curve the features were read from (buildMarket calls writeSpreadCurve the same way).
 */
export function writeSpreadCurves(market: MarketPath, t: number, config: CreditSpreadsConfig, out: Float64Array): void {
  const mp = config.market_params
  const lgd = 1.0 - mp.recovery_rate
  const jump = market.jump[t] === 1 ? mp.jump_size_spread : 0.0
  const K = market.tenors.years.length
  writeSpreadCurve(RATING.IG, market.hazard[t]!, market.liq[t]!, market.corr[t]!, jump, lgd, market.tenors, out, 0)
  writeSpreadCurve(RATING.HY, market.hazard[t]!, market.liq[t]!, market.corr[t]!, jump, lgd, market.tenors, out, K)
}

/** The IG and HY curves at step t (2K values: IG by tenor, then HY by tenor). */
export function spreadCurvesAt(market: MarketPath, t: number, config: CreditSpreadsConfig): Float64Array {
  const out = new Float64Array(2 * market.tenors.years.length)
  writeSpreadCurves(market, t, config, out)
  return out
}

/** The rating × tenor grid at step t as a kernel Surface (IG row, then HY row). */
export function spreadSurface(market: MarketPath, t: number, config: CreditSpreadsConfig): Surface {
  const days = market.tenors.days
  return {
    name: 'credit spread curve',
    unit: 'spread (decimal)',
    axes: [
      { name: 'rating', unit: 'bucket', labels: [...RATING_BUCKETS] },
      { name: 'tenor', unit: 'days', labels: Array.from(days, (d) => `${d}d`), values: Array.from(days) }
    ],
    values: spreadCurvesAt(market, t, config)
  }
}

/**
 * The numbers read off the surface at t into the observation: each bucket's level (mean over
 * tenors) and slope (longest − shortest), and the stress index. They are computed once per run
 * with the market (notebook cell 16, surface_features), so reading them copies five numbers.
 */
export function readSurfaceFeatures(market: MarketPath, t: number, o: CreditSpreadsObservation): void {
  o.levelIG = market.levelIG[t]!
  o.levelHY = market.levelHY[t]!
  o.slopeIG = market.slopeIG[t]!
  o.slopeHY = market.slopeHY[t]!
  o.creditBeta = market.creditBeta[t]!
}
