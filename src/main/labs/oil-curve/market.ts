import { RandomState } from '../../engine/rng/mt19937'
import type { OilCurveConfig } from './config'
import { convenienceYield, curveFeatures, curveLabel, futuresPrice, tenor, type CurveFeatures } from './surface'

// The exogenous path, simulated up front from the seed (book ch.2; notebook cell 11,
// SyntheticOilMarket): inventory and spot, with jumps, and the curve each state implies. States
// 0 … T: the notebook's run of T steps moves the market T times, and the last step's P&L is
// marked on state T.

/** The draws chapter 2 makes from NumPy's legacy global generator (np.random.seed once). */
export interface LegacyDraws {
  standardNormal(): number
  randomSample(): number
}

/** Legs the actions trade: the first three contracts of the strip. */
export const LEG_COUNT = 3

export interface OilMarket {
  /** States 0 … T. */
  states: number
  spot: Float64Array
  inventory: Float64Array
  cy: Float64Array
  /** The inventory regime per state (0 glut, 1 tight; all 0 without the regime chain). */
  inventoryRegime: Int32Array
  /** The notebook's curve label per state (0 CONTANGO, 1 BACKWARDATION, 2 FLAT). */
  curveLabel: Int32Array
  /** The lab's regime per state: the inventory regime when the chain is on, else the curve label. */
  regime: Int32Array
  /** F1, F2, F3 per state, state-major (front[s·3 + leg]): what the legs trade and are marked at. */
  front: Float64Array
  slope16: Float64Array
  slope112: Float64Array
  contangoScore: Float64Array
  rollLongFront: Float64Array
  /**
   * The book the faithful mark reads: the one carried into the previous step (the notebook
   * marks the pre-trade position over the step after its trade). The lab's target writes it
   * every step, before the next step's mark reads it; one run at a time per market.
   */
  markBook: Float64Array
}

/**
 * Inventory and spot per step, in the notebook's draw order: randn (inventory), randn (spot),
 * rand (jump gate), and randn (jump) only when the gate opens. With the corrected inventory
 * regime, a uniform for the next regime is drawn first. notebook cell 11 (step)
 */
export function simulateState(config: OilCurveConfig, rng: LegacyDraws): Pick<OilMarket, 'spot' | 'inventory' | 'inventoryRegime'> {
  const c = config.market
  const n = config.T + 1
  const spot = new Float64Array(n)
  const inventory = new Float64Array(n)
  const inventoryRegime = new Int32Array(n)
  const sqrtDt = Math.sqrt(c.dt)
  const regimes = config.corrections.inventory_regime ? config.regimes : null
  let S = c.spot_mu
  let I = c.inv_mu
  let r = 0
  if (regimes) I = regimes.inv_mu[0]
  spot[0] = S
  inventory[0] = I
  for (let t = 1; t < n; t++) {
    let invMu = c.inv_mu
    let spotSigma = c.spot_sigma
    if (regimes) {
      // np.random.choice(2, p=P[r]): one uniform against the row's cumulative probability
      r = rng.randomSample() < regimes.P[r]![0]! ? 0 : 1
      invMu = regimes.inv_mu[r]!
      spotSigma = c.spot_sigma * regimes.spot_sigma_mult[r]!
    }
    const dI = c.inv_kappa * (invMu - I) * c.dt + c.inv_sigma * sqrtDt * rng.standardNormal()
    I += dI
    let dS = c.spot_kappa * (c.spot_mu - S) * c.dt + spotSigma * S * sqrtDt * rng.standardNormal()
    if (rng.randomSample() < c.jump_prob) dS += c.jump_sigma * S * rng.standardNormal()
    S = Math.max(1.0, S + dS)
    spot[t] = S
    inventory[t] = I
    inventoryRegime[t] = r
  }
  return { spot, inventory, inventoryRegime }
}

/** The whole path: NumPy's legacy generator seeded once, as np.random.seed(seed); the curve's traded front and its features per state. */
export function oilMarket(config: OilCurveConfig, rng: LegacyDraws = new RandomState(config.seed)): OilMarket {
  const { spot, inventory, inventoryRegime } = simulateState(config, rng)
  const n = spot.length
  const M = config.market.M
  const cy = new Float64Array(n)
  const labels = new Int32Array(n)
  const front = new Float64Array(n * LEG_COUNT)
  const slope16 = new Float64Array(n)
  const slope112 = new Float64Array(n)
  const contangoScore = new Float64Array(n)
  const rollLongFront = new Float64Array(n)
  // The features read F1, F2, F6 and F_M and the legs F1 … F3: those points only, each exactly
  // as writeCurve computes it (the surface rebuilds the whole strip on request).
  const points = [1, 2, 3, 6, M]
  const curve = new Float64Array(M)
  const f: CurveFeatures = { slope16: 0, slope112: 0, contangoScore: 0, rollLongFront: 0 }
  for (let t = 0; t < n; t++) {
    cy[t] = convenienceYield(config, inventory[t]!)
    for (const m of points) curve[m - 1] = futuresPrice(config, spot[t]!, cy[t]!, t, tenor(m))
    front.set(curve.subarray(0, LEG_COUNT), t * LEG_COUNT)
    curveFeatures(curve, M, f)
    slope16[t] = f.slope16
    slope112[t] = f.slope112
    contangoScore[t] = f.contangoScore
    rollLongFront[t] = f.rollLongFront
    labels[t] = curveLabel(f.contangoScore)
  }
  const regime = config.corrections.inventory_regime ? inventoryRegime : labels
  return { states: n, spot, inventory, cy, inventoryRegime, curveLabel: labels, regime, front, slope16, slope112, contangoScore, rollLongFront, markBook: new Float64Array(LEG_COUNT) }
}
