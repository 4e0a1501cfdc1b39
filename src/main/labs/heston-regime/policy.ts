import type { Decision } from '../../engine/kernel'
import type { HestonRegimeConfig } from './config'

export { RegimeFilter, filterSeries } from '../../regime/filter'

/** Long/cash only (Ch.9); the sizes come from strategy.leverage_*. */
export const HESTON_REGIME_ACTIONS = ['FLAT', 'LONG_HALF', 'LONG_REDUCED', 'LONG_FULL'] as const
export type HestonRegimeAction = (typeof HESTON_REGIME_ACTIONS)[number]

/**
 * What the policy sees at step t. Regime fields are those of bar t − 1 (one bar of decision
 * latency, spec §5.6: the book decides on prices up to idx − 1). `lastBarReturn` is the
 * realised return of the book over the bar just marked: account data, known at t.
 */
export interface HestonRegimeObservation {
  t: number
  /** A regime signal exists for bar t − 1 (walk-forward started). */
  active: boolean
  pStable: number
  /** RegimeFilter state at t − 1: 0 stable, 1 stress. */
  filtered: number
  oodDistance: number
  oodRadius: number
  lastBarReturn: number
  position: number
  strategy: HestonRegimeConfig['strategy']
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

const decide = (action: HestonRegimeAction, rationale: string): Decision<HestonRegimeAction> => ({ action, rationale, source: 'BASELINE' })

/**
 * The regime strategy (spec §5.1–5.4): guardrails first (daily loss, OOD), then the
 * hysteresis state, then continuous sizing from P(stable) while the state is stable.
 */
export function baselinePolicy(o: HestonRegimeObservation): Decision<HestonRegimeAction> {
  const s = o.strategy
  if (!o.active || !(o.filtered === 0 || o.filtered === 1) || Number.isNaN(o.pStable)) return decide('FLAT', RATIONALES.warmUp)
  if (o.lastBarReturn < -s.daily_loss_limit) return decide('FLAT', RATIONALES.dailyLoss)
  if (o.oodDistance > o.oodRadius) return decide('FLAT', RATIONALES.ood)
  if (o.filtered === 1) return decide('FLAT', RATIONALES.stress)
  if (o.pStable > s.p_full) return decide('LONG_FULL', RATIONALES.full)
  if (o.pStable > s.p_reduced) return decide('LONG_REDUCED', RATIONALES.reduced)
  if (o.pStable >= s.p_flat) return decide('LONG_HALF', RATIONALES.half)
  return decide('FLAT', RATIONALES.lowConfidence)
}

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
