import type { Decision, PolicyMemory, StepContext } from '../../engine/kernel'
import type { OrderFlowConfig } from './config'
import { clamp, INITIAL_EQUITY, OrderFlowRunState, type OrderFlowMarket } from './market'
import { GRID, stepGrid, summarizeGrid } from './surface'

// Actions, the observation, the rule baseline and action → target with the notebook's limits
// (book ch.8 §4.5–4.6; notebook CELLS 5–7 and the pre-trade mark of CELL 9).

export const ORDER_FLOW_ACTIONS = ['PASSIVE_PROVIDE', 'AGGRESSIVE_TAKE', 'FLAT'] as const
export type OrderFlowAction = (typeof ORDER_FLOW_ACTIONS)[number]
/** One risky asset: inventory in units (positive = long). */
export const LEGS = ['inventory'] as const

type Context = StepContext<OrderFlowConfig, OrderFlowMarket, OrderFlowAction>

/**
 * What the policy sees at step t: the state, the half-spread estimate, the surface summary, the
 * book (the notebook's pre-trade mark: equity, drawdown, the sticky stop). One object per run,
 * refilled every step; it owns the run's state (market.run) and the grid of the step.
 */
export class OrderFlowObservation {
  t = 0
  regime = 0
  mid = 0
  imbalance = 0
  depth = 0
  toxicity = 0
  latentVol = 0
  halfSpreadBpsEst = 0
  position = 0
  leverage = 0
  equity = INITIAL_EQUITY
  drawdown = 0
  stopped = false
  /** The scratch the grid summary sorts (the grid itself is the run state's), and the summary of step `summaryT`. */
  private readonly sorted = new Float64Array(GRID)
  private readonly summary = { impactBpsMin: 0, impactBpsMedian: 0, impactBpsMax: 0 }
  private summaryT = -1
  private market: OrderFlowMarket | null = null

  constructor(
    private readonly config: OrderFlowConfig,
    readonly run: OrderFlowRunState
  ) {}

  /** The surface summary the LLM context of CELL 8 holds: min, median and max of the step's grid (computed when read). */
  get impactBpsMin(): number {
    return this.summarized().impactBpsMin
  }

  get impactBpsMedian(): number {
    return this.summarized().impactBpsMedian
  }

  get impactBpsMax(): number {
    return this.summarized().impactBpsMax
  }

  private summarized(): { impactBpsMin: number; impactBpsMedian: number; impactBpsMax: number } {
    if (this.summaryT !== this.t && this.market !== null) {
      summarizeGrid(stepGrid(this.market, this.t, this.config), this.sorted, this.summary)
      this.summaryT = this.t
    }
    return this.summary
  }

  /** notebook CELL 9: the pre-trade mark, peak, drawdown and the sticky stop; then the state and the grid. */
  fill(context: Context): void {
    const m = context.market
    const t = context.t
    const run = this.run
    const c = this.config
    const mid = m.mid[t]!
    run.equity = run.cash + run.inv * mid
    run.peak = Math.max(run.peak, run.equity)
    const dd = 1.0 - run.equity / (run.peak + 1e-12)
    run.ddCurve[t] = dd
    if (dd > c.risk_params.max_dd_stop) run.stopped = true
    this.t = t
    this.regime = m.regime[t]!
    this.mid = mid
    this.imbalance = m.imbalance[t]!
    this.depth = m.depth[t]!
    this.toxicity = m.toxicity[t]!
    this.latentVol = m.latentVol[t]!
    this.halfSpreadBpsEst = c.execution_params.half_spread_bps_base + c.execution_params.half_spread_bps_toxic_add * this.toxicity
    this.market = m
    this.position = run.inv
    this.leverage = run.equity <= 1e-12 ? Number.POSITIVE_INFINITY : Math.abs(run.inv * mid) / run.equity
    this.equity = run.equity
    this.drawdown = dd
    this.stopped = run.stopped
  }
}

export function observeInto(context: Context, o: OrderFlowObservation): void {
  o.fill(context)
}

const decide = (action: OrderFlowAction, rationale: string): Decision<OrderFlowAction> => Object.freeze({ action, rationale, source: 'BASELINE' })

// The baseline's decisions with the notebook's rationales (CELL 7), frozen: the hot path allocates none.
const RULES = Object.freeze({
  stopped: decide('FLAT', 'Drawdown stop active: force flat to preserve equity under execution risk.'),
  extremeTake: decide('AGGRESSIVE_TAKE', 'Imbalance is extreme; accept costs to avoid being run over, but keep posture controlled.'),
  impaired: decide('FLAT', 'Liquidity is impaired (toxicity/depth): avoid being picked off or paying convex impact.'),
  weak: decide('FLAT', 'Weak flow signal: avoid churn; spread/impact would dominate small expected edge.'),
  moderate: decide('PASSIVE_PROVIDE', 'Moderate imbalance in acceptable liquidity: provide liquidity to harvest spread, mindful of toxicity.'),
  strongTake: decide('AGGRESSIVE_TAKE', 'Strong imbalance with decent depth: take liquidity to align with flow, accepting spread/impact.'),
  strongPassive: decide('PASSIVE_PROVIDE', 'Strong imbalance but execution risk is rising: provide smaller liquidity rather than crossing the spread.')
})

/** Thresholds of the rule (notebook CELL 7). */
export const BASELINE = {
  impairedToxicity: 0.75,
  impairedDepth: 0.35,
  extremeImbalance: 0.75,
  extremeMaxToxicity: 0.9,
  weakImbalance: 0.25,
  moderateImbalance: 0.65,
  takeMaxToxicity: 0.55,
  takeMinDepth: 0.7
} as const

/**
 * The notebook's rule baseline, checked in order: stopped → FLAT; toxic or thin book → TAKE on
 * extreme imbalance (unless very toxic) else FLAT; |imb| < 0.25 → FLAT; < 0.65 → PASSIVE; strong
 * imbalance → TAKE with low toxicity and decent depth, else PASSIVE. notebook CELL 7
 */
export function baselinePolicy(o: OrderFlowObservation, _memory: PolicyMemory<OrderFlowAction>): Decision<OrderFlowAction> {
  const b = BASELINE
  if (o.stopped) return RULES.stopped
  const absImb = Math.abs(o.imbalance)
  if (o.toxicity > b.impairedToxicity || o.depth < b.impairedDepth) {
    if (absImb > b.extremeImbalance && o.toxicity < b.extremeMaxToxicity) return RULES.extremeTake
    return RULES.impaired
  }
  if (absImb < b.weakImbalance) return RULES.weak
  if (absImb < b.moderateImbalance) return RULES.moderate
  if (o.toxicity < b.takeMaxToxicity && o.depth > b.takeMinDepth) return RULES.strongTake
  return RULES.strongPassive
}

/** np.sign: −1, 0 or +1 (0 for ±0). */
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0)

/**
 * The action's target inventory and execution posture, into the run state (passive?, size and
 * horizon bucket indices) — notebook CELL 6 (action_to_target):
 *   PASSIVE_PROVIDE  −sign(imb)·0.8·(1 − 0.7·tox), passive, buckets (1, 2)
 *   AGGRESSIVE_TAKE  +sign(imb)·1.2·(1 − 0.35·tox)·1/(1 + 0.6/√(depth + 1e−9)), aggressive, buckets (0-based 2, 0)
 *   FLAT             0, "passive", buckets (0, −1)
 */
export function actionTarget(action: OrderFlowAction, o: OrderFlowObservation, run: OrderFlowRunState): number {
  const dir = sign(o.imbalance)
  const tox = o.toxicity
  if (action === 'PASSIVE_PROVIDE') {
    run.passive = true
    run.sizeIndex = 1
    run.horizonIndex = 2
    return -dir * (0.8 * (1.0 - 0.7 * tox))
  }
  if (action === 'AGGRESSIVE_TAKE') {
    run.passive = false
    run.sizeIndex = 2
    run.horizonIndex = 0
    const depthPen = 1.0 / Math.sqrt(o.depth + 1e-9)
    return dir * (1.2 * (1.0 - 0.35 * tox) * (1.0 / (1.0 + 0.6 * depthPen)))
  }
  run.passive = true
  run.sizeIndex = 0
  run.horizonIndex = -1
  return 0.0
}

/**
 * Target of an action at step t with the notebook's limits, into out: clamp to ±pos_limit; if
 * |target·mid|/equity > max_leverage (and |target| > 1e−12), target = sign·max_leverage·equity/mid;
 * clamp again. Equity is the pre-trade mark. notebook CELL 5 (apply_risk_constraints)
 */
export function constrainedTarget(action: OrderFlowAction, o: OrderFlowObservation, context: Context, out: Float64Array): void {
  const run = o.run
  const rp = context.config.risk_params
  run.flat = action === 'FLAT'
  let target = actionTarget(action, o, run)
  target = clamp(target, -rp.pos_limit, rp.pos_limit)
  const lev = run.equity <= 1e-12 ? Number.POSITIVE_INFINITY : Math.abs(target * o.mid) / run.equity
  if (lev > rp.max_leverage && Math.abs(target) > 1e-12) target = sign(target) * ((rp.max_leverage * run.equity) / o.mid)
  out[0] = clamp(target, -rp.pos_limit, rp.pos_limit)
  run.target = out[0]!
}
