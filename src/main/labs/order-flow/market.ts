import { choiceCdf, searchSortedRight } from '../../engine/rng/distributions'
import { exp } from '../../engine/rng/libm'
import { RandomState } from '../../engine/rng/mt19937'
import type { OrderFlowConfig } from './config'

// The exogenous path, simulated up front from the seed (book ch.8 §4.3; notebook CELLS 3–4): the
// regime chain first, then per step toxicity, depth, latent vol and imbalance, then a second pass
// of price noise for the mid. The agent never moves this market: impact is a cost charged to it.

/** The draws chapter 8 makes from NumPy's legacy global generator (np.random.seed once). */
export interface LegacyDraws {
  /** np.random.randn(): polar gauss, second deviate cached. */
  randn(): number
  /** np.random.choice(n, p=p) searches one 53-bit uniform in cumsum(p). */
  randomSample(): number
}

/** The Portfolio's starting cash and equity (notebook CELL 5). */
export const INITIAL_EQUITY = 1.0

// Regime-conditioned knobs, benign → toxic (literals of CELL 3).
export const TOXIC_CENTER = [0.15, 0.45, 0.85] as const
export const DEPTH_MULT = [1.3, 1.0, 0.7] as const
export const VOL_MULT = [0.9, 1.1, 1.45] as const
const START_REGIME = 0 // benign

/** float(max(lo, min(hi, x))) as Python evaluates it (notebook CELL 2, clamp). */
export const clamp = (x: number, lo: number, hi: number): number => {
  const m = x < hi ? x : hi
  return m > lo ? m : lo
}

export interface OrderFlowPath {
  T: number
  /** Regime index into REGIME_NAMES, per step. */
  regime: Int32Array
  toxicity: Float64Array
  depth: Float64Array
  latentVol: Float64Array
  imbalance: Float64Array
  /** The mid at step t, after that step's return (mid_{−1} = mid0). */
  mid: Float64Array
}

/**
 * The regime chain (all of it first: T draws, the last one unused), then per step
 *   tox   = clamp(c[r] + 0.12·N, 0, 1)
 *   depth = clamp(depth_mean·dm[r]·exp(0.15·N), 0.15, 3)
 *   lv    = clamp(vp·lv + (1 − vp)·bv·vm[r]·(1 + 0.6·tox) + 0.15·bv·N, 1e−5, 0.02)
 *   imb   = clamp(ip·imb + (1 − ip)·((0.35 + 0.65·tox)·N), −1, 1)
 * then, in a second pass, mid ← max(1e−6, mid·(1 + k·imb/(depth + 1e−9) + lv·N)).
 * book ch.8 §4.3; notebook CELL 3 (state) and CELL 4 (mid)
 */
export function simulateOrderFlow(config: OrderFlowConfig, rng: LegacyDraws): OrderFlowPath {
  const { T } = config
  const mp = config.market_params
  const cdf = config.regimes.markov_P.map((row) => choiceCdf(row, 3))
  const path: OrderFlowPath = {
    T,
    regime: new Int32Array(T),
    toxicity: new Float64Array(T),
    depth: new Float64Array(T),
    latentVol: new Float64Array(T),
    imbalance: new Float64Array(T),
    mid: new Float64Array(T)
  }
  const { regime, toxicity, depth, latentVol, imbalance, mid } = path
  // sample_markov_path: states[t] = s, then s = choice(3, p=P[s])
  let s = START_REGIME
  for (let t = 0; t < T; t++) {
    regime[t] = s
    s = searchSortedRight(cdf[s]!, rng.randomSample())
  }
  const vp = mp.vol_persist
  const ip = mp.imbalance_persist
  const bv = mp.base_vol
  let lv = bv
  let imb = 0.0
  for (let t = 0; t < T; t++) {
    const r = regime[t]!
    const tox = clamp(TOXIC_CENTER[r]! + 0.12 * rng.randn(), 0.0, 1.0)
    // np.exp is glibc's exp (engine/rng/libm); V8's Math.exp differs in the last bit for some inputs
    const d = clamp(mp.depth_mean * DEPTH_MULT[r]! * exp(0.15 * rng.randn()), 0.15, 3.0)
    lv = clamp(vp * lv + (1 - vp) * bv * VOL_MULT[r]! * (1.0 + 0.6 * tox) + 0.15 * bv * rng.randn(), 1e-5, 0.02)
    const shockScale = 0.35 + 0.65 * tox
    imb = clamp(ip * imb + (1 - ip) * (shockScale * rng.randn()), -1.0, 1.0)
    toxicity[t] = tox
    depth[t] = d
    latentVol[t] = lv
    imbalance[t] = imb
  }
  let m = mp.mid0
  for (let t = 0; t < T; t++) {
    const flow = (mp.flow_to_price_k * imbalance[t]!) / (depth[t]! + 1e-9)
    const noise = latentVol[t]! * rng.randn()
    m = Math.max(1e-6, m * (1.0 + (flow + noise)))
    mid[t] = m
  }
  return path
}

/**
 * What one run records beside the kernel's columns, shared by the observation (which creates it
 * at the start of a run), target, execution and the report: the notebook's own portfolio (cash,
 * inventory, equity, peak, the sticky stop) kept with its arithmetic, and per step the execution
 * detail its log holds.
 */
export class OrderFlowRunState {
  cash = INITIAL_EQUITY
  inv = 0.0
  /** pf.equity: pre-trade mark after observe, post-trade mark after execute. */
  equity = INITIAL_EQUITY
  peak = INITIAL_EQUITY
  stopped = false
  cumCosts = 0.0
  /** The grid (size-major) of step `gridT`, computed when first read in a step (stepGrid). */
  readonly grid = new Float64Array(16)
  gridT = -1
  /** The action and the constrained target of this step (set by target, read by execution). */
  flat = true
  target = 0.0
  passive = true
  sizeIndex = 0
  horizonIndex = -1
  /** dd_curve: the pre-trade drawdown 1 − eq/(peak + 1e−12) per step. */
  readonly ddCurve: Float64Array
  /** eq_curve: the post-trade equity per step. */
  readonly eqCurve: Float64Array
  /** cost_curve: cumulative cost per step (the notebook's total_cost; signed when charged once). */
  readonly costCurve: Float64Array
  /** The notebook's cost_total per step (signed when charged once). */
  readonly costTotal: Float64Array
  readonly execPx: Float64Array
  readonly isPassive: Uint8Array
  readonly stoppedAt: Uint8Array
  /** Grid bucket indices the cost read (−1: none, as the notebook's FLAT horizon). */
  readonly sizeBucket: Int8Array
  readonly horizonBucket: Int8Array
  /** Cost components in bps as the notebook logs them: hs, impact, slip, as, fee, rebate (step-major). */
  readonly bps: Float64Array

  constructor(steps: number) {
    this.ddCurve = new Float64Array(steps)
    this.eqCurve = new Float64Array(steps)
    this.costCurve = new Float64Array(steps)
    this.costTotal = new Float64Array(steps)
    this.execPx = new Float64Array(steps)
    this.isPassive = new Uint8Array(steps)
    this.stoppedAt = new Uint8Array(steps)
    this.sizeBucket = new Int8Array(steps)
    this.horizonBucket = new Int8Array(steps)
    this.bps = new Float64Array(steps * 6)
  }
}

/** The run's market: the path, and the state of the run on it (set per run). */
export type OrderFlowMarket = OrderFlowPath & {
  /** Replaced at the start of every run (lab.observation); the report of that run reads it. */
  run: OrderFlowRunState
}

/**
 * The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). Its run
 * state starts empty (size 0): every run replaces it with one sized to the run (lab.observation),
 * so the market does not allocate (and zero) a second set of per-step arrays that no run writes.
 */
export function orderFlowMarket(config: OrderFlowConfig): OrderFlowMarket {
  return { ...simulateOrderFlow(config, new RandomState(config.seed)), run: new OrderFlowRunState(0) }
}
