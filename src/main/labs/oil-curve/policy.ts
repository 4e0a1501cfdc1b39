import type { Decision } from '../../engine/kernel'
import type { OilCurveConfig } from './config'

// Actions, their targets and the rule baseline (book ch.2 actions; notebook cells 21, 26).

export const OIL_CURVE_ACTIONS = ['FLAT', 'LONG_F1', 'SHORT_F1', 'SPREAD_L1_S2', 'SPREAD_S1_L2', 'FLY_L1_S2_L3'] as const
export type OilCurveAction = (typeof OIL_CURVE_ACTIONS)[number]
/** One leg per traded contract, in contracts (barrels): the notebook's position[0 … 2]. */
export const LEGS = ['F1', 'F2', 'F3'] as const

// Units of `scale` per leg (F1, F2, F3). notebook cell 21 (_action_to_target_position)
const WEIGHTS: Readonly<Record<OilCurveAction, readonly [number, number, number]>> = {
  FLAT: [0, 0, 0],
  LONG_F1: [1.0, 0, 0],
  SHORT_F1: [-1.0, 0, 0],
  SPREAD_L1_S2: [1.0, -1.0, 0],
  SPREAD_S1_L2: [-1.0, 1.0, 0],
  FLY_L1_S2_L3: [1.0, -2.0, 1.0]
}

/**
 * The target of an action at the front price F1, into out: scale = 0.25·notional/(F1 + 1e-12)
 * contracts per unit weight. The gross cap (Σ|p_i|·F_i ≤ max_gross_leverage·equity) is the risk
 * gate's notional cap (lab.ts). notebook cell 21 (_action_to_target_position)
 */
export function targetContracts(action: OilCurveAction, f1: number, config: OilCurveConfig, out: Float64Array): void {
  const w = WEIGHTS[action]
  const scale = (config.env.notional / (f1 + 1e-12)) * 0.25
  out[0] = w[0] * scale
  out[1] = w[1] * scale
  out[2] = w[2] * scale
}

/**
 * What the policy sees at step t: the state, the curve's front and features, equity and the
 * drawdown from the peak the baseline has seen. One object per run, refilled every step (valid
 * for the step it is given to; copy to keep it).
 */
export class OilCurveObservation {
  t = 0
  spot = 0
  inventory = 0
  cy = 0
  f1 = 0
  f2 = 0
  f3 = 0
  slope16 = 0
  slope112 = 0
  contangoScore = 0
  rollLongFront = 0
  equity = 0
  /** The notebook agent's peak: the highest equity seen at a decision step (it starts at the notional). */
  peakEquity = 0
  /** (peak − equity)/peak, the agent's own drawdown (cell 26). */
  drawdown = 0
  readonly thresh: number
  readonly riskOffDd: number

  constructor(config: OilCurveConfig) {
    this.peakEquity = config.env.notional
    this.equity = config.env.notional
    this.thresh = config.policy.thresh
    this.riskOffDd = config.policy.risk_off_dd
  }
}

const decide = (action: OilCurveAction, rationale: string): Decision<OilCurveAction> => Object.freeze({ action, rationale, source: 'BASELINE' })

/** The baseline's decisions, one per mode of cell 26's info dict. */
const DECISIONS = {
  riskOff: decide('FLAT', 'risk_off: drawdown beyond risk_off_dd, go flat.'),
  contango: decide('SPREAD_S1_L2', 'contango_carry_short_front: contango score above the threshold, short the front and long the second month.'),
  backwardation: decide('SPREAD_L1_S2', 'backwardation_carry_long_front: contango score below minus the threshold, long the front and short the second month.'),
  noEdge: decide('FLAT', 'no_edge: contango score within the threshold, stay flat.')
} as const

/** The notebook's RuleAgent.decide, branch for branch and in its order. book ch.2; notebook cell 26 */
export function baselinePolicy(o: OilCurveObservation): Decision<OilCurveAction> {
  if (o.drawdown > o.riskOffDd) return DECISIONS.riskOff
  if (o.contangoScore > o.thresh) return DECISIONS.contango
  if (o.contangoScore < -o.thresh) return DECISIONS.backwardation
  return DECISIONS.noEdge
}
