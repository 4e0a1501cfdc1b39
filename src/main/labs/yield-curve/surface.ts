import type { Surface } from '../../engine/kernel'
import { exp } from '../../engine/rng/libm'
import type { YieldCurveConfig } from './config'

// The tradable surface: the Nelson–Siegel yield curve on its tenor grid, with the policy rate
// pinning the front end, and the 4% semi-annual bonds the books trade at 2Y, 10Y and 30Y
// (book ch.4 §5.2; notebook cell 16). Operation order follows the notebook for bit parity.

/** (1 − 0.65): the notebook's weight of the Nelson–Siegel yield in the front-end blend, as Python computes it. */
const FRONT_BLEND = 0.65
const FRONT_KEEP = 1 - FRONT_BLEND
/** Tenors at or below this are blended toward the policy rate (notebook cell 16). */
const FRONT_END_YEARS = 2.0
export const COUPON = 0.04
const FREQ = 2
/** The yield bump of DV01 and convexity (1bp). */
export const BUMP = 1e-4

/**
 * The curve on `grid` (years) from the factors and the policy rate, into out:
 * y(τ) = β0 + β1·f1 + β2·f2 with x = λτ, f1 = (1 − e^−x)/(x + 1e−12), f2 = f1 − e^−x;
 * for τ ≤ 2: y = 0.65·policy + (1 − 0.65)·y. notebook cell 16 (ns_yield and the front blend)
 */
export function writeCurve(grid: Float64Array, lambda: number, b0: number, b1: number, b2: number, policy: number, out: Float64Array): void {
  for (let i = 0; i < grid.length; i++) {
    const tau = grid[i]!
    const x = tau * lambda
    const e = exp(-x) // np.exp gives glibc's exp here; V8's Math.exp differs in the last bit (e.g. at x = 1.1)
    const f1 = (1 - e) / (x + 1e-12)
    const f2 = f1 - e
    let y = b0 + b1 * f1 + b2 * f2
    if (tau <= FRONT_END_YEARS) y = FRONT_BLEND * policy + FRONT_KEEP * y
    out[i] = y
  }
}

/**
 * np.interp(x, xp, fp) for one point: fp at a grid point, the end values outside the grid, else
 * slope·(x − xp[j]) + fp[j] with slope = (fp[j+1] − fp[j])/(xp[j+1] − xp[j]) (numpy's arr_interp).
 */
export function npInterp(x: number, xp: Float64Array, fp: Float64Array): number {
  const n = xp.length
  if (x >= xp[n - 1]!) return fp[n - 1]!
  if (x < xp[0]!) return fp[0]!
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if (xp[mid]! <= x) lo = mid
    else hi = mid
  }
  if (x === xp[lo]!) return fp[lo]!
  const slope = (fp[lo + 1]! - fp[lo]!) / (xp[lo + 1]! - xp[lo]!)
  return slope * (x - xp[lo]!) + fp[lo]!
}

const SPLIT = 134217729 // 2^27 + 1
/** The rounding error of p = a·b (Dekker's split product): a·b = p + error exactly. */
function twoProdError(a: number, b: number, p: number): number {
  let t = SPLIT * a
  const ah = t - (t - a)
  const al = a - ah
  t = SPLIT * b
  const bh = t - (t - b)
  const bl = b - bh
  return ah * bh - p + ah * bl + al * bh + al * bl
}

/**
 * Price of the 4% semi-annual bond with `maturity` years at yield y, per unit face:
 * Σ_{k=1..n} cf_k·disc^k with disc = 1/(1 + y/2), n = int(2·maturity), cf = 0.02 (+1 at n),
 * summed in k order. notebook cell 16 (bond_price)
 */
export function bondPrice(y: number, maturity: number): number {
  const n = Math.trunc(maturity * FREQ)
  if (n <= 0) return 1.0
  const r = y / FREQ
  const c = COUPON / FREQ
  const disc = 1 / (1 + r)
  let pv = 0.0
  // CPython's disc**k is libm's pow, within about half an ulp of the true power; a product
  // rounded k times drifts from it, so disc^k is advanced in double-double (Dekker's exact
  // product) and each term takes its rounded head.
  let hi = 1
  let lo = 0
  for (let k = 1; k <= n; k++) {
    const p = hi * disc
    const e = twoProdError(hi, disc, p) + lo * disc
    hi = p + e
    lo = e - (hi - p)
    const cf = k === n ? c + 1.0 : c
    pv += cf * hi
  }
  return pv
}

/** DV01 per unit face: P(y) − P(y + 1bp). notebook cell 16 (bond_dv01) */
export function bondDv01(y: number, maturity: number): number {
  return bondPrice(y, maturity) - bondPrice(y + BUMP, maturity)
}

/** Convexity as the raw second difference (P(y+h) − 2P(y) + P(y−h))/(h² + 1e−18). notebook cell 16 (bond_convexity) */
export function bondConvexity(y: number, maturity: number): number {
  const p0 = bondPrice(y, maturity)
  const up = bondPrice(y + BUMP, maturity)
  const dn = bondPrice(y - BUMP, maturity)
  return (up - 2 * p0 + dn) / (BUMP ** 2 + 1e-18)
}

/** The state a curve is built from at one step. */
export interface CurveState {
  readonly tenors: Float64Array
  readonly policy: Float64Array
  readonly beta0: Float64Array
  readonly beta1: Float64Array
  readonly beta2: Float64Array
}

/** The curve at step t on the config's tenor grid (rebuilt from the state, bit for bit the one the key yields were read from). */
export function curveAt(market: CurveState, t: number, config: YieldCurveConfig): Float64Array {
  const out = new Float64Array(market.tenors.length)
  writeCurve(market.tenors, config.market_params.ns_lambda, market.beta0[t]!, market.beta1[t]!, market.beta2[t]!, market.policy[t]!, out)
  return out
}

/** The bonds of the grid at step t: price, DV01 and convexity of a 4% bond at each tenor's yield. */
export function bondsAt(market: CurveState, t: number, config: YieldCurveConfig): { price: Float64Array; dv01: Float64Array; convexity: Float64Array } {
  const curve = curveAt(market, t, config)
  const price = new Float64Array(curve.length)
  const dv01 = new Float64Array(curve.length)
  const convexity = new Float64Array(curve.length)
  for (let i = 0; i < curve.length; i++) {
    const tau = market.tenors[i]!
    price[i] = bondPrice(curve[i]!, tau)
    dv01[i] = bondDv01(curve[i]!, tau)
    convexity[i] = bondConvexity(curve[i]!, tau)
  }
  return { price, dv01, convexity }
}

/**
 * The yield curve at step t as a kernel Surface: one axis, tenor (a 1-axis surface draws as a
 * curve), with the 4% bond at each tenor's yield beside it (bondsAt).
 */
export function yieldSurface(market: CurveState, t: number, config: YieldCurveConfig): Surface {
  const years = market.tenors
  const bonds = bondsAt(market, t, config)
  return {
    name: 'Nelson–Siegel yield curve',
    unit: 'yield (decimal)',
    axes: [{ name: 'tenor', unit: 'years', labels: Array.from(years, (y) => `${y}y`), values: Array.from(years) }],
    values: curveAt(market, t, config),
    companions: [
      { name: 'bond price', unit: 'per unit face', description: `the ${COUPON * 100}% semi-annual bond maturing at the tenor, priced at its yield (cell 16, bond_price)`, values: bonds.price },
      { name: 'DV01', unit: 'per unit face per bp', description: 'P(y) − P(y + 1bp) (cell 16, bond_dv01)', values: bonds.dv01 },
      { name: 'convexity', unit: 'per unit face', description: '(P(y + h) − 2P(y) + P(y − h))/h², h = 1bp: the raw second difference (cell 16, bond_convexity)', values: bonds.convexity }
    ]
  }
}
