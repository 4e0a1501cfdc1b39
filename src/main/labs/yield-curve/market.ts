import { choiceCdf, searchSortedRight } from '../../engine/rng/distributions'
import { RandomState } from '../../engine/rng/mt19937'
import { REGIME_NAMES, type YieldCurveConfig } from './config'
import { BUMP, bondPrice, npInterp, writeCurve } from './surface'

// The exogenous path, simulated up front from the seed (book ch.4 §5.2; notebook cells 11 and
// 16): the regime chain first, then policy rate, term premium, volatility, liquidity and the
// Nelson–Siegel factors, then the curve, its key yields and the 2Y/10Y/30Y bonds.

/** The draws chapter 4 makes from NumPy's legacy global generator (np.random.seed once). */
export interface LegacyDraws {
  /** np.random.normal(loc, scale): loc + scale·gauss (polar method, second deviate cached). */
  normal(loc: number, scale: number): number
  /** np.random.choice(n, p=p) searches one 53-bit uniform in cumsum(p). */
  randomSample(): number
}

// Starting values and process constants the notebook writes as literals (cell 11).
/** The Portfolio's starting cash and equity (notebook cell 21). */
export const INITIAL_EQUITY = 1_000_000.0

export const TERM_PREMIUM0 = 0.008
export const VOL0 = 0.007
export const LIQ0 = 0.55
const START_REGIME = 1 // neutral
const TP_AR = 0.98
const VOL_AR = 0.92
const LIQ_AR = 0.96
const POLICY_BOUNDS = [-0.005, 0.09] as const
const TP_BOUNDS = [-0.005, 0.05] as const
const VOL_BOUNDS = [0.001, 0.06] as const
const LEVEL_ANCHOR = 0.02
const SLOPE_ANCHOR = -0.01
const CURVATURE_ANCHOR = 0.008
const TP_LOADING = 0.35
const POLICY_TO_SLOPE = 0.55

export const STRESS = REGIME_NAMES.indexOf('stress_liquidity')

const clamp = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, x))

export interface StatePath {
  /** Regime index into REGIME_NAMES, per point t = 0 … T−1. */
  regime: Int32Array
  policy: Float64Array
  termPremium: Float64Array
  vol: Float64Array
  liq: Float64Array
  beta0: Float64Array
  beta1: Float64Array
  beta2: Float64Array
}

/**
 * The regime chain (all of it first), then the state, drawing per step pol, tp, v, liq, b0, b1, b2.
 * faithful: b0 += 0.35·tp every step; liquidity AR(1) toward 0 floored at min_liquidity.
 * corrected: b0 reverts to 0.02 + 0.35·tp; liquidity reverts to its regime's target.
 * book ch.4 §5.2; notebook cell 11
 */
export function simulateState(config: YieldCurveConfig, rng: LegacyDraws): StatePath {
  const { T } = config
  const mp = config.market_params
  const mr = mp.mean_reversion
  const minLiq = config.execution_params.min_liquidity
  const levelAsLevel = config.corrections.level_factor === 'level'
  const liqTarget = config.corrections.liquidity === 'regime_target' ? REGIME_NAMES.map((n) => config.corrections.liquidity_target[n]) : null
  const cdf = config.regimes.markov_P.map((row) => choiceCdf(row, 4))
  const shocks = REGIME_NAMES.map((n) => mp.shock_scales[n])
  const drifts = REGIME_NAMES.map((n) => mp.policy_drifts[n])
  const path: StatePath = {
    regime: new Int32Array(T),
    policy: new Float64Array(T),
    termPremium: new Float64Array(T),
    vol: new Float64Array(T),
    liq: new Float64Array(T),
    beta0: new Float64Array(T),
    beta1: new Float64Array(T),
    beta2: new Float64Array(T)
  }
  const { regime, policy, termPremium: tp, vol, liq, beta0, beta1, beta2 } = path
  regime[0] = START_REGIME
  for (let t = 1; t < T; t++) regime[t] = searchSortedRight(cdf[regime[t - 1]!]!, rng.randomSample())
  policy[0] = mp.policy_rate0
  tp[0] = TERM_PREMIUM0
  vol[0] = VOL0
  liq[0] = LIQ0
  beta0[0] = mp.beta0_0
  beta1[0] = mp.beta1_0
  beta2[0] = mp.beta2_0
  for (let t = 1; t < T; t++) {
    const r = regime[t]!
    const sc = shocks[r]!
    policy[t] = clamp(policy[t - 1]! + drifts[r]! + rng.normal(0, sc.pol), POLICY_BOUNDS[0], POLICY_BOUNDS[1])
    tp[t] = clamp(TP_AR * tp[t - 1]! + rng.normal(0, sc.tp), TP_BOUNDS[0], TP_BOUNDS[1])
    vol[t] = clamp(VOL_AR * vol[t - 1]! + Math.abs(rng.normal(0, sc.v)), VOL_BOUNDS[0], VOL_BOUNDS[1])
    const liqMean = liqTarget === null ? LIQ_AR * liq[t - 1]! : LIQ_AR * liq[t - 1]! + (1 - LIQ_AR) * liqTarget[r]!
    liq[t] = clamp(liqMean + rng.normal(0, sc.liq), minLiq, 1.0)
    const b0 = beta0[t - 1]!
    const b1 = beta1[t - 1]!
    const b2 = beta2[t - 1]!
    const v = vol[t]!
    beta0[t] = levelAsLevel
      ? b0 + -mr.beta0 * (b0 - (LEVEL_ANCHOR + TP_LOADING * tp[t]!)) + rng.normal(0, 0.00035 + 0.3 * v)
      : b0 + -mr.beta0 * (b0 - LEVEL_ANCHOR) + TP_LOADING * tp[t]! + rng.normal(0, 0.00035 + 0.3 * v)
    beta1[t] = b1 + -mr.beta1 * (b1 - SLOPE_ANCHOR) + rng.normal(0, 0.00045 + 0.35 * v)
    beta2[t] = b2 + -mr.beta2 * (b2 - CURVATURE_ANCHOR) + rng.normal(0, 0.00035 + 0.2 * v)
    // policy anchoring: the front end follows policy through the slope factor
    beta1[t] = beta1[t]! + POLICY_TO_SLOPE * (policy[t]! - policy[t - 1]!)
  }
  return path
}

/** What the loop reads of the curve per point: key yields, shape, and the three bonds. */
export interface CurvePath {
  T: number
  tenors: Float64Array
  y2: Float64Array
  y10: Float64Array
  y30: Float64Array
  slope: Float64Array
  fly: Float64Array
  /** Bond prices and DV01s per unit face at 2Y, 10Y, 30Y (point-major: [t·3 + leg]). */
  price: Float64Array
  dv01: Float64Array
}

export const LEG_YEARS = [2.0, 10.0, 30.0] as const

/** The curve on the grid at every point, its key yields by np.interp, and the bonds. notebook cell 16 */
export function buildCurves(config: YieldCurveConfig, state: StatePath): CurvePath {
  const { T } = config
  const tenors = Float64Array.from(config.surface_params.tenor_grid_years)
  const lambda = config.market_params.ns_lambda
  const curve = new Float64Array(tenors.length)
  const y2 = new Float64Array(T)
  const y10 = new Float64Array(T)
  const y30 = new Float64Array(T)
  const slope = new Float64Array(T)
  const fly = new Float64Array(T)
  const price = new Float64Array(T * 3)
  const dv01 = new Float64Array(T * 3)
  for (let t = 0; t < T; t++) {
    writeCurve(tenors, lambda, state.beta0[t]!, state.beta1[t]!, state.beta2[t]!, state.policy[t]!, curve)
    const a = npInterp(LEG_YEARS[0], tenors, curve)
    const b = npInterp(LEG_YEARS[1], tenors, curve)
    const c = npInterp(LEG_YEARS[2], tenors, curve)
    y2[t] = a
    y10[t] = b
    y30[t] = c
    slope[t] = b - a
    fly[t] = a + c - 2 * b
    for (let leg = 0; leg < 3; leg++) {
      const y = leg === 0 ? a : leg === 1 ? b : c
      const p = bondPrice(y, LEG_YEARS[leg]!)
      price[t * 3 + leg] = p
      // bond_dv01: P(y) − P(y + 1bp), the same P(y) priced once
      dv01[t * 3 + leg] = p - bondPrice(y + BUMP, LEG_YEARS[leg]!)
    }
  }
  return { T, tenors, y2, y10, y30, slope, fly, price, dv01 }
}

/**
 * What one run records beside the kernel's columns, shared by the observation (which creates it
 * at the start of a run), target, execution and the report: the trade as the notebook scaled it,
 * and per step the constraint flags and the z-scores the notebook logs.
 */
export class YieldRunState {
  /** This step's trade after the DV01 limit and the leverage scaling (tr2, tr10, tr30). */
  readonly trade = new Float64Array(3)
  /** Equity after the last step settled (the funding of the mark reads it: equity before the interval). */
  equity: number
  /** DV01 traded per step (dv_trade), as the cost model measured it. */
  readonly dvTrade: Float64Array
  readonly dv01Hit: Uint8Array
  readonly leverageScaled: Uint8Array
  readonly delever: Uint8Array
  readonly zSlope: Float64Array
  readonly zFly: Float64Array

  constructor(steps: number, initialEquity: number) {
    this.equity = initialEquity
    this.dvTrade = new Float64Array(steps)
    this.dv01Hit = new Uint8Array(steps)
    this.leverageScaled = new Uint8Array(steps)
    this.delever = new Uint8Array(steps)
    this.zSlope = new Float64Array(steps)
    this.zFly = new Float64Array(steps)
  }
}

/** The run's market: the state path and the curves, and the state of the run on it (set per run). */
export type YieldMarket = StatePath &
  CurvePath & {
    /** Replaced at the start of every run (lab.observation); the report of that run reads it. */
    run: YieldRunState
  }

/** The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). */
export function yieldMarket(config: YieldCurveConfig, state?: StatePath): YieldMarket {
  const path = state ?? simulateState(config, new RandomState(config.seed))
  return { ...path, ...buildCurves(config, path), run: new YieldRunState(config.T - 1, INITIAL_EQUITY) }
}
