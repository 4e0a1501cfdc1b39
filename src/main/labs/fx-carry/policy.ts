import type { Decision } from '../../engine/kernel'
import type { FxCarryConfig } from './config'
import { RISK_OFF } from './market'

/** The notebook's action names (cell 26); the book calls the middle two LONG_CARRY and SHORT_CARRY. */
export const FX_CARRY_ACTIONS = ['FLAT', 'LONG_HIGH_YIELD_BASKET', 'SHORT_HIGH_YIELD_BASKET', 'RISK_OFF_NEUTRAL'] as const
export type FxCarryAction = (typeof FX_CARRY_ACTIONS)[number]

/** What the policy sees at step t: the notebook's LLM context plus the surface's features. */
export interface FxCarryObservation {
  t: number
  /** 0 = calm, 1 = risk_off. */
  regime: number
  regimeName: string
  riskSentiment: number
  carry30Mean: number
  carryByTenor: number[]
  carry30Dispersion: number
  usdRate: number
  ccyRatesMean: number
  position: number
  leverage: number
  recentCost: number
  lastAction: FxCarryAction
  /** The baseline's thresholds from policy_params, so the rule needs nothing but the observation. */
  thresholds: { carryGood: number; riskExtreme: number }
}

/** The baseline's fixed rationale strings, verbatim from the notebook (cell 31). */
export const BASELINE_RATIONALES = {
  riskOffExtreme: 'Risk-off + extreme stress: hedge USD rally / carry unwind.',
  riskOff: 'Risk-off regime: reduce exposure; accept foregone carry to reduce tail risk.',
  calmCarry: 'Calm + positive carry: harvest carry; accept latent tail risk.',
  calmExtreme: 'Calm but risk sentiment elevated: step aside; avoid paying convexity in noise.',
  weakCarry: 'Carry not compelling: stay flat; avoid costs for weak compensation.'
} as const

const decide = (action: FxCarryAction, rationale: string): Decision<FxCarryAction> => ({ action, rationale, source: 'BASELINE' })

/**
 * book ch.3 §4.2; notebook cell 31. Risk-off: hedge short if sentiment is extreme, else go
 * neutral. Calm: long when c30 > 0.0015 and sentiment is not extreme, else flat. (|s| > 2 is
 * rarely reached: stationary sd is ≈ 0.25 in calm and ≈ 0.63 in risk-off — a notebook quirk kept.)
 */
export function baselinePolicy(o: FxCarryObservation): Decision<FxCarryAction> {
  const carryGood = o.carry30Mean > o.thresholds.carryGood
  const riskExtreme = Math.abs(o.riskSentiment) > o.thresholds.riskExtreme
  if (o.regime === RISK_OFF) {
    return riskExtreme ? decide('SHORT_HIGH_YIELD_BASKET', BASELINE_RATIONALES.riskOffExtreme) : decide('RISK_OFF_NEUTRAL', BASELINE_RATIONALES.riskOff)
  }
  if (carryGood && !riskExtreme) return decide('LONG_HIGH_YIELD_BASKET', BASELINE_RATIONALES.calmCarry)
  if (riskExtreme) return decide('FLAT', BASELINE_RATIONALES.calmExtreme)
  return decide('FLAT', BASELINE_RATIONALES.weakCarry)
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
