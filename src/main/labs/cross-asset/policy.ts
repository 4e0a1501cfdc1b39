import type { Decision, PolicyMemory, StepContext } from '../../engine/kernel'
import { ASSETS, REGIME_NAMES, type CrossAssetConfig } from './config'
import { A, type CrossAssetMarket } from './market'

// Actions, the observation, the rule baseline and the surface-referenced action → target mapping
// (book ch.9 §5.5–§5.6; notebook CELL 6 and CELL 7).

export const CROSS_ASSET_ACTIONS = ['RISK_ON', 'RISK_OFF', 'NEUTRAL'] as const
export type CrossAssetAction = (typeof CROSS_ASSET_ACTIONS)[number]
/** Exposures as fractions of equity, one per asset. */
export const LEGS = ASSETS

/** The macro sleeves before risk-parity scaling (CELL 6: BASE_TARGETS), in asset order. */
export const BASE_TARGETS: Readonly<Record<CrossAssetAction, readonly number[]>> = Object.freeze({
  RISK_ON: Object.freeze([0.9, -0.35, 0.75, 0.4]),
  RISK_OFF: Object.freeze([-0.4, 1.1, -0.35, -0.25]),
  NEUTRAL: Object.freeze([0.0, 0.0, 0.0, 0.0])
})

/** coupling_penalty's knee, slope and bounds, and the floor of the gross (CELL 6). */
const PENALTY_KNEE = 0.35
const PENALTY_SLOPE = 0.55
const PENALTY_FLOOR = 0.4
const GROSS_FLOOR = 0.6
/** risk_params.risk_parity_target_gross is absent from the notebook's config, so it defaults to 1.0 (CELL 6). */
const TARGET_GROSS = 1.0

export const STRESS = REGIME_NAMES.indexOf('stress')
export const CALM = REGIME_NAMES.indexOf('calm')

/**
 * What the baseline sees at step t (the notebook's make_decision_context): the regime label, the
 * stress level, the coupling summaries of the observed surface, and the drawdown of the book
 * before this step's P&L. One object per run, refilled every step.
 */
export class CrossAssetObservation {
  t = 0
  regime = 0
  stressLevel = 0
  avgCorr = 0
  topEigShare = 0
  eqRatesCorr = 0
  equity = 1
  drawdown = 0
  readonly thresholds: CrossAssetConfig['baseline_params']

  constructor(config: CrossAssetConfig) {
    this.thresholds = config.baseline_params
  }
}

/** Fills the observation for step t. notebook CELL 6 (make_decision_context) */
export function observeInto(context: StepContext<CrossAssetConfig, CrossAssetMarket, CrossAssetAction>, o: CrossAssetObservation): void {
  const m = context.market
  const t = context.t
  o.t = t
  o.regime = m.regime[t]!
  o.stressLevel = m.stressLevel[t]!
  o.avgCorr = m.avgCorr[t]!
  o.topEigShare = m.topEigShare[t]!
  o.eqRatesCorr = m.eqRatesCorr[t]!
  // the kernel books this step's P&L at execution, so these are the equity and drawdown after step t − 1
  o.equity = context.equity
  o.drawdown = context.drawdown
}

const decide = (action: CrossAssetAction, rationale: string): Decision<CrossAssetAction> => Object.freeze({ action, rationale, source: 'BASELINE' as const })

// CELL 7's rationales, one per rule.
const SURVIVAL = decide('NEUTRAL', 'Baseline: drawdown elevated; prioritize survival and cost control.')
const RISK_OFF = decide('RISK_OFF', 'Baseline: stress/coupling high; protect against one-trade conditions and rising costs.')
const RISK_ON = decide('RISK_ON', 'Baseline: calm with low coupling; harvest risk premia while diversification still functions.')
const MIXED = decide('NEUTRAL', 'Baseline: mixed signals; avoid paying turnover until the surface resolves.')

/**
 * The notebook's rule baseline: drawdown > 0.18 → NEUTRAL; stress_level > stress_hi, avg_corr >
 * avg_corr_hi, top_eig_share > eig_hi or the stress regime → RISK_OFF; stress_level < stress_lo,
 * avg_corr < avg_corr_lo and calm → RISK_ON; else NEUTRAL. book ch.9 §5.6; notebook CELL 7
 */
export function baselinePolicy(o: CrossAssetObservation, _memory: PolicyMemory<CrossAssetAction>): Decision<CrossAssetAction> {
  const th = o.thresholds
  if (o.drawdown > th.dd_neutral) return SURVIVAL
  if (o.stressLevel > th.stress_hi || o.avgCorr > th.avg_corr_hi || o.topEigShare > th.eig_hi || o.regime === STRESS) return RISK_OFF
  if (o.stressLevel < th.stress_lo && o.avgCorr < th.avg_corr_lo && o.regime === CALM) return RISK_ON
  return MIXED
}

/** coupling_penalty: clip(1 − 0.55·max(0, share − 0.35), 0.40, 1.00) (CELL 6). */
export function couplingPenalty(share: number): number {
  const x = Math.max(0.0, share - PENALTY_KNEE)
  const pen = 1.0 - PENALTY_SLOPE * x
  return Math.min(1.0, Math.max(PENALTY_FLOOR, pen))
}

/**
 * action_to_target at step t into out: NEUTRAL → 0; else the sleeve scaled by inverse volatility
 * v = √(diag(cov_t) + 1e−12) and normalised to the L1 gross max(0.60, 1.0·penalty(top_eig_share_t)):
 * x = raw·(1/v), target = x·(gross/(Σ|x| + 1e−12)). The faithful preset then applies the env's
 * drawdown stop (target ← 0 when the drawdown before the step exceeds max_dd_stop); the kernel's
 * risk gate clips to pos_limit and scales to max_leverage, in the env's order.
 * notebook CELL 6 (action_to_target, risk_parity_scale, coupling_penalty) and CELL 5 (env.step)
 */
export function targetOf(action: CrossAssetAction, o: CrossAssetObservation, context: StepContext<CrossAssetConfig, CrossAssetMarket, CrossAssetAction>, out: Float64Array): void {
  const raw = BASE_TARGETS[action]
  const silentStop = context.config.corrections.stop_in_log === 'silent' && o.drawdown > context.config.risk_params.max_dd_stop
  if (action === 'NEUTRAL' || silentStop) {
    out.fill(0.0)
    return
  }
  const m = context.market
  const base = o.t * A * A
  const gross = Math.max(GROSS_FLOOR, TARGET_GROSS * couplingPenalty(o.topEigShare))
  let sum = 0
  for (let i = 0; i < A; i++) {
    const v = Math.sqrt(m.cov[base + i * A + i]! + 1e-12)
    const x = raw[i]! * (1.0 / v)
    out[i] = x
    sum += Math.abs(x)
  }
  const scale = gross / (sum + 1e-12)
  for (let i = 0; i < A; i++) out[i] = out[i]! * scale
}
