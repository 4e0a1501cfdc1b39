import type { Surface, SurfaceFeature } from '../../engine/kernel'
import { exp } from '../../engine/rng/libm'
import type { OilCurveConfig } from './config'
import type { OilMarket } from './market'

// The tradable surface: a strip of M monthly futures under the cost of carry,
// F(t, τ) ≈ S_t·e^{(r + u − y)τ} (book ch.2, the chapter's one equation; notebook cell 11, curve),
// times a seasonal factor, and the features read off it (notebook cell 16).

/** Tenor of contract m (1-based) in years: the notebook's m/12. */
export const tenor = (m: number): number => m / 12.0

/** Convenience yield from inventory: clamp(cy_a − cy_b·I, −0.10, 0.25). notebook cell 11 */
export function convenienceYield(config: OilCurveConfig, inventory: number): number {
  const c = config.market
  return Math.max(-0.1, Math.min(0.25, c.cy_a - c.cy_b * inventory))
}

/**
 * The seasonal factor 1 + amp·sin(2π(phase + 0.15)). faithful: phase = τ (the notebook's tenor-only
 * factor, the same hump on every curve); corrected: phase = t·dt + τ, the contract's delivery date
 * in years, so a contract keeps its season as it ages. notebook cell 11
 */
export function seasonalFactor(config: OilCurveConfig, t: number, tau: number): number {
  const phase = config.corrections.seasonality === 'tenor' ? tau : t * config.market.dt + tau
  return 1.0 + config.market.seasonal_amp * Math.sin(2 * Math.PI * (phase + 0.15))
}

/** One point of the curve: S·exp((r + storage − CY)·τ)·seasonal, in the notebook's order of operations. */
export function futuresPrice(config: OilCurveConfig, spot: number, cy: number, t: number, tau: number): number {
  const carry = config.market.r + config.market.storage - cy
  return spot * exp(carry * tau) * seasonalFactor(config, t, tau)
}

/** The M-point curve at state t into out (length ≥ M). */
export function writeCurve(config: OilCurveConfig, spot: number, cy: number, t: number, out: Float64Array): void {
  for (let m = 1; m <= config.market.M; m++) out[m - 1] = futuresPrice(config, spot, cy, t, tenor(m))
}

/** The features of cell 16 (compute_curve_features), per state. */
export interface CurveFeatures {
  slope16: number
  /** (F_M − F1)/F1: the notebook's slope_1_12, which reads the curve's last point. */
  slope112: number
  /** 0.7·slope_1_6 + 0.3·slope_1_12: > 0 contango, < 0 backwardation. */
  contangoScore: number
  /** (F1 − F2)/F1: positive in backwardation. */
  rollLongFront: number
}

/** notebook cell 16 (compute_curve_features), operation for operation. */
export function curveFeatures(curve: Float64Array, M: number, out: CurveFeatures): void {
  const f1 = curve[0]!
  const f6 = curve[5]!
  const f12 = curve[M - 1]!
  out.slope16 = (f6 - f1) / f1
  out.slope112 = (f12 - f1) / f1
  out.contangoScore = 0.7 * out.slope16 + 0.3 * out.slope112
  out.rollLongFront = (curve[0]! - curve[1]!) / curve[0]!
}

/** The notebook's curve-shape label (cell 46, regime_label, eps 0.005): 0 CONTANGO, 1 BACKWARDATION, 2 FLAT. */
export function curveLabel(contangoScore: number): number {
  if (contangoScore > 0.005) return 0
  if (contangoScore < -0.005) return 1
  return 2
}

/** The readouts the policy observes at state t, as the market computed them (cell 16) and the convenience yield behind the carry. */
export function curveReadouts(market: OilMarket, t: number, config: OilCurveConfig): SurfaceFeature[] {
  const M = config.market.M
  return [
    { name: 'slope 1–6M', unit: 'fraction of F1', description: '(F6 − F1)/F1: the notebook’s slope_1_6 (cell 16)', value: market.slope16[t]! },
    { name: `slope 1–${M}M`, unit: 'fraction of F1', description: `(F${M} − F1)/F1: the notebook’s slope_1_12, read at the strip’s last contract (cell 16)`, value: market.slope112[t]! },
    {
      name: 'contango score',
      unit: 'fraction of F1',
      description: '0.7·slope 1–6M + 0.3·slope 1–12M: > 0 contango, < 0 backwardation; the baseline trades its sign beyond ±thresh (cells 16, 26)',
      value: market.contangoScore[t]!
    },
    { name: 'roll proxy (long front)', unit: 'fraction of F1', description: '(F1 − F2)/F1: what a long front earns rolling into the second month, > 0 in backwardation (cell 16)', value: market.rollLongFront[t]! },
    { name: 'convenience yield', unit: 'per year', description: 'clamp(cy_a − cy_b·inventory, −0.10, 0.25): the yield of holding the barrel, taken off the carry r + storage (cell 11)', value: market.cy[t]! }
  ]
}

/** The futures strip at step t as a 1-axis Surface (a curve over maturity), rebuilt from the state, with the features read off it. */
export function futuresSurface(market: OilMarket, t: number, config: OilCurveConfig): Surface {
  const M = config.market.M
  const values = new Float64Array(M)
  writeCurve(config, market.spot[t]!, market.cy[t]!, t, values)
  const months = Array.from({ length: M }, (_, i) => i + 1)
  return {
    name: 'oil futures curve',
    unit: 'USD/bbl',
    axes: [{ name: 'maturity', unit: 'months', labels: months.map((m) => `${m}M`), values: months }],
    values,
    features: curveReadouts(market, t, config)
  }
}
