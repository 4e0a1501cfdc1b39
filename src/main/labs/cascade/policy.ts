import type { Decision, StepContext } from '../../engine/kernel'
import { CALM, REGIME_NAMES, type CascadeConfig } from './config'
import type { CascadeMarket, CascadeRunState } from './market'

/** The notebook's action names (cell 26). */
export const CASCADE_ACTIONS = ['DELEVER', 'HOLD', 'EMERGENCY_EXIT'] as const
export type CascadeAction = (typeof CASCADE_ACTIONS)[number]
export const LEGS = ['risky asset'] as const

/**
 * What the policy sees at step t: the notebook's baseline inputs and LLM context (cell 41), after
 * the system step at t. One object per run, refilled every step.
 */
export class CascadeObservation {
  t = 0
  regime = 0
  regimeName: string = REGIME_NAMES[0]
  funding = 0
  margin = 0
  riskAversion = 0
  cascadePressure = 0
  avgDistress = 0
  maxDistress = 0
  insolventCount = 0
  impact = 0
  price = 0
  /** The notebook's position before the trade (the opening position at t = 0). */
  position = 0
  /** |position|·price / equity: the notebook's telemetry leverage (new price, equity before the step). */
  leverage = 0
  /** Cumulative cost so far (the LLM context's recent_costs). */
  recentCosts = 0
  constructor(readonly run: CascadeRunState) {}
}

/** The baseline's fixed rationale strings, verbatim from the notebook (cell 31). */
export const BASELINE_RATIONALES = {
  extremePressure: 'Cascade pressure is extreme; forced-sale feedback dominates. Flatten exposure despite costs.',
  fundingMargin: 'Funding is stressed and margins are tight; constraint binding risk is dominant. Exit to preserve equity.',
  fragility: 'Fragility is rising; reduce exposure to lower leverage usage and execution vulnerability.',
  hold: 'No binding stress signal; maintain posture and avoid paying unnecessary turnover costs.'
} as const

const decide = (action: CascadeAction, rationale: string): Decision<CascadeAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
const DECISIONS = {
  extremePressure: decide('EMERGENCY_EXIT', BASELINE_RATIONALES.extremePressure),
  fundingMargin: decide('EMERGENCY_EXIT', BASELINE_RATIONALES.fundingMargin),
  fragility: decide('DELEVER', BASELINE_RATIONALES.fragility),
  hold: decide('HOLD', BASELINE_RATIONALES.hold)
}

/** book ch.10 §6.4; notebook cell 31: exit on extreme pressure or funding + margin binding, delever on rising fragility, else hold. */
export function baselinePolicy(o: CascadeObservation): Decision<CascadeAction> {
  if (o.cascadePressure >= 0.85) return DECISIONS.extremePressure
  if (o.funding >= 0.075 && o.margin >= 0.7) return DECISIONS.fundingMargin
  if (o.cascadePressure >= 0.45 || (o.regime !== CALM && o.leverage >= 1.2)) return DECISIONS.fragility
  return DECISIONS.hold
}

type Context = StepContext<CascadeConfig, CascadeMarket, CascadeAction>

/** Refills the observation for step t from the market path and the run's notebook portfolio. */
export function observeInto(context: Context, o: CascadeObservation): void {
  const m = context.market
  const t = context.t
  const run = o.run
  o.t = t
  o.regime = m.regime[t]!
  o.regimeName = REGIME_NAMES[o.regime]!
  o.funding = m.funding[t]!
  o.margin = m.margin[t]!
  o.riskAversion = m.riskAversion[t]!
  o.cascadePressure = m.cascadePressure[t]!
  o.avgDistress = m.avgDistress[t]!
  o.maxDistress = m.maxDistress[t]!
  o.insolventCount = m.insolventCount[t]!
  o.impact = m.impact[t]!
  o.price = m.price[t]!
  o.position = t === 0 ? run.initialPosition : context.position[0]!
  run.position = o.position
  // notebook cell 41, telemetry_leverage(port.pos, sys.price, port.equity)
  o.leverage = Math.abs(o.position) * o.price / Math.max(run.equity, 1e-12)
  o.recentCosts = run.cumCost
}

/**
 * book ch.10 §6.4; notebook cells 26 and 21: HOLD → pos, DELEVER → 0.40·pos, EMERGENCY_EXIT → 0,
 * then clipped to ±pos_limit (units; corrected: × equity notional) and to the leverage cap
 * max_leverage·equity/price, with the equity before the step.
 */
export function constrainedTarget(action: CascadeAction, o: CascadeObservation, context: Context, out: Float64Array): void {
  const run = o.run
  const c = context.config
  let target = action === 'HOLD' ? o.position : action === 'DELEVER' ? 0.4 * o.position : 0
  const limit = c.corrections.position_sizing === 'units' ? c.risk_params.pos_limit : (c.risk_params.pos_limit * run.equity) / Math.max(o.price, 1e-12)
  let clipped = Math.min(limit, Math.max(-limit, target))
  run.posLimitHit[o.t] = clipped !== target ? 1 : 0
  target = clipped
  const cap = (c.risk_params.max_leverage * run.equity) / Math.max(o.price, 1e-12)
  clipped = Math.min(cap, Math.max(-cap, target))
  run.leverageCapHit[o.t] = clipped !== target ? 1 : 0
  out[0] = clipped
}
