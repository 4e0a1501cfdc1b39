import { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { CALM } from '../common/fields'
import type { LatencyArbConfig } from './config'
import type { ArbDesk } from './execution'

// The exogenous path, simulated up front from the seed: regime chain, the efficient price and
// the two venues' mids and half-spreads. Each process draws from its own named stream (seed ^ tag).

export { CALM, STRESSED } from '../common/fields'

export const STREAMS = { regime: 0x1a7e_0101, price: 0x1a7e_0202, venueA: 0x1a7e_0303, venueB: 0x1a7e_0404 } as const

/** The exogenous path: pure in the config. */
export interface LatencyArbPath {
  T: number
  regime: Int32Array
  efficient: Float64Array
  midA: Float64Array
  midB: Float64Array
  /** Half-spreads in bps at each step (widened in stress). */
  halfSpreadA: Float64Array
  halfSpreadB: Float64Array
}

/**
 * The run's market: the path plus the desk that executes on it (execution.ts). The kernel
 * creates the market once per run and hands the same object to the execution model (through
 * the step context) and to the report, so the desk is the one per-run state both read.
 */
export interface LatencyArbMarket extends LatencyArbPath {
  readonly desk: ArbDesk
}

/** Next regime from a uniform draw: the first state whose cumulative probability exceeds u. */
function nextRegime(row: readonly number[], u: number): number {
  let cumulative = 0
  for (let j = 0; j < row.length - 1; j++) {
    cumulative += row[j] ?? 0
    if (u < cumulative) return j
  }
  return row.length - 1
}

/**
 * Log prices: m' = m + (μ − σ²/2)dt + σ√dt·ε (GBM, Black–Scholes 1973);
 * venue A quotes x = m + a·η (efficient price plus microstructure noise, Roll 1984);
 * venue B adjusts toward A's last quote, y' = y + φ(x − y) + b·ζ (error-correction lead–lag,
 * Engle–Granger 1987; Hasbrouck 1995), so the basis y − x opens when A moves and decays as (1 − φ)^k.
 */
export function simulateLatencyArbPath(config: LatencyArbConfig): LatencyArbPath {
  const { T, dt, seed } = config
  const mp = config.market_params
  const vp = config.venue_params
  const regimeRng = new Xoshiro128((seed ^ STREAMS.regime) >>> 0)
  const priceRng = new Xoshiro128((seed ^ STREAMS.price) >>> 0)
  const aRng = new Xoshiro128((seed ^ STREAMS.venueA) >>> 0)
  const bRng = new Xoshiro128((seed ^ STREAMS.venueB) >>> 0)
  const vol = [mp.vol_calm, mp.vol_stressed]
  const m: LatencyArbPath = {
    T,
    regime: new Int32Array(T),
    efficient: new Float64Array(T),
    midA: new Float64Array(T),
    midB: new Float64Array(T),
    halfSpreadA: new Float64Array(T),
    halfSpreadB: new Float64Array(T)
  }
  let logM = Math.log(mp.price0)
  let x = logM + 1e-4 * vp.a_noise_bps * aRng.standardNormal()
  let y = x
  m.regime[0] = CALM
  for (let t = 0; t < T; t++) {
    if (t > 0) {
      const r = nextRegime(config.regimes.P[m.regime[t - 1]!] ?? [1], regimeRng.nextDouble())
      m.regime[t] = r
      const v = vol[r]!
      logM += (mp.drift - 0.5 * v * v) * dt + v * Math.sqrt(dt) * priceRng.standardNormal()
      const xPrevious = x
      x = logM + 1e-4 * vp.a_noise_bps * aRng.standardNormal()
      y = y + vp.b_adjust_speed * (xPrevious - y) + 1e-4 * vp.b_noise_bps * bRng.standardNormal()
    }
    const widen = m.regime[t] === CALM ? 1 : vp.stress_spread_mult
    m.efficient[t] = Math.exp(logM)
    m.midA[t] = Math.exp(x)
    m.midB[t] = Math.exp(y)
    m.halfSpreadA[t] = vp.a_half_spread_bps * widen
    m.halfSpreadB[t] = vp.b_half_spread_bps * widen
  }
  return m
}
