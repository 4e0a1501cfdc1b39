import { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { CALM, STRESSED } from '../common/fields'
import type { MicrostructureConfig } from './config'
import type { Exchange } from './execution'

// The exogenous scenario (seed README, "Market scenario"): a GBM mid with Markov switching between
// a calm and a stressed volatility, a quoted spread that widens with volatility, and generated
// multi-level depth. Simulated once per run, up front, into typed arrays; nothing here depends on
// what the strategy does, so every strategy on one seed faces the same market.

/**
 * Named independent streams from one seed: FNV-1a of the name mixed with the seed through a
 * murmur3 finaliser, so `scenario`, `depth` and `fills` never share draws and adding a stream
 * moves none of the others.
 */
export function streamSeed(seed: number, name: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  h ^= seed >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export function stream(seed: number, name: 'scenario' | 'depth' | 'fills'): Xoshiro128 {
  return new Xoshiro128(streamSeed(seed, name))
}

/** The market path at points t = 0 … steps (one more than the run's steps: fills at t look at t+1). */
export interface ScenarioPath {
  /** Number of points (steps + 1). */
  n: number
  levels: number
  tick: number
  /** Per-step σ of the calm regime (fraction of price); cross probabilities scale by σ(t)/σ_calm. */
  sigmaCalm: number
  regime: Uint8Array
  /** σ(t) of the move t → t+1 (fraction of price). */
  sigma: Float64Array
  /** The efficient price: what inventory is marked to and fills are measured against. */
  mid: Float64Array
  spreadTicks: Int32Array
  /** The background touch at t, in ticks. */
  bidTick: Int32Array
  askTick: Int32Array
  /** Background lots per level, point-major: depth[t·levels + k], k = 0 at the touch. */
  depthBid: Float64Array
  depthAsk: Float64Array
}

/**
 * A run's market: the scenario path and the run's exchange (the book and the flow's random
 * stream), which the execution model trades against. The exchange is mutable per-run state:
 * one market serves one run.
 */
export type MicrostructureMarket = ScenarioPath & { exchange: Exchange }

/**
 * mid(t+1) = mid(t)·exp(μ − σ(t)²/2 + σ(t)·Z), σ(t) = σ_calm or σ_calm·stress_vol_mult by regime;
 * spread_bps(t) = base_spread_bps + spread_vol_sensitivity·σ_bps(t), at least min_spread_ticks;
 * level k holds round(depth_qty·e^(−depth_decay·k)·(stress_depth_mult when stressed)·e^(noise·Z − noise²/2)) ≥ 1
 * whole lots (so the book's float64 sums stay exact), Z read off a 256-point quantile table.
 */
export function simulateScenario(config: MicrostructureConfig): ScenarioPath {
  const s = config.scenario
  const n = config.steps + 1
  const levels = s.depth_levels
  const tick = s.tick_size
  const sigmaCalm = s.sigma_bps * 1e-4
  const mu = s.drift_bps * 1e-4
  const rng = stream(config.seed, 'scenario')
  const depthRng = stream(config.seed, 'depth')
  const regime = new Uint8Array(n)
  const sigmaAt = new Float64Array(n)
  const midAt = new Float64Array(n)
  const spreadTicks = new Int32Array(n)
  const bidTick = new Int32Array(n)
  const askTick = new Int32Array(n)
  const depthBid = new Float64Array(n * levels)
  const depthAsk = new Float64Array(n * levels)
  // Everything that depends only on the regime, computed once per regime.
  const sigmas = [sigmaCalm, sigmaCalm * s.stress_vol_mult]
  const drift = sigmas.map((v) => mu - (v * v) / 2)
  const spreadPerTick = sigmas.map((v) => ((s.base_spread_bps + s.spread_vol_sensitivity * v * 1e4) * 1e-4) / tick)
  // Whole lots per (regime, level, noise byte), so a level costs one table read per step.
  const noise = lognormalTable(s.depth_noise)
  const lots = new Float64Array(2 * levels * 256)
  for (let r = 0; r < 2; r++) {
    for (let k = 0; k < levels; k++) {
      const shape = s.depth_qty * Math.exp(-s.depth_decay * k) * (r === STRESSED ? s.stress_depth_mult : 1)
      for (let b = 0; b < 256; b++) lots[((r * levels + k) << 8) + b] = Math.max(1, Math.round(shape * noise[b]!))
    }
  }
  // Config fields read once: zod's output objects are slow to read in a hot loop.
  const minSpread = s.min_spread_ticks
  const pEnter = s.p_enter_stress
  const pExit = s.p_exit_stress
  const sigmaCalmStress = Float64Array.from(sigmas)
  const driftOf = Float64Array.from(drift)
  const spreadOf = Float64Array.from(spreadPerTick)
  let r = CALM
  let mid = s.mid0
  let bits = 0
  for (let t = 0; t < n; t++) {
    // The regime draw is made every step (also at t = 0, where it is unused) so the stream's
    // alignment never depends on the transition probabilities.
    const u = rng.nextDouble()
    if (t > 0) r = r === CALM ? (u < pEnter ? STRESSED : CALM) : u < pExit ? CALM : STRESSED
    const sigma = sigmaCalmStress[r]!
    regime[t] = r
    sigmaAt[t] = sigma
    midAt[t] = mid
    const spread = Math.max(minSpread, Math.round(spreadOf[r]! * mid))
    // Keep every level at a positive price even if the path wanders towards zero.
    const bid = Math.max(levels + 1, Math.round(mid / tick - spread / 2))
    spreadTicks[t] = spread
    bidTick[t] = bid
    askTick[t] = bid + spread
    const off = t * levels
    const row = (r * levels) << 8
    for (let j = 0; j < 2 * levels; j++) {
      // one 32-bit draw gives the noise of four levels (a byte each)
      if ((j & 3) === 0) bits = depthRng.nextUint32()
      const q = lots[row + ((j >> 1) << 8) + ((bits >>> ((j & 3) << 3)) & 255)]!
      if ((j & 1) === 0) depthBid[off + (j >> 1)] = q
      else depthAsk[off + (j >> 1)] = q
    }
    mid = mid * Math.exp(driftOf[r]! + sigma * rng.standardNormal())
  }
  return { n, levels, tick, sigmaCalm, regime, sigma: sigmaAt, mid: midAt, spreadTicks, bidTick, askTick, depthBid, depthAsk }
}

/**
 * exp(noise·Z − noise²/2) at the 256 mid-quantiles of Z ~ N(0, 1): a byte of a uniform draw
 * indexes it. The depth is re-drawn at every level of every step, so this replaces 2·levels
 * normals and exponentials per step with table reads (depth noise needs no finer resolution).
 */
export function lognormalTable(noise: number): Float64Array {
  const table = new Float64Array(256)
  for (let i = 0; i < 256; i++) table[i] = Math.exp(noise * inverseNormal((i + 0.5) / 256) - (noise * noise) / 2)
  return table
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const poly = (k: number[], x: number): number => k.reduce((acc, v) => acc * x + v, 0)
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p))
    return poly(c, q) / (poly(d, q) * q + 1)
  }
  if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    return -poly(c, q) / (poly(d, q) * q + 1)
  }
  const q = p - 0.5
  const r = q * q
  return (poly(a, r) * q) / (poly(b, r) * r + 1)
}
