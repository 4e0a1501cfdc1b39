import type { Decision, PolicyMemory, StepContext } from '../../engine/kernel'
import { npSum } from '../common/numpy'
import type { EquityFactorsConfig } from './config'
import { writeSigma, type EquityMarket, type EquityRunState } from './market'
import { EigenScratch } from './surface'

// Actions, the action → target map with the notebook's risk scaling and limits, the observation
// and the rule baseline (book ch.7 §3.4–§3.5; notebook CELL 5, CELL 6, CELL 7 and CELL 9's override).

export const EQUITY_FACTORS_ACTIONS = ['LOW_CORR_BASKET', 'MOMENTUM_ROTATION', 'DEFENSIVE', 'FLAT'] as const
export type EquityFactorsAction = (typeof EQUITY_FACTORS_ACTIONS)[number]

/** One leg per factor: F1 … FK (weights as fractions of equity). */
export const legNames = (K: number): string[] => Array.from({ length: K }, (_, i) => `F${i + 1}`)

const TOP_N = 3
const DEFENSIVE_SCALE = 0.65
const SCALE_CAP = 3.0

// Frozen decisions: the per-step path allocates nothing (the notebook's rationales print numbers).
const decide = (action: EquityFactorsAction, rationale: string, source: Decision['source'] = 'BASELINE'): Decision<EquityFactorsAction> => Object.freeze({ action, rationale, source })
const STOP = decide('FLAT', 'Drawdown at or beyond the stop; survival constraint forces de-risking.')
const COLLAPSE = decide('DEFENSIVE', 'Average correlation > 0.55 or crowding > 0.75: diversification collapse; shift defensive under illiquidity.')
const DIVERSIFY = decide('LOW_CORR_BASKET', 'Average correlation < 0.25 with dispersion > 0.95: local diversification capacity; run the diversified basket.')
const ROTATE = decide('MOMENTUM_ROTATION', 'Momentum leadership spread > 0.0009 under moderate correlation (< 0.50); rotate into leaders with risk scaling.')
const UNCLEAR = decide('DEFENSIVE', 'Unclear edge (correlation, dispersion, momentum spread); prefer the defensive posture.')
const COOLING = decide('FLAT', 'Drawdown stop cooling down: the book is held flat until re-entry.', 'RISK')

/** np.percentile(x, q) of the K values in sorted (ascending), method 'linear' (NumPy's _quantile and _lerp). */
export function npPercentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length
  const vi = (n - 1) * (q / 100)
  const lo = Math.floor(vi)
  const hi = Math.min(lo + 1, n - 1)
  const gamma = vi - lo
  const a = sorted[lo]!
  const b = sorted[hi]!
  const diff = b - a
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma
}

/**
 * What the baseline sees at step t and the scratch the targets use; one per run, refilled by
 * observe. drawdown is the stop's drawdown: from the running peak (absorbing, the notebook's) or
 * from the peak since the last re-entry (cool_down).
 */
export class EquityFactorsObservation {
  t = 0
  regime = 1
  avgCorr = 0
  dispersion = 0
  stressProxy = 0
  illiquidity = 0
  momStrength = 0
  crowding = 0
  drawdown = 0
  equity = 0
  /** The lab's cool-down stop holds the book flat this step. */
  stopFlat = false
  readonly K: number
  readonly sigma: Float64Array
  readonly scratch: Float64Array
  readonly abs: Float64Array
  readonly sorted: Float64Array
  readonly mom: Float64Array
  readonly order: Int32Array
  readonly eigen: EigenScratch | null
  readonly coolDown: boolean
  // cool-down stop state
  private coolUntil = -1
  private refPeak = 0

  constructor(
    readonly config: EquityFactorsConfig,
    readonly market: EquityMarket,
    readonly run: EquityRunState,
    initialEquity: number
  ) {
    const K = (this.K = market.K)
    this.sigma = new Float64Array(K * K)
    this.scratch = new Float64Array(K)
    this.abs = new Float64Array(K)
    this.sorted = new Float64Array(K)
    this.mom = new Float64Array(K)
    this.order = new Int32Array(K)
    this.eigen = config.corrections.eigen_summaries === 'on' ? new EigenScratch(K) : null
    this.refPeak = initialEquity
    this.coolDown = config.corrections.stop_mode === 'cool_down'
  }

  /**
   * The cool-down stop (corrections.stop_mode = "cool_down") at step t from the equity before the
   * trade: the drawdown from the peak since the last re-entry; at the stop, flat for
   * stop_cooldown_steps steps, then the peak restarts at the re-entry equity.
   */
  updateCoolDown(t: number, equity: number): void {
    if (t < this.coolUntil) {
      this.stopFlat = true
      this.drawdown = 1.0 - equity / Math.max(this.refPeak, 1e-12)
      return
    }
    if (t === this.coolUntil) this.refPeak = equity
    this.refPeak = Math.max(this.refPeak, equity)
    this.drawdown = 1.0 - equity / Math.max(this.refPeak, 1e-12)
    this.stopFlat = this.drawdown >= this.config.risk_params.max_dd_stop
    if (this.stopFlat) {
      this.coolUntil = t + this.config.corrections.stop_cooldown_steps
      this.run.stopTrips++
    }
  }
}

/** book ch.7 §3.5; CELL 9 (1): the notebook's summaries at t, and its equity before the trade. */
export function observeInto(context: StepContext<EquityFactorsConfig, EquityMarket, EquityFactorsAction>, o: EquityFactorsObservation): void {
  const m = context.market
  const t = context.t
  const K = m.K
  o.t = t
  o.regime = m.regime[t]!
  o.avgCorr = m.avgCorr[t]!
  o.dispersion = m.disp[t]!
  o.stressProxy = m.stressProxy[t]!
  o.illiquidity = m.illiq[t]!
  o.equity = context.equity
  // dd_pre = 1 − equity/max(peak, 1e−12): the kernel's drawdown after a zero mark (the notebook books P&L at execution)
  if (o.coolDown) o.updateCoolDown(t, context.equity)
  else o.drawdown = context.drawdown
  for (let k = 0; k < K; k++) o.mom[k] = m.mom[t * K + k]!
  o.sorted.set(o.mom)
  o.sorted.sort()
  o.momStrength = npPercentileSorted(o.sorted, 80) - npPercentileSorted(o.sorted, 20)
  o.crowding = o.avgCorr * (1.0 / Math.max(o.dispersion, 1e-6))
  o.run.stopFlat[t] = o.stopFlat ? 1 : 0
  if (o.eigen) {
    const e = o.eigen.at(m, t)
    o.run.topShare[t] = e.topShare
    o.run.effRank[t] = e.effectiveRank
  }
}

/** baseline_policy (CELL 7): survival first, then correlation collapse, diversification, momentum, else defensive. */
export function baselinePolicy(o: EquityFactorsObservation, _memory: PolicyMemory<EquityFactorsAction>): Decision<EquityFactorsAction> {
  if (o.stopFlat) return COOLING
  if (o.drawdown >= o.config.risk_params.max_dd_stop) return STOP
  if (o.avgCorr > 0.55 || o.crowding > 0.75) return COLLAPSE
  if (o.avgCorr < 0.25 && o.dispersion > 0.95) return DIVERSIFY
  if (o.momStrength > 0.0009 && o.avgCorr < 0.5) return ROTATE
  return UNCLEAR
}

/** np.sum(np.abs(w)) in NumPy's pairwise order. */
function grossOf(w: Float64Array, abs: Float64Array): number {
  for (let i = 0; i < w.length; i++) abs[i] = Math.abs(w[i]!)
  return npSum(abs)
}

/** clip_and_scale (CELL 5): clip each weight to ±pos_limit, then scale Σ|w| down to max_leverage. */
export function clipAndScale(w: Float64Array, config: EquityFactorsConfig, abs: Float64Array): void {
  const lim = config.risk_params.pos_limit
  const cap = config.risk_params.max_leverage
  for (let i = 0; i < w.length; i++) w[i] = Math.min(lim, Math.max(-lim, w[i]!))
  const gross = grossOf(w, abs)
  if (gross > cap && gross > 1e-12) {
    const s = cap / gross
    for (let i = 0; i < w.length; i++) w[i] = w[i]! * s
  }
}

/** √max(wᵀΣw, 0): (w @ Σ) summed over rows in order, then dotted with w. ex_ante_port_vol (CELL 5) */
export function portVol(w: Float64Array, sigma: Float64Array, scratch: Float64Array): number {
  const K = w.length
  for (let j = 0; j < K; j++) {
    let acc = 0
    for (let i = 0; i < K; i++) acc += w[i]! * sigma[i * K + j]!
    scratch[j] = acc
  }
  let q = 0
  for (let j = 0; j < K; j++) q += scratch[j]! * w[j]!
  return Math.sqrt(Math.max(q, 0.0))
}

/** risk_scale_to_target (CELL 5): w·clip(target_daily_vol/v, 0, 3), unchanged when v < 1e−10. */
function riskScale(w: Float64Array, o: EquityFactorsObservation): void {
  const v = portVol(w, o.sigma, o.scratch)
  if (v < 1e-10) return
  const scale = o.config.risk_params.target_ann_vol / Math.sqrt(252.0) / v
  const s = Math.min(SCALE_CAP, Math.max(0.0, scale))
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * s
}

/** w / (np.sum(np.abs(w)) + 1e−12) */
function normalise(w: Float64Array, abs: Float64Array): void {
  const g = grossOf(w, abs) + 1e-12
  for (let i = 0; i < w.length; i++) w[i] = w[i]! / g
}

/**
 * action_to_target (CELL 6) into out, then the loop's clip_and_scale (CELL 9 (4)) and
 * step_portfolio's (CELL 5): three passes for a basket, as the notebook makes them.
 */
export function constrainedTarget(action: EquityFactorsAction, o: EquityFactorsObservation, context: StepContext<EquityFactorsConfig, EquityMarket, EquityFactorsAction>, out: Float64Array): void {
  const m = context.market
  const K = m.K
  const config = o.config
  out.fill(0)
  if (o.stopFlat || action === 'FLAT') return
  writeSigma(m, context.t, o.sigma)
  if (action === 'LOW_CORR_BASKET') {
    for (let k = 0; k < K; k++) out[k] = 1.0 / Math.sqrt(Math.max(o.sigma[k * K + k]!, 1e-12))
    normalise(out, o.abs)
    riskScale(out, o)
  } else if (action === 'MOMENTUM_ROTATION') {
    // np.argsort(-mom)[:3]: the three largest momenta (ties, which need equal doubles, not replayed)
    const order = o.order
    for (let k = 0; k < K; k++) order[k] = k
    for (let a = 0; a < TOP_N; a++) {
      let best = a
      for (let b = a + 1; b < K; b++) if (-o.mom[order[b]!]! < -o.mom[order[best]!]!) best = b
      const tmp = order[a]!
      order[a] = order[best]!
      order[best] = tmp
      out[order[a]!] = 1.0
    }
    normalise(out, o.abs)
    riskScale(out, o)
  } else {
    for (let k = K - 3; k < K; k++) out[k] = 1.0
    normalise(out, o.abs)
    riskScale(out, o)
    for (let k = 0; k < K; k++) out[k] = out[k]! * DEFENSIVE_SCALE
  }
  clipAndScale(out, config, o.abs)
  clipAndScale(out, config, o.abs)
  clipAndScale(out, config, o.abs)
}
