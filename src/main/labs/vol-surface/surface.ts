import type { Surface, SurfaceFeature } from '../../engine/kernel'
import { npMean } from '../common/numpy'
import { byCode, type VolSurfaceConfig } from './config'
import { simulateState, type StatePath } from './market'

/** The grid's fixed shape: normalised tenors, the points the features read, per-regime tables. */
export interface SurfaceGrid {
  tenorsDays: readonly number[]
  moneyness: readonly number[]
  /** τ_i − mean(τ), τ_i = (T_i − min T)/(max T − min T) (notebook cell 4). */
  tauCentered: Float64Array
  /** Rows and columns the notebook reads: the tenor nearest 30 days, moneyness nearest 0, −0.05, +0.05. */
  tenor30: number
  atm: number
  put: number
  call: number
  slopeBy: [number, number, number]
  curvatureBy: [number, number, number]
  /**
   * term_i · (smile_j · tilt_j) per regime (regime-major, tenor rows × moneyness columns): the
   * notebook's outer product without σ. Skew pressure, slope and curvature are regime lookups,
   * so the grid at t is σ_t times the regime's table (then the clip).
   */
  shapeByRegime: Float64Array
  /** Per-tenor sensitivities a_i, b_i (zeros unless corrections.tenor_sensitivity = per_tenor). */
  vovSensitivity: Float64Array
  jumpSensitivity: Float64Array
  perTenor: boolean
}

/** P^h[r][stress] for every regime r and tenor (h = tenor days, rounded, in steps): regime-major. */
export function stressAtExpiry(P: readonly (readonly number[])[], tenorsDays: readonly number[]): Float64Array {
  const out = new Float64Array(3 * tenorsDays.length)
  let power = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1]
  ]
  let h = 0
  tenorsDays.forEach((days, i) => {
    for (; h < Math.round(days); h++) power = power.map((row) => [0, 1, 2].map((j) => row[0]! * P[0]![j]! + row[1]! * P[1]![j]! + row[2]! * P[2]![j]!))
    for (let r = 0; r < 3; r++) out[r * tenorsDays.length + i] = power[r]![2]!
  })
  return out
}

/** np.argmin(|values − x|): the first index of the smallest distance. */
function nearest(values: readonly number[], x: number): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]! - x) < Math.abs(values[best]! - x)) best = i
  return best
}

export function surfaceGrid(config: VolSurfaceConfig): SurfaceGrid {
  const sp = config.surface_params
  const tenorsDays = sp.axes.tenor_days
  const moneyness = sp.axes.moneyness
  const n = tenorsDays.length
  const lo = tenorsDays[0]!
  const hi = tenorsDays[n - 1]!
  // notebook cell 4: τ = (T − min)/max(1e−12, max − min); term = 1 + slope·(τ − mean τ)
  const tau = Float64Array.from(tenorsDays, (d) => (d - lo) / Math.max(1e-12, hi - lo))
  const tauMean = npMean(tau)
  const perTenor = config.corrections.tenor_sensitivity === 'per_tenor'
  const tauCentered = tau.map((x) => x - tauMean)
  const slopeBy = byCode(sp.term_structure_slope)
  const curvatureBy = byCode(sp.smile_curvature)
  const skewBy = byCode(config.market_params.skew_pressure)
  const nM = moneyness.length
  const shapeByRegime = new Float64Array(3 * n * nM)
  const anticipation = config.corrections.regime_anticipation === 'markov_horizon' ? stressAtExpiry(config.regimes.markov_P, tenorsDays) : null
  for (let r = 0; r < 3; r++) {
    const skp = skewBy[r]!
    for (let i = 0; i < n; i++) {
      const term = 1.0 + slopeBy[r]! * tauCentered[i]!
      for (let j = 0; j < nM; j++) {
        const mj = moneyness[j]!
        const smile = 1.0 + curvatureBy[r]! * (mj * mj)
        const tilt = 1.0 + 0.55 * skp * -mj + 0.1 * skp * -Math.max(mj, 0)
        // notebook cell 4: np.outer(term_factor, smile * tilt)
        const shape = term * (smile * tilt)
        // option: the chance of stress at this tenor's expiry lifts its vols
        shapeByRegime[(r * n + i) * nM + j] = anticipation ? shape * (1.0 + sp.anticipation_weight * anticipation[r * n + i]!) : shape
      }
    }
  }
  return {
    tenorsDays,
    moneyness,
    tauCentered,
    tenor30: nearest(tenorsDays, 30.0),
    atm: nearest(moneyness, 0.0),
    put: nearest(moneyness, -0.05),
    call: nearest(moneyness, 0.05),
    slopeBy,
    curvatureBy,
    shapeByRegime,
    vovSensitivity: perTenor ? Float64Array.from(sp.tenor_vov_sensitivity) : new Float64Array(n),
    jumpSensitivity: perTenor ? Float64Array.from(sp.tenor_jump_sensitivity) : new Float64Array(n),
    perTenor
  }
}

/**
 * The implied-vol grid at state t into out (tenor rows × moneyness columns, row-major).
 * book ch.6 L2181; notebook cell 4 (build_surface):
 *   IV[i,j] = clip(σ_t · term_i · smile_j · tilt_j, 0.01, 2.00), smile_j = 1 + curv·m_j²,
 *   tilt_j = 1 + 0.55·skp·(−m_j) + 0.10·skp·(−max(m_j, 0)).
 * Corrected (per_tenor): the product is scaled by 1 + a_i·vov_t + b_i·|jump_t| before the clip.
 */
export function fillSurface(state: StatePath, t: number, grid: SurfaceGrid, out: Float64Array): void {
  const nT = grid.tenorsDays.length
  const nM = grid.moneyness.length
  for (let i = 0; i < nT; i++) for (let j = 0; j < nM; j++) out[i * nM + j] = ivAt(state, t, grid, i, j)
}

/** One point of the grid at state t: tenor row i, moneyness column j (see fillSurface). */
export function ivAt(state: StatePath, t: number, grid: SurfaceGrid, i: number, j: number): number {
  const nT = grid.tenorsDays.length
  const nM = grid.moneyness.length
  // notebook: vol_t * np.outer(term, smile * tilt), clipped to [0.01, 2.00]
  let iv = state.vol[t]! * grid.shapeByRegime[(state.regime[t]! * nT + i) * nM + j]!
  if (grid.perTenor) iv *= 1.0 + grid.vovSensitivity[i]! * state.vov[t]! + grid.jumpSensitivity[i]! * state.jump[t]!
  return Math.min(Math.max(iv, 0.01), 2.0)
}

/** The surface's per-state features the policy and the book read (arrays of length T). */
export interface SurfaceFeatures {
  ivAtm30: Float64Array
  ivPut30: Float64Array
  ivCall30: Float64Array
  /** The term slope: the regime constant (notebook) or IV[longest, ATM] − IV[shortest, ATM] (corrected). */
  termSlope: Float64Array
  /** ATM IV of every tenor, T × tenors row-major (the legs' Greeks read it). */
  ivAtmByTenor: Float64Array
}

export interface VolSurfaceMarket extends StatePath {
  grid: SurfaceGrid
  features: SurfaceFeatures
}

/** notebook cell 4: the surface at every t, and the series read off it. */
export function buildFeatures(state: StatePath, grid: SurfaceGrid, config: VolSurfaceConfig): SurfaceFeatures {
  const { T } = state
  const nT = grid.tenorsDays.length
  const measured = config.corrections.calendar_slope === 'grid_atm'
  const f: SurfaceFeatures = {
    ivAtm30: new Float64Array(T),
    ivPut30: new Float64Array(T),
    ivCall30: new Float64Array(T),
    termSlope: new Float64Array(T),
    ivAtmByTenor: new Float64Array(T * nT)
  }
  // only the points the book reads: the 30-day row's ATM and wings, and every tenor's ATM
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < nT; i++) f.ivAtmByTenor[t * nT + i] = ivAt(state, t, grid, i, grid.atm)
    f.ivAtm30[t] = f.ivAtmByTenor[t * nT + grid.tenor30]!
    f.ivPut30[t] = ivAt(state, t, grid, grid.tenor30, grid.put)
    f.ivCall30[t] = ivAt(state, t, grid, grid.tenor30, grid.call)
    f.termSlope[t] = measured ? f.ivAtmByTenor[t * nT + nT - 1]! - f.ivAtmByTenor[t * nT]! : grid.slopeBy[state.regime[t]!]!
  }
  return f
}

/** The exogenous path and its surface features, from the config alone. */
export function volSurfaceMarket(config: VolSurfaceConfig): VolSurfaceMarket {
  const state = simulateState(config)
  const grid = surfaceGrid(config)
  return { ...state, grid, features: buildFeatures(state, grid, config) }
}

/**
 * The features the policy observes at state t (the lab's observe reads the same arrays) and the
 * regime's smile curvature the grid is built with. notebook cells 4, 7, 8
 */
export function surfaceReadouts(market: VolSurfaceMarket, t: number, config: VolSurfaceConfig): SurfaceFeature[] {
  const { features: f, grid } = market
  const unit = 'vol per √step'
  const days = grid.tenorsDays[grid.tenor30]!
  const measured = config.corrections.calendar_slope === 'grid_atm'
  const last = grid.tenorsDays.length - 1
  return [
    { name: `ATM IV ${days}d`, unit, description: `implied vol at moneyness ${grid.moneyness[grid.atm]} of the tenor nearest 30 days: iv_atm_30, which the rule compares with base_vol + vol_elevated_margin (cells 4, 7)`, value: f.ivAtm30[t]! },
    {
      name: `skew proxy ${days}d`,
      unit,
      description: `IV at moneyness ${grid.moneyness[grid.put]} − IV at ${grid.moneyness[grid.call]}, tenor ${days}d: put over call, what the rule reads as skew (cells 4, 7)`,
      value: f.ivPut30[t]! - f.ivCall30[t]!
    },
    {
      name: 'ATM term slope',
      unit,
      description: measured
        ? `IV[${grid.tenorsDays[last]}d, ATM] − IV[${grid.tenorsDays[0]}d, ATM], measured off the grid (corrected: calendar_slope = grid_atm)`
        : 'the regime’s term_structure_slope, as the notebook reads it (faithful: calendar_slope = regime_constant)',
      value: f.termSlope[t]!
    },
    { name: 'smile curvature', unit: 'per (moneyness)²', description: 'the regime’s smile_curvature c: the smile is 1 + c·m² (cell 4)', value: grid.curvatureBy[market.regime[t]!]! },
    { name: 'skew pressure', unit: '', description: 'the regime’s skew_pressure, which tilts the smile toward puts (cells 3, 4)', value: market.skew[t]! },
    { name: 'vol of vol', unit: 'per √step', description: 'the regime’s vol_of_vol, which drives the vol path (cell 3)', value: market.vov[t]! }
  ]
}

/** The state kernel step k reads: the notebook's t = k + 1 (its loop starts at t = 1), held at the last state. */
const stateOf = (market: VolSurfaceMarket, k: number): number => Math.min(k + 1, market.T - 1)

/**
 * The surface at kernel step k as the kernel's typed grid, with the features read off it. The
 * grid shown at a step is the one that step traded on.
 */
export function volSurfaceAt(market: VolSurfaceMarket, k: number, config: VolSurfaceConfig): Surface {
  const { grid } = market
  const values = new Float64Array(grid.tenorsDays.length * grid.moneyness.length)
  const t = stateOf(market, k)
  fillSurface(market, t, grid, values)
  return {
    name: 'Implied volatility (tenor × moneyness)',
    unit: 'vol per √step',
    axes: [
      { name: 'tenor', unit: 'days', labels: grid.tenorsDays.map((d) => `${d}d`), values: [...grid.tenorsDays] },
      { name: 'moneyness', unit: 'fraction of spot', labels: grid.moneyness.map((m) => (m > 0 ? `+${m}` : `${m}`)), values: [...grid.moneyness] }
    ],
    values,
    features: surfaceReadouts(market, t, config)
  }
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI)

/**
 * Black–Scholes vega (per 1.00 of vol) of one at-the-money option per unit of spot, zero rates:
 * d1 = σ√τ/2, vega = φ(d1)·√τ, with σ per step and τ in steps (a step is a day: τ = tenor days).
 */
export function bsAtmVega(sigma: number, tauSteps: number): number {
  const s = sigma * Math.sqrt(tauSteps)
  return INV_SQRT_2PI * Math.exp(-0.125 * s * s) * Math.sqrt(tauSteps)
}

/** Its cash gamma Γ·S² = φ(d1)/(σ√τ): ½·cashGamma·(dS/S)² is the option's gamma P&L. */
export function bsAtmCashGamma(sigma: number, tauSteps: number): number {
  const s = sigma * Math.sqrt(tauSteps)
  return (INV_SQRT_2PI * Math.exp(-0.125 * s * s)) / s
}

/** Cash gamma of a leg sized to `vega` per 1.00 of vol at the grid's ATM vol of tenor i. */
function legCashGamma(market: VolSurfaceMarket, t: number, i: number, vega: number): number {
  const sigma = market.features.ivAtmByTenor[t * market.grid.tenorsDays.length + i]!
  const tau = market.grid.tenorsDays[i]!
  return (vega / bsAtmVega(sigma, tau)) * bsAtmCashGamma(sigma, tau)
}

/**
 * The book's Greeks at state t (corrected: greeks = black_scholes). A unit of outright vega holds
 * ATM options of the tenor nearest 30 days sized to vega_pnl_scale per 1.00 of vol; a unit of
 * calendar is long the longest tenor and short the shortest, each leg sized to
 * calendar_sensitivity (net vega 0). Each leg is priced at its tenor's ATM vol on the grid.
 */
export function bookGreeks(market: VolSurfaceMarket, t: number, outright: number, calendar: number, config: VolSurfaceConfig, out: { bookVega: number; bookCashGamma: number }): void {
  const sp = config.strategy_params
  const last = market.grid.tenorsDays.length - 1
  out.bookVega = outright * sp.vega_pnl_scale + calendar * (sp.calendar_sensitivity - sp.calendar_sensitivity)
  out.bookCashGamma =
    outright * legCashGamma(market, t, market.grid.tenor30, sp.vega_pnl_scale) +
    calendar * (legCashGamma(market, t, last, sp.calendar_sensitivity) - legCashGamma(market, t, 0, sp.calendar_sensitivity))
}
