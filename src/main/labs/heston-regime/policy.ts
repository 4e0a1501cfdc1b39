import type { Decision } from '../../engine/kernel'
import type { HestonRegimeConfig } from './config'

// Actions, the observation and the book's regime strategy (spec §5.1–5.4; Ch.8–10 of the seed).

/** Long/cash only (Ch.9); the sizes come from strategy.leverage_*. */
export const HESTON_REGIME_ACTIONS = ['FLAT', 'LONG_HALF', 'LONG_REDUCED', 'LONG_FULL'] as const
export type HestonRegimeAction = (typeof HESTON_REGIME_ACTIONS)[number]

/**
 * What the policy sees at step t. Regime fields are those of bar t − 1 (one bar of decision
 * latency, spec §5.6: the book decides on prices up to idx − 1). `lastBarReturn` is the
 * realised return of the book over the bar just marked: account data, known at t. One object
 * per run, refilled every step (valid for the step it is given to; copy to keep it).
 */
export class HestonRegimeObservation {
  t = 0
  /** A regime signal exists for bar t − 1 (walk-forward started). */
  active = false
  pStable = Number.NaN
  /** RegimeFilter state at t − 1: 0 stable, 1 stress (−1 before the first fit). */
  filtered = -1
  oodDistance = Number.NaN
  oodRadius = Number.NaN
  lastBarReturn = 0
  position = 0
  /** The strategy's thresholds and sizes, so the rule needs nothing but the observation. */
  readonly strategy: HestonRegimeConfig['strategy']

  constructor(config: HestonRegimeConfig) {
    this.strategy = config.strategy
  }
}

export const RATIONALES = {
  warmUp: 'Warm-up: no regime signal before the walk-forward start bar; stay flat.',
  dailyLoss: 'Drawdown law (App. D.4): the last bar lost more than the daily loss limit; force flat.',
  ood: 'OOD detected (Ch.10.3): features beyond the training radius; market physics unknown; flat.',
  stress: 'RegimeFilter confirmed stress (Ch.8.3): cash.',
  full: 'Stable confirmed and P(stable) > 0.9: full size (Ch.10.2).',
  reduced: 'Stable confirmed and P(stable) > 0.6: reduced size 0.8× (Ch.10.2).',
  half: 'Stable confirmed, P(stable) in the unspecified 0.5–0.6 band: half size (spec §5.3 [REC]).',
  lowConfidence: 'Filter still stable but P(stable) < 0.5: flat while the switch is unconfirmed (Ch.10.2).'
} as const

const decide = (action: HestonRegimeAction, rationale: string): Decision<HestonRegimeAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
const DECISIONS = {
  warmUp: decide('FLAT', RATIONALES.warmUp),
  dailyLoss: decide('FLAT', RATIONALES.dailyLoss),
  ood: decide('FLAT', RATIONALES.ood),
  stress: decide('FLAT', RATIONALES.stress),
  full: decide('LONG_FULL', RATIONALES.full),
  reduced: decide('LONG_REDUCED', RATIONALES.reduced),
  half: decide('LONG_HALF', RATIONALES.half),
  lowConfidence: decide('FLAT', RATIONALES.lowConfidence)
}

/**
 * The regime strategy (spec §5.1–5.4): guardrails first (daily loss, OOD), then the
 * hysteresis state, then continuous sizing from P(stable) while the state is stable.
 */
export function baselinePolicy(o: HestonRegimeObservation): Decision<HestonRegimeAction> {
  const s = o.strategy
  if (!o.active || !(o.filtered === 0 || o.filtered === 1) || Number.isNaN(o.pStable)) return DECISIONS.warmUp
  if (o.lastBarReturn < -s.daily_loss_limit) return DECISIONS.dailyLoss
  if (o.oodDistance > o.oodRadius) return DECISIONS.ood
  if (o.filtered === 1) return DECISIONS.stress
  if (o.pStable > s.p_full) return DECISIONS.full
  if (o.pStable > s.p_reduced) return DECISIONS.reduced
  if (o.pStable >= s.p_flat) return DECISIONS.half
  return DECISIONS.lowConfidence
}

/** Long size of an action in × equity (spec §5.3): FLAT 0, else strategy.leverage_{half, reduced, full}. */
export function actionToTarget(action: HestonRegimeAction, config: HestonRegimeConfig): number {
  const s = config.strategy
  switch (action) {
    case 'FLAT':
      return 0
    case 'LONG_HALF':
      return s.leverage_half
    case 'LONG_REDUCED':
      return s.leverage_reduced
    case 'LONG_FULL':
      return s.leverage_full
  }
}
