import { STEP_CHUNK } from '../../engine/kernel'
import { Xoshiro128 } from '../../engine/rng/xoshiro128'
import { CALM, STRESSED } from '../common/fields'
import type { MicrostructureConfig } from './config'
import type { Exchange } from './execution'

// The exogenous scenario (seed README, "Market scenario"): a GBM mid with Markov switching between
// a calm and a stressed volatility, a quoted spread that widens with volatility, and generated
// multi-level depth. Generated as the run advances, in blocks, into ring buffers that hold only the
// points anything still reads, so a run's memory does not grow with its length; nothing here
// depends on what the strategy does, so every strategy on one seed faces the same market.

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

/** A whole market path at points t = 0 … steps, in flat arrays (built paths in tests; the mid for regime inference). */
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

/** Points generated at a time. */
export const SCENARIO_BLOCK = 4096

const pow2AtLeast = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(2, x)))

/** The generator's state between blocks: the two random streams, the regime and the mid it moves to next. */
interface ScenarioGenerator {
  rng: Xoshiro128
  depthRng: Xoshiro128
  regime: number
  nextMid: number
  /** Whole lots per (regime, level, noise byte), so a level costs one table read per step. */
  lots: Float64Array
  sigmaOf: Float64Array
  driftOf: Float64Array
  spreadOf: Float64Array
  pEnter: number
  pExit: number
  minSpread: number
}

/**
 * The market path at points t = 0 … steps (one more than the run's steps: fills at t look at t+1),
 * generated in blocks of SCENARIO_BLOCK points as readers ask for them (`ensure`) and held in ring
 * buffers: point t of a series lives at slot t & mask, the mid at t & midMask. A point can be read
 * while it is among the last `capacity` (mid: `midCapacity`) points generated. Who reads what, at
 * step t of a run, and so how much is held:
 *   the exchange: t and t + 1 (depth, touch, σ, mid: the flow of (t, t+1]); the observation: t;
 *   the mark: mid(t − 1); momentum: mid(t − window);
 *   the report, at the end of each step chunk: mid of the chunk's steps and the one before it
 *   (STEP_CHUNK + 1 behind), fills waiting for their horizon being resolved in it.
 * The generator makes the same draws in the same order as a whole-path simulation, so every
 * point is the same number whatever the window (tested against the up-front simulation).
 */
export class ScenarioStream {
  /** Points in the path: steps + 1. */
  readonly n: number
  readonly levels: number
  readonly tick: number
  /** Per-step σ of the calm regime (fraction of price); cross probabilities scale by σ(t)/σ_calm. */
  readonly sigmaCalm: number
  readonly capacity: number
  readonly mask: number
  readonly midCapacity: number
  readonly midMask: number
  readonly regime: Uint8Array
  /** σ(t) of the move t → t+1 (fraction of price). */
  readonly sigma: Float64Array
  /** The efficient price: what inventory is marked to and fills are measured against. */
  readonly mid: Float64Array
  readonly spreadTicks: Int32Array
  /** The background touch at t, in ticks. */
  readonly bidTick: Int32Array
  readonly askTick: Int32Array
  /** Background lots per level, slot-major: depth[(t & mask)·levels + k], k = 0 at the touch. */
  readonly depthBid: Float64Array
  readonly depthAsk: Float64Array
  /** The newest point generated (−1 before the first). */
  hi = -1

  private constructor(
    dims: { n: number; levels: number; tick: number; sigmaCalm: number; capacity: number; midCapacity: number },
    private readonly generator: ScenarioGenerator | null
  ) {
    this.n = dims.n
    this.levels = dims.levels
    this.tick = dims.tick
    this.sigmaCalm = dims.sigmaCalm
    this.capacity = dims.capacity
    this.mask = dims.capacity - 1
    this.midCapacity = dims.midCapacity
    this.midMask = dims.midCapacity - 1
    this.regime = new Uint8Array(dims.capacity)
    this.sigma = new Float64Array(dims.capacity)
    this.mid = new Float64Array(dims.midCapacity)
    this.spreadTicks = new Int32Array(dims.capacity)
    this.bidTick = new Int32Array(dims.capacity)
    this.askTick = new Int32Array(dims.capacity)
    this.depthBid = new Float64Array(dims.capacity * dims.levels)
    this.depthAsk = new Float64Array(dims.capacity * dims.levels)
  }

  /**
   * The scenario of a config, from its seed: mid(t+1) = mid(t)·exp(μ − σ(t)²/2 + σ(t)·Z),
   * σ(t) = σ_calm or σ_calm·stress_vol_mult by regime; spread_bps(t) = base_spread_bps +
   * spread_vol_sensitivity·σ_bps(t), at least min_spread_ticks; level k holds
   * round(depth_qty·e^(−depth_decay·k)·(stress_depth_mult when stressed)·e^(noise·Z − noise²/2)) ≥ 1
   * whole lots (so the book's float64 sums stay exact), Z read off a 256-point quantile table.
   */
  static simulate(config: MicrostructureConfig): ScenarioStream {
    const s = config.scenario
    const n = config.steps + 1
    const levels = s.depth_levels
    const sigmaCalm = s.sigma_bps * 1e-4
    const mu = s.drift_bps * 1e-4
    // Everything that depends only on the regime, computed once per regime.
    const sigmas = [sigmaCalm, sigmaCalm * s.stress_vol_mult]
    const drift = sigmas.map((v) => mu - (v * v) / 2)
    const spreadPerTick = sigmas.map((v) => ((s.base_spread_bps + s.spread_vol_sensitivity * v * 1e4) * 1e-4) / s.tick_size)
    const noise = lognormalTable(s.depth_noise)
    const lots = new Float64Array(2 * levels * 256)
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < levels; k++) {
        const shape = s.depth_qty * Math.exp(-s.depth_decay * k) * (r === STRESSED ? s.stress_depth_mult : 1)
        for (let b = 0; b < 256; b++) lots[((r * levels + k) << 8) + b] = Math.max(1, Math.round(shape * noise[b]!))
      }
    }
    const window = Math.min(config.strategy.window, n)
    return new ScenarioStream(
      {
        n,
        levels,
        tick: s.tick_size,
        sigmaCalm,
        capacity: pow2AtLeast(Math.min(n, SCENARIO_BLOCK + 2)),
        midCapacity: pow2AtLeast(Math.min(n, SCENARIO_BLOCK + Math.max(window, STEP_CHUNK + 1) + 1))
      },
      {
        rng: stream(config.seed, 'scenario'),
        depthRng: stream(config.seed, 'depth'),
        regime: CALM,
        nextMid: s.mid0,
        lots,
        // Config fields read once: zod's output objects are slow to read in a hot loop.
        sigmaOf: Float64Array.from(sigmas),
        driftOf: Float64Array.from(drift),
        spreadOf: Float64Array.from(spreadPerTick),
        pEnter: s.p_enter_stress,
        pExit: s.p_exit_stress,
        minSpread: s.min_spread_ticks
      }
    )
  }

  /** A built path held whole (tests work fills out by hand on one). */
  static fromPath(path: ScenarioPath): ScenarioStream {
    const size = pow2AtLeast(path.n)
    const out = new ScenarioStream({ n: path.n, levels: path.levels, tick: path.tick, sigmaCalm: path.sigmaCalm, capacity: size, midCapacity: size }, null)
    out.regime.set(path.regime)
    out.sigma.set(path.sigma)
    out.mid.set(path.mid)
    out.spreadTicks.set(path.spreadTicks)
    out.bidTick.set(path.bidTick)
    out.askTick.set(path.askTick)
    out.depthBid.set(path.depthBid)
    out.depthAsk.set(path.depthAsk)
    out.hi = path.n - 1
    return out
  }

  /** Generates the path up to point t (a no-op when it is there already). */
  ensure(t: number): void {
    while (this.hi < t) {
      if (t >= this.n || this.generator === null) throw new RangeError(`scenario point ${t} is past the path's last point ${this.n - 1}`)
      this.generate(this.generator)
    }
  }

  /** The oldest point whose every series is still held (the mid is held further back). */
  oldest(): number {
    return Math.max(0, this.hi - this.capacity + 1)
  }

  /** The oldest point whose mid is still held. */
  oldestMid(): number {
    return Math.max(0, this.hi - this.midCapacity + 1)
  }

  /** The mid at t, refusing a point that is not held (for readers off the hot path). */
  midAt(t: number): number {
    if (t > this.hi || t < this.oldestMid()) throw new RangeError(`scenario point ${t} is not held (held: ${this.oldestMid()} … ${this.hi})`)
    return this.mid[t & this.midMask]!
  }

  /** Bytes of the ring buffers: fixed by the config's depth levels and momentum window, not by the run's length. */
  retainedBytes(): number {
    return this.regime.byteLength + this.sigma.byteLength + this.mid.byteLength + this.spreadTicks.byteLength + this.bidTick.byteLength + this.askTick.byteLength + this.depthBid.byteLength + this.depthAsk.byteLength
  }

  /** The next block of points, draw for draw as the whole-path simulation makes them. */
  private generate(g: ScenarioGenerator): void {
    const from = this.hi + 1
    const to = Math.min(this.n - 1, this.hi + SCENARIO_BLOCK)
    const { rng, depthRng, lots, sigmaOf, driftOf, spreadOf, pEnter, pExit, minSpread } = g
    const { levels, tick, mask, midMask, regime, sigma: sigmaAt, mid: midAt, spreadTicks, bidTick, askTick, depthBid, depthAsk } = this
    let r = g.regime
    let mid = g.nextMid
    let bits = 0
    for (let t = from; t <= to; t++) {
      // The regime draw is made every step (also at t = 0, where it is unused) so the stream's
      // alignment never depends on the transition probabilities.
      const u = rng.nextDouble()
      if (t > 0) r = r === CALM ? (u < pEnter ? STRESSED : CALM) : u < pExit ? CALM : STRESSED
      const sigma = sigmaOf[r]!
      const slot = t & mask
      regime[slot] = r
      sigmaAt[slot] = sigma
      midAt[t & midMask] = mid
      const spread = Math.max(minSpread, Math.round(spreadOf[r]! * mid))
      // Keep every level at a positive price even if the path wanders towards zero.
      const bid = Math.max(levels + 1, Math.round(mid / tick - spread / 2))
      spreadTicks[slot] = spread
      bidTick[slot] = bid
      askTick[slot] = bid + spread
      const off = slot * levels
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
    g.regime = r
    g.nextMid = mid
    this.hi = to
  }
}

/** The whole mid path and its regimes (for regime inference, which reads the series at once). */
export function scenarioSeries(config: MicrostructureConfig): { mid: Float64Array; regime: Uint8Array } {
  const s = ScenarioStream.simulate(config)
  const mid = new Float64Array(s.n)
  const regime = new Uint8Array(s.n)
  for (let t = 0; t < s.n; t++) {
    s.ensure(t)
    mid[t] = s.mid[t & s.midMask]!
    regime[t] = s.regime[t & s.mask]!
  }
  return { mid, regime }
}

/**
 * A run's market: its window on the scenario and its exchange (the book and the flow's random
 * stream), which the execution model trades against. Both are mutable per-run state: one market
 * serves one run. Surfaces are drawn through a window of their own, so drawing one never moves
 * the run's.
 */
export interface MicrostructureMarket {
  readonly config: MicrostructureConfig
  readonly scenario: ScenarioStream
  readonly exchange: Exchange
  /** The surfaces' window, made on the first request (and made again to go back past what it holds). */
  browse: ScenarioStream | null
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
