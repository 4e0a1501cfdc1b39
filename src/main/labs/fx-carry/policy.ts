import type { Decision } from '../../engine/kernel'
import type { FxCarryConfig } from './config'
import { RISK_OFF } from './market'

/** The notebook's action names (cell 26); the book calls the middle two LONG_CARRY and SHORT_CARRY. */
export const FX_CARRY_ACTIONS = ['FLAT', 'LONG_HIGH_YIELD_BASKET', 'SHORT_HIGH_YIELD_BASKET', 'RISK_OFF_NEUTRAL'] as const
export type FxCarryAction = (typeof FX_CARRY_ACTIONS)[number]

/**
 * What the policy sees at step t: the notebook's LLM context plus the surface's features. One
 * object per run, refilled every step (valid for the step it is given to; copy to keep it).
 */
export class FxCarryObservation {
  t = 0
  /** 0 = calm, 1 = risk_off. */
  regime = 0
  regimeName = ''
  riskSentiment = 0
  carry30Mean = 0
  /** mean_i C[t, i, j] per tenor, in tenor order. */
  readonly carryByTenor: Float64Array
  /** Population std of C[t, i, 30d] across currencies (carry dispersion, book ch.3 experiments). */
  carry30Dispersion = 0
  usdRate = 0
  ccyRatesMean = 0
  position = 0
  leverage = 0
  recentCost = 0
  lastAction: FxCarryAction = 'FLAT'
  /** The baseline's thresholds from policy_params, so the rule needs nothing but the observation. */
  readonly carryGoodThreshold: number
  readonly riskExtremeThreshold: number

  constructor(config: FxCarryConfig) {
    this.carryByTenor = new Float64Array(config.surface_params.tenors_days.length)
    this.carryGoodThreshold = config.policy_params.carry_good_threshold
    this.riskExtremeThreshold = config.policy_params.risk_extreme_threshold
  }
}

/** The baseline's fixed rationale strings, verbatim from the notebook (cell 31). */
export const BASELINE_RATIONALES = {
  riskOffExtreme: 'Risk-off + extreme stress: hedge USD rally / carry unwind.',
  riskOff: 'Risk-off regime: reduce exposure; accept foregone carry to reduce tail risk.',
  calmCarry: 'Calm + positive carry: harvest carry; accept latent tail risk.',
  calmExtreme: 'Calm but risk sentiment elevated: step aside; avoid paying convexity in noise.',
  weakCarry: 'Carry not compelling: stay flat; avoid costs for weak compensation.'
} as const

const decide = (action: FxCarryAction, rationale: string): Decision<FxCarryAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
const DECISIONS = {
  riskOffExtreme: decide('SHORT_HIGH_YIELD_BASKET', BASELINE_RATIONALES.riskOffExtreme),
  riskOff: decide('RISK_OFF_NEUTRAL', BASELINE_RATIONALES.riskOff),
  calmCarry: decide('LONG_HIGH_YIELD_BASKET', BASELINE_RATIONALES.calmCarry),
  calmExtreme: decide('FLAT', BASELINE_RATIONALES.calmExtreme),
  weakCarry: decide('FLAT', BASELINE_RATIONALES.weakCarry)
}

/**
 * book ch.3 §4.2; notebook cell 31. Risk-off: hedge short if sentiment is extreme, else go
 * neutral. Calm: long when c30 > 0.0015 and sentiment is not extreme, else flat. (|s| > 2 is
 * rarely reached: stationary sd is ≈ 0.25 in calm and ≈ 0.63 in risk-off — a notebook quirk kept.)
 */
export function baselinePolicy(o: FxCarryObservation): Decision<FxCarryAction> {
  const carryGood = o.carry30Mean > o.carryGoodThreshold
  const riskExtreme = Math.abs(o.riskSentiment) > o.riskExtremeThreshold
  if (o.regime === RISK_OFF) return riskExtreme ? DECISIONS.riskOffExtreme : DECISIONS.riskOff
  if (carryGood && !riskExtreme) return DECISIONS.calmCarry
  return riskExtreme ? DECISIONS.calmExtreme : DECISIONS.weakCarry
}

/**
 * book ch.3 §4.2; notebook cell 26: FLAT → 0, LONG → +pos_limit, SHORT → −pos_limit,
 * RISK_OFF_NEUTRAL → −0.25·pos_limit in risk-off and 0 in calm (re-mapped every step with the
 * current regime, also while a decision is held).
 */
export function actionToTarget(action: FxCarryAction, regime: number, config: FxCarryConfig): number {
  const limit = config.risk_params.pos_limit
  switch (action) {
    case 'FLAT':
      return 0
    case 'LONG_HIGH_YIELD_BASKET':
      return limit
    case 'SHORT_HIGH_YIELD_BASKET':
      return -limit
    case 'RISK_OFF_NEUTRAL':
      return regime === RISK_OFF ? -config.policy_params.risk_off_hedge_fraction * limit : 0
  }
}
