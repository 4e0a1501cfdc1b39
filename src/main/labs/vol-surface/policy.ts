import type { Decision } from '../../engine/kernel'
import type { VolSurfaceConfig } from './config'
import { STRESS, TRANSITION } from './market'

/** The notebook's action names (cell 5/6); the book's flat, long vol, short vol, calendar vol. */
export const VOL_SURFACE_ACTIONS = ['FLAT', 'LONG_VOL', 'SHORT_VOL', 'CALENDAR_VOL'] as const
export type VolSurfaceAction = (typeof VOL_SURFACE_ACTIONS)[number]

/** The book's two exposures: outright vega and calendar vega (long long-dated, short short-dated). */
export const LEGS = ['outright_vega', 'calendar_vega'] as const

/** notebook cell 6 (ACTION_TO_TARGET): [outright, calendar] per action. */
const TARGETS: Readonly<Record<VolSurfaceAction, readonly [number, number]>> = {
  FLAT: [0.0, 0.0],
  LONG_VOL: [1.0, 0.0],
  SHORT_VOL: [-1.0, 0.0],
  CALENDAR_VOL: [0.0, 1.0]
}

/**
 * What the policy sees at a step: the notebook's LLM context (cell 8, compact_context) and the
 * surface's features, plus the book's Greeks (corrected). One object per run, refilled every
 * step (valid for the step it is given to; copy to keep it).
 */
export class VolSurfaceObservation {
  /** The notebook's t (the kernel's step + 1). */
  t = 0
  /** 0 calm, 1 transition, 2 stress. */
  regime = 0
  regimeName = ''
  spot = 0
  vol = 0
  volOfVol = 0
  skew = 0
  jump = 0
  ivAtm30 = 0
  /** iv_put_30 − iv_call_30. */
  skewProxy = 0
  termSlope = 0
  outright = 0
  calendar = 0
  /** The notebook's leverage: gross units per million of equity. */
  leverage = 0
  /** Equity before this step (after the last one settled): what the notebook's cap and impact read. */
  equity = 0
  lastAction: VolSurfaceAction = 'FLAT'
  /** Notebook-style peak of settled equity, and whether the drawdown stop has been breached. */
  peak = 0
  stopped = false
  /** Black–Scholes vega (per 1.00 IV) and cash gamma (Γ·S², per unit (dS/S)²) of the book; 0 when greeks = none. */
  bookVega = 0
  bookCashGamma = 0
  /** The marked equity of the last observed step (to recover the settled equity at the next). */
  markedEquity = 0
  /** The baseline's thresholds from the config, so the rule needs nothing but the observation. */
  readonly volElevatedLevel: number
  readonly skewExtreme: number
  readonly stressCalendarSlope: number
  readonly transitionCalendarSlope: number

  constructor(config: VolSurfaceConfig) {
    // notebook cell 7: iv_atm > base_vol + 0.10
    this.volElevatedLevel = config.market_params.base_vol + config.policy_params.vol_elevated_margin
    this.skewExtreme = config.policy_params.skew_extreme_threshold
    this.stressCalendarSlope = config.policy_params.stress_calendar_slope
    this.transitionCalendarSlope = config.policy_params.transition_calendar_slope
    this.equity = config.risk_params.initial_equity
    this.peak = this.equity
    this.markedEquity = this.equity
  }
}

/** The baseline's rationales, verbatim from the notebook (cell 7). */
export const BASELINE_RATIONALES = {
  stressCalendar: 'Stress regime with steep term-structure suggests long-dated vol reprices more; calendar isolates term premium while limiting outright carry bleed.',
  stressLong: 'Stress regime: convexity dominates carry; prefer long vol to survive jump/vol-of-vol amplification.',
  transitionFlat: 'Transition regime with elevated vol/skew: carry is fragile; step aside to avoid convexity and execution penalties.',
  transitionCalendar: 'Transition with upward term slope: express regime uncertainty via calendar rather than outright short vol.',
  transitionShort: 'Transition but not yet elevated: cautiously harvest carry with bounded short vol exposure.',
  calmFlat: 'Calm but vol/skew already elevated: carry is not attractive relative to crash risk; stay flat.',
  calmShort: 'Calm regime: variance risk premium is available; short vol earns carry while constraints bound exposure.'
} as const

const decide = (action: VolSurfaceAction, rationale: string, source: Decision['source'] = 'BASELINE'): Decision<VolSurfaceAction> => Object.freeze({ action, rationale, source })
const DECISIONS = {
  stressCalendar: decide('CALENDAR_VOL', BASELINE_RATIONALES.stressCalendar),
  stressLong: decide('LONG_VOL', BASELINE_RATIONALES.stressLong),
  transitionFlat: decide('FLAT', BASELINE_RATIONALES.transitionFlat),
  transitionCalendar: decide('CALENDAR_VOL', BASELINE_RATIONALES.transitionCalendar),
  transitionShort: decide('SHORT_VOL', BASELINE_RATIONALES.transitionShort),
  calmFlat: decide('FLAT', BASELINE_RATIONALES.calmFlat),
  calmShort: decide('SHORT_VOL', BASELINE_RATIONALES.calmShort),
  // corrected (drawdown_stop = de_risk): the stop's override, logged with source RISK
  deRisk: decide('FLAT', 'Drawdown stop breached: de-risking to flat at the trade rate limit.', 'RISK')
}

/**
 * book ch.6 L2227; notebook cell 7 (baseline_policy). Stress: calendar when the term slope is
 * steep, else long vol. Transition: flat when vol or skew is elevated, calendar on an upward
 * slope, else short vol. Calm: flat when elevated, else short vol. (With the regime-constant
 * slope LONG_VOL is unreachable and the skew test never fires — notebook quirks kept.)
 */
export function baselinePolicy(o: VolSurfaceObservation): Decision<VolSurfaceAction> {
  if (o.stopped) return DECISIONS.deRisk
  const elevated = o.ivAtm30 > o.volElevatedLevel || o.skewProxy > o.skewExtreme
  if (o.regime === STRESS) return o.termSlope > o.stressCalendarSlope ? DECISIONS.stressCalendar : DECISIONS.stressLong
  if (o.regime === TRANSITION) {
    if (elevated) return DECISIONS.transitionFlat
    return o.termSlope > o.transitionCalendarSlope ? DECISIONS.transitionCalendar : DECISIONS.transitionShort
  }
  return elevated ? DECISIONS.calmFlat : DECISIONS.calmShort
}

/**
 * The target book of an action into out, constrained as the notebook's action_to_trade does
 * (cell 6, with apply_constraints of cell 5): move each exposure at most trade_rate_limit toward
 * the target, clip to ±pos_limit_vega, then scale down when gross units per million of the
 * equity before the step exceed max_leverage. A breached de-risking stop targets flat whatever
 * the policy chose.
 */
export function constrainedTarget(action: VolSurfaceAction, o: VolSurfaceObservation, position: Float64Array, config: VolSurfaceConfig, out: Float64Array): void {
  const rp = config.risk_params
  const goal = TARGETS[o.stopped ? 'FLAT' : action]
  const rate = rp.trade_rate_limit
  const limit = rp.pos_limit_vega
  for (let i = 0; i < 2; i++) {
    const delta = Math.min(Math.max(goal[i]! - position[i]!, -rate), rate)
    out[i] = Math.min(Math.max(position[i]! + delta, -limit), limit)
  }
  const leverage = (0 + Math.abs(out[0]!) + Math.abs(out[1]!)) / Math.max(1e-12, o.equity / 1_000_000.0)
  if (leverage > rp.max_leverage) {
    const scale = rp.max_leverage / Math.max(1e-12, leverage)
    out[0] = out[0]! * scale
    out[1] = out[1]! * scale
  }
}
