import type { Surface } from '../../engine/kernel'
import { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { CALM, type LatencyArbConfig } from './config'

// The exogenous path, simulated up front from the seed: regime chain, the efficient price and
// the two venues' mids. Each process draws from its own named stream (seed ^ tag).

export const STREAMS = { regime: 0x1a7e_0101, price: 0x1a7e_0202, venueA: 0x1a7e_0303, venueB: 0x1a7e_0404 } as const

export interface LatencyArbMarket {
  T: number
  regime: Int32Array
  efficient: Float64Array
  midA: Float64Array
  midB: Float64Array
  /** Half-spreads in bps at each step (widened in stress). */
  halfSpreadA: Float64Array
  halfSpreadB: Float64Array
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
export function simulateLatencyArbMarket(config: LatencyArbConfig): LatencyArbMarket {
  const { T, dt, seed } = config
  const mp = config.market_params
  const vp = config.venue_params
  const regimeRng = new Xoshiro128((seed ^ STREAMS.regime) >>> 0)
  const priceRng = new Xoshiro128((seed ^ STREAMS.price) >>> 0)
  const aRng = new Xoshiro128((seed ^ STREAMS.venueA) >>> 0)
  const bRng = new Xoshiro128((seed ^ STREAMS.venueB) >>> 0)
  const vol = [mp.vol_calm, mp.vol_stressed]
  const m: LatencyArbMarket = {
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

export interface Quotes {
  bidA: number
  askA: number
  bidB: number
  askB: number
}

/** Touch prices: mid·(1 ∓ h/1e4). */
export function quotesAt(m: LatencyArbMarket, t: number): Quotes {
  const a = m.midA[t]!
  const b = m.midB[t]!
  const ha = m.halfSpreadA[t]! / 1e4
  const hb = m.halfSpreadB[t]! / 1e4
  return { bidA: a * (1 - ha), askA: a * (1 + ha), bidB: b * (1 - hb), askB: b * (1 + hb) }
}

/** +1: buy A, sell B; −1: buy B, sell A. */
export type Direction = 1 | -1

/** The price paid on the buy leg and received on the sell leg at t. */
export function legPrices(m: LatencyArbMarket, t: number, direction: Direction): { buy: number; sell: number } {
  const q = quotesAt(m, t)
  return direction === 1 ? { buy: q.askA, sell: q.bidB } : { buy: q.askB, sell: q.bidA }
}

/**
 * The gross edge in bps that the signal sees for a direction: executable = sell bid / buy ask − 1;
 * mid = rich mid / cheap mid − 1 (the faithful cross-venue basis, half-spreads ignored).
 */
export function edgeBps(m: LatencyArbMarket, t: number, direction: Direction, basis: 'mid' | 'executable'): number {
  if (basis === 'mid') return direction === 1 ? 1e4 * (m.midB[t]! / m.midA[t]! - 1) : 1e4 * (m.midA[t]! / m.midB[t]! - 1)
  const { buy, sell } = legPrices(m, t, direction)
  return 1e4 * (sell / buy - 1)
}

/** The venue × side quote grid at t. */
export function quoteSurface(m: LatencyArbMarket, t: number): Surface {
  const q = quotesAt(m, t)
  return {
    name: 'venue quotes',
    unit: 'price',
    axes: [
      { name: 'venue', unit: 'venue', labels: ['A', 'B'] },
      { name: 'side', unit: 'side', labels: ['bid', 'ask'] }
    ],
    values: Float64Array.of(q.bidA, q.askA, q.bidB, q.askB)
  }
}
