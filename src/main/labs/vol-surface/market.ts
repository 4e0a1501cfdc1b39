import { defaultRng } from '../../engine/rng'
import { choiceCdf, searchSortedRight } from '../../engine/rng/distributions'
import { exp } from '../../engine/rng/libm'
import { byCode, type VolSurfaceConfig } from './config'

// Regime codes in the notebook's order (run_config.regimes.names).
export const CALM = 0
export const TRANSITION = 1
export const STRESS = 2

/** The exogenous state of chapter 6, simulated up front from the seed (arrays of length T). */
export interface StatePath {
  T: number
  regime: Int32Array
  spot: Float64Array
  /** σ_t, the volatility level (per step). */
  vol: Float64Array
  /** vov_t and skew_t: the regime's vol-of-vol and skew pressure (lookups, no dynamics). */
  vov: Float64Array
  skew: Float64Array
  /** |J_t|, the realised jump size (0 when no jump). */
  jump: Float64Array
}

/**
 * book ch.6 L2177–L2179; notebook cell 3. One Generator(PCG64) stream, default_rng(seed): the
 * whole regime chain first (rng.choice(3, p=P[prev]): one random() each), then per step z, u,
 * a jump normal only when u < λ_J·dt, z_v.
 */
export function simulateState(config: VolSurfaceConfig): StatePath {
  const { T, dt } = config
  const rng = defaultRng(config.seed)
  const P = config.regimes.markov_P
  const regime = new Int32Array(T)
  // rng.choice(3, p=P[prev]): searchsorted(cumsum(p)/sum, random()), the table built once per row
  const cdf = P.map((row) => choiceCdf(row, 3))
  for (let t = 1; t < T; t++) regime[t] = searchSortedRight(cdf[regime[t - 1]!]!, rng.random())

  const mp = config.market_params
  const vovBy = byCode(mp.vol_of_vol)
  const lambdaBy = byCode(mp.jump_intensity)
  const jumpScaleBy = byCode(mp.jump_scale)
  const skewBy = byCode(mp.skew_pressure)
  const spot = new Float64Array(T)
  const vol = new Float64Array(T)
  const vov = new Float64Array(T)
  const skew = new Float64Array(T)
  const jump = new Float64Array(T)
  spot[0] = mp.spot0
  vol[0] = mp.base_vol
  vov[0] = vovBy[regime[0]!]!
  skew[0] = skewBy[regime[0]!]!
  const sqrtDt = Math.sqrt(dt)
  const kappa = mp.mean_revert_kappa
  for (let t = 1; t < T; t++) {
    const r = regime[t]!
    const vovT = vovBy[r]!
    const z = rng.standardNormal()
    const dW = sqrtDt * z
    let J = 0.0
    if (rng.random() < lambdaBy[r]! * dt) J = jumpScaleBy[r]! * rng.standardNormal()
    jump[t] = Math.abs(J)
    const v = vol[t - 1]!
    // notebook cell 3: ret = −½σ²dt + σ·dW + J; S_t = S_{t−1}·exp(ret) (glibc exp)
    const ret = -0.5 * (v * v) * dt + v * dW + J
    spot[t] = spot[t - 1]! * exp(ret)
    // notebook cell 3: dV = vov·0.30·√dt·z_v + 0.55·|J| (jumps push vol up); σ clipped to [floor, cap]
    const zv = rng.standardNormal()
    const dV = vovT * 0.3 * sqrtDt * zv + 0.55 * jump[t]!
    const meanRevert = kappa * (mp.base_vol - v) * dt
    vol[t] = Math.min(Math.max(v + meanRevert + dV, mp.vol_floor), mp.vol_cap)
    vov[t] = vovT
    skew[t] = skewBy[r]!
  }
  return { T, regime, spot, vol, vov, skew, jump }
}
