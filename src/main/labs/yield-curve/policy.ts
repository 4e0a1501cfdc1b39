import type { Decision, PolicyMemory, StepContext, SurfaceFeature } from '../../engine/kernel'
import { npMean, npStd } from '../common/numpy'
import { REGIME_NAMES, type YieldCurveConfig } from './config'
import { STRESS, type YieldMarket, type YieldRunState } from './market'

// Actions, the DV01-neutral targets with the notebook's limits, the observation and the rule
// baseline (book ch.4 §5.2; notebook cells 21, 26, 31 and the loop of CELL 9).

export const YIELD_CURVE_ACTIONS = ['FLAT', 'STEEPENER', 'FLATTENER', 'BUTTERFLY'] as const
export type YieldCurveAction = (typeof YIELD_CURVE_ACTIONS)[number]
/** Face notionals of the 2Y, 10Y and 30Y bonds (the notebook's n2, n10, n30). */
export const LEGS = ['n2', 'n10', 'n30'] as const

/** DV01 a slope book puts on its 10Y leg (BASE_DV01_TARGET, notebook cell 26); the fly's wings take 0.65 of it. */
export const BASE_DV01_TARGET = 12000.0
const WING_SHARE = 0.65
/** The z-score window (stable_z(…, w=80)) and the points it needs first (len < w + 5 → 0). notebook cells 6, 31 */
export const Z_WINDOW = 80
const Z_MIN_POINTS = Z_WINDOW + 5

/**
 * The slope and fly histories the z-scores read: the last Z_WINDOW points in a ring, and how many
 * were appended (the notebook's lists only ever grow; only their tail and length are read).
 */
class History {
  private readonly ring = new Float64Array(Z_WINDOW)
  private readonly window = new Float64Array(Z_WINDOW)
  private readonly squares = new Float64Array(Z_WINDOW)
  length = 0

  push(x: number): void {
    this.ring[this.length % Z_WINDOW] = x
    this.length++
  }

  /** The history after `total` appends, the a-th being value(a): only the last Z_WINDOW are replayed, the others only counted. */
  static after(total: number, value: (append: number) => number): History {
    const h = new History()
    h.length = Math.max(0, total - Z_WINDOW)
    while (h.length < total) h.push(value(h.length))
    return h
  }

  /** stable_z: (x[−1] − mean(x[−80:]))/(std(x[−80:]) + 1e−12), NumPy's pairwise sums; 0 before 85 points. notebook cell 6 */
  z(): number {
    if (this.length < Z_MIN_POINTS) return 0.0
    const first = this.length % Z_WINDOW // the oldest of the last 80, in order
    for (let i = 0; i < Z_WINDOW; i++) this.window[i] = this.ring[(first + i) % Z_WINDOW]!
    const mu = npMean(this.window, 0, Z_WINDOW)
    const sd = npStd(this.window, 0, Z_WINDOW, 1, this.squares) + 1e-12
    return (this.window[Z_WINDOW - 1]! - mu) / sd
  }
}

/**
 * What the baseline sees at step t (notebook time t + 1: the loop starts at 1): the state, the key
 * yields and shape, their z-scores, equity and peak for the delever rule. One object per run,
 * refilled every step; it owns the slope/fly histories and the run's state (market.run).
 */
export class YieldCurveObservation {
  t = 0
  regime = 1
  policy = 0
  termPremium = 0
  vol = 0
  liq = 0
  y2 = 0
  y10 = 0
  y30 = 0
  slope = 0
  fly = 0
  zSlope = 0
  zFly = 0
  /** Whether zSlope/zFly were computed after this step's last append. */
  zFresh = false
  /** Equity before this step's trade (the notebook's equity[t−1]) and its running peak. */
  equity = 0
  peak = 0
  readonly slopeHistory = new History()
  readonly flyHistory = new History()
  readonly deleverThreshold: number
  readonly doubleAppend: boolean

  constructor(
    config: YieldCurveConfig,
    readonly run: YieldRunState,
    initialEquity: number
  ) {
    this.deleverThreshold = config.risk_params.delever_threshold
    this.doubleAppend = config.corrections.z_history === 'double_append'
    this.peak = initialEquity
  }

  /** Append this step's slope and fly (the loop's append; baseline_policy makes a second one). */
  append(): void {
    this.slopeHistory.push(this.slope)
    this.flyHistory.push(this.fly)
    this.zFresh = false
  }

  /** The z-scores of the histories as they stand now. */
  zScores(): void {
    if (this.zFresh) return
    this.zSlope = this.slopeHistory.z()
    this.zFly = this.flyHistory.z()
    this.zFresh = true
  }
}

/**
 * The z-scores the rule reads at step t of a run whose policy decided at every step: step k
 * appends point k + 1's slope and fly in the loop, and again in baseline_policy (faithful,
 * z_history = double_append). After a drawdown stop the policy is skipped and only the loop
 * appends, so a stopped run's logged z-scores (market.run) part from these. notebook cells 6, 31
 */
export function zScoresAt(market: Pick<YieldMarket, 'slope' | 'fly'>, t: number, config: YieldCurveConfig): { zSlope: number; zFly: number } {
  const per = config.corrections.z_history === 'double_append' ? 2 : 1
  const total = (t + 1) * per
  const point = (append: number): number => Math.floor(append / per) + 1
  return {
    zSlope: History.after(total, (a) => market.slope[point(a)]!).z(),
    zFly: History.after(total, (a) => market.fly[point(a)]!).z()
  }
}

/** The curve's shape as the rule sees it at step t (point t + 1): the factors, the key spreads and their z-scores. */
export function curveReadouts(market: YieldMarket, t: number, config: YieldCurveConfig): SurfaceFeature[] {
  const nt = t + 1
  const { zSlope, zFly } = zScoresAt(market, t, config)
  const yieldUnit = 'yield (decimal)'
  const window = config.corrections.z_history === 'double_append' ? `the last ${Z_WINDOW} appends, two per step` : `the last ${Z_WINDOW} steps`
  return [
    { name: 'level β0', unit: yieldUnit, description: 'Nelson–Siegel level factor (cell 11)', value: market.beta0[nt]! },
    { name: 'slope β1', unit: yieldUnit, description: 'Nelson–Siegel slope factor; the policy rate moves it (cell 11)', value: market.beta1[nt]! },
    { name: 'curvature β2', unit: yieldUnit, description: 'Nelson–Siegel curvature factor (cell 11)', value: market.beta2[nt]! },
    { name: 'slope 10Y − 2Y', unit: yieldUnit, description: 'y10 − y2, the key yields interpolated on the grid (cell 16)', value: market.slope[nt]! },
    { name: 'fly 2Y + 30Y − 2·10Y', unit: yieldUnit, description: 'y2 + y30 − 2·y10 (cell 16)', value: market.fly[nt]! },
    { name: 'z slope', unit: 'std devs', description: `stable_z of the slope over ${window}; the rule goes FLATTENER above its threshold, STEEPENER below minus it (cells 6, 31)`, value: zSlope },
    { name: 'z fly', unit: 'std devs', description: `stable_z of the fly over ${window}; |z fly| above its threshold → BUTTERFLY (cells 6, 31)`, value: zFly }
  ]
}

/** Fills the observation for step t and makes the loop's history append. notebook CELL 9 (main loop) */
export function observeInto(context: StepContext<YieldCurveConfig, YieldMarket, YieldCurveAction>, o: YieldCurveObservation): void {
  const m = context.market
  const nt = context.t + 1
  o.t = context.t
  o.regime = m.regime[nt]!
  o.policy = m.policy[nt]!
  o.termPremium = m.termPremium[nt]!
  o.vol = m.vol[nt]!
  o.liq = m.liq[nt]!
  o.y2 = m.y2[nt]!
  o.y10 = m.y10[nt]!
  o.y30 = m.y30[nt]!
  o.slope = m.slope[nt]!
  o.fly = m.fly[nt]!
  // equity[t−1] and the peak the delever rule compares it with (peak = max of equities so far)
  o.equity = context.equity
  if (context.equity > o.peak) o.peak = context.equity
  o.append()
  if (!o.doubleAppend) o.zScores()
}

const decide = (action: YieldCurveAction, rationale: string, source: Decision['source'] = 'BASELINE'): Decision<YieldCurveAction> => Object.freeze({ action, rationale, source })

// The notebook logs one rationale for every baseline decision (CELL 9, LLM disabled).
const BASELINE_RATIONALE = 'Deterministic baseline (LLM disabled).'
const DECISIONS: Readonly<Record<YieldCurveAction, Decision<YieldCurveAction>>> = Object.freeze({
  FLAT: decide('FLAT', BASELINE_RATIONALE),
  STEEPENER: decide('STEEPENER', BASELINE_RATIONALE),
  FLATTENER: decide('FLATTENER', BASELINE_RATIONALE),
  BUTTERFLY: decide('BUTTERFLY', BASELINE_RATIONALE)
})
/** The loop's soft delever rule: equity below the threshold of peak turns any trade into FLAT. CELL 9 */
const DELEVER = decide('FLAT', 'Delever rule: equity below threshold; reduce exposure.', 'RISK')

/** Thresholds of the rule: policy regimes act only on strong dislocations, neutral on milder ones. notebook cell 31 */
export const BASELINE = {
  policyRegimes: { slope: 1.25, fly: 1.6 },
  neutral: { slope: 0.9, fly: 1.25 }
} as const

const POLICY_REGIMES = new Set([REGIME_NAMES.indexOf('policy_easing'), REGIME_NAMES.indexOf('policy_tightening')])

/**
 * The notebook's rule baseline: stress → FLAT; z_slope above the threshold → FLATTENER, below
 * minus it → STEEPENER; |z_fly| above its threshold → BUTTERFLY; else FLAT. baseline_policy appends
 * the slope and fly once more before reading the z-scores (faithful; corrected: once per step).
 * book ch.4 §5.2; notebook cell 31
 */
export function baselineRule(o: YieldCurveObservation): Decision<YieldCurveAction> {
  if (o.doubleAppend) o.append()
  o.zScores()
  if (o.regime === STRESS) return DECISIONS.FLAT
  const th = POLICY_REGIMES.has(o.regime) ? BASELINE.policyRegimes : BASELINE.neutral
  if (o.zSlope > th.slope) return DECISIONS.FLATTENER
  if (o.zSlope < -th.slope) return DECISIONS.STEEPENER
  if (Math.abs(o.zFly) > th.fly) return DECISIONS.BUTTERFLY
  return DECISIONS.FLAT
}

/** The baseline with the loop's delever override after it (equity[t−1] < threshold·peak and not FLAT → FLAT). CELL 9 */
export function baselinePolicy(o: YieldCurveObservation, _memory: PolicyMemory<YieldCurveAction>): Decision<YieldCurveAction> {
  const decision = baselineRule(o)
  if (o.equity < o.deleverThreshold * o.peak && decision.action !== 'FLAT') {
    o.run.delever[o.t] = 1
    return DELEVER
  }
  return decision
}

/**
 * The DV01-neutral book of an action at step t (notebook time nt) into out, unconstrained:
 * slope books n10 = sign·K/|DV10|, n2 = −n10·DV10/(DV2 + 1e−12); the butterfly's wings each carry
 * 0.65·K and the belly n10 = −(n2·DV2 + n30·DV30)/(DV10 + 1e−12). notebook cell 26.
 * faithful: STEEPENER is sign +1 (long 10Y: a flattener in market convention), the fly always long
 * wings; corrected: STEEPENER long 2Y / short 10Y, the fly's sign follows z_fly.
 */
export function bookOf(action: YieldCurveAction, market: YieldMarket, nt: number, config: YieldCurveConfig, zFly: number, out: Float64Array): void {
  const dv2 = market.dv01[nt * 3]!
  const dv10 = market.dv01[nt * 3 + 1]!
  const dv30 = market.dv01[nt * 3 + 2]!
  out[0] = 0.0
  out[1] = 0.0
  out[2] = 0.0
  if (action === 'FLAT') return
  if (action === 'BUTTERFLY') {
    const wing = BASE_DV01_TARGET * WING_SHARE
    const s = config.corrections.butterfly_sign === 'by_z_fly' && zFly < 0 ? -1 : 1
    const n30 = wing / (Math.abs(dv30) + 1e-12)
    const n2 = wing / (Math.abs(dv2) + 1e-12)
    const n10 = -(n2 * dv2 + n30 * dv30) / (dv10 + 1e-12)
    out[0] = s * n2
    out[1] = s * n10
    out[2] = s * n30
    return
  }
  const marketNames = config.corrections.slope_names === 'market'
  const sign = (action === 'STEEPENER') !== marketNames ? 1 : -1
  const n10 = sign * (BASE_DV01_TARGET / (Math.abs(dv10) + 1e-12))
  out[0] = -(n10 * dv10) / (dv2 + 1e-12)
  out[1] = n10
}

/**
 * Target of an action at step t with the notebook's limits, into out (= position + trade):
 * the trade to the book is scaled per leg so |(pos + tr)·DV| ≤ pos_dv01_limit, then as a whole so
 * Σ|(pos + tr)·P|/equity[t−1] ≤ max_leverage. The scaled trade and the flags go to the run state.
 * notebook cell 21 (enforce_limits) and CELL 9 (leverage scaling)
 */
export function constrainedTarget(action: YieldCurveAction, o: YieldCurveObservation, context: StepContext<YieldCurveConfig, YieldMarket, YieldCurveAction>, out: Float64Array): void {
  const { market: m, config, position } = context
  const run = m.run
  const t = context.t
  const nt = t + 1
  if (!o.zFresh) o.zScores() // the z-scores the notebook logs for this step (also when the stop skips the policy)
  run.zSlope[t] = o.zSlope
  run.zFly[t] = o.zFly
  bookOf(action, m, nt, config, o.zFly, out)
  const tr = run.trade
  const limit = config.risk_params.pos_dv01_limit
  let hit = false
  for (let leg = 0; leg < 3; leg++) {
    const before = out[leg]! - position[leg]!
    let trade = before
    const dv = m.dv01[nt * 3 + leg]!
    const exposure = Math.abs((position[leg]! + trade) * dv)
    if (exposure > limit) trade *= limit / (exposure + 1e-12)
    if (Math.abs(before - trade) > 1e-12) hit = true
    tr[leg] = trade
  }
  run.dv01Hit[t] = hit ? 1 : 0
  const p = m.price
  const projected = Math.abs((position[0]! + tr[0]!) * p[nt * 3]!) + Math.abs((position[1]! + tr[1]!) * p[nt * 3 + 1]!) + Math.abs((position[2]! + tr[2]!) * p[nt * 3 + 2]!)
  const leverage = projected / Math.max(context.equity, 1e-12)
  const cap = config.risk_params.max_leverage
  if (leverage > cap) {
    const scale = cap / (leverage + 1e-12)
    tr[0] = tr[0]! * scale
    tr[1] = tr[1]! * scale
    tr[2] = tr[2]! * scale
    run.leverageScaled[t] = 1
  } else run.leverageScaled[t] = 0
  out[0] = position[0]! + tr[0]!
  out[1] = position[1]! + tr[1]!
  out[2] = position[2]! + tr[2]!
}

export { STRESS }
