import type { Decision, PolicyMemory } from '../../engine/kernel'
import { trailingMedian } from '../common/numpy'
import { backfill, pandasRollingMean } from '../common/pandas'
import type { CreditSpreadsConfig, RegimeName } from './config'
import type { MarketPath } from './market'

// Actions, their risk-budgeted targets and the rule baseline (book ch.5 §5.3; notebook cells 26, 31).

export const CREDIT_SPREADS_ACTIONS = ['FLAT', 'LONG_SPREAD', 'SHORT_SPREAD', 'CURVE_STEEPENER'] as const
export type CreditSpreadsAction = (typeof CREDIT_SPREADS_ACTIONS)[number]
export const LEGS = ['ig_level', 'hy_level', 'curve_tilt'] as const

/** Risk budget shrinks as liquidity and correlation stress rise: 1/(1 + 1.2(liq + corr)). notebook cell 26 */
export function riskBudget(liq: number, corr: number): number {
  return 1.0 / (1.0 + 1.2 * (liq + corr))
}

// Leg weights per action on (0.9·rb, 0.9·rb, 0.8·rb). notebook cell 26 (action_to_target)
const TARGET_WEIGHTS: Readonly<Record<CreditSpreadsAction, readonly [number, number, number]>> = {
  FLAT: [0, 0, 0],
  LONG_SPREAD: [0.75, 0.55, -0.15],
  SHORT_SPREAD: [-0.75, -0.45, 0.05],
  CURVE_STEEPENER: [-0.1, 0.05, 0.85]
}

/** Unconstrained target legs [ig_level, hy_level, curve_tilt] into out; the kernel's risk gate clips and scales them. */
export function targetLegs(action: CreditSpreadsAction, liq: number, corr: number, out: Float64Array): void {
  if (action === 'FLAT') {
    out[0] = 0
    out[1] = 0
    out[2] = 0
    return
  }
  const rb = riskBudget(liq, corr)
  const level = 0.9 * rb
  const tilt = 0.8 * rb
  const w = TARGET_WEIGHTS[action]
  out[0] = w[0] * level
  out[1] = w[1] * level
  out[2] = w[2] * tilt
}

// The baseline's fixed thresholds (notebook cell 31: "fixed; not agent-controlled").
export const BASELINE = {
  window: 60,
  minPeriods: 10,
  switchMargin: 0.015,
  stressBeta: 0.45,
  stressLeverageShare: 0.8,
  hazardTrend: 0.002,
  lateRichBeta: 0.25,
  calmBeta: 0.22
} as const

/** Trailing signals the baseline reads, one value per step (computed once per run, with the market). */
export interface BaselineSignals {
  levelIGMean: Float64Array
  levelHYMean: Float64Array
  hazardMean: Float64Array
  /** np.median(slope_IG[max(0, t−60) … t]): 61 points once warm, the notebook's window. */
  slopeIGMedian: Float64Array
}

/**
 * 60-step rolling means (min_periods 10). faithful: back-filled, so steps 0–8 read the value at
 * step 9 (look-ahead); corrected: the expanding mean until 10 points exist. notebook cell 31
 */
export function baselineSignals(market: MarketPath, warmup: CreditSpreadsConfig['corrections']['baseline_warmup']): BaselineSignals {
  const { window, minPeriods } = BASELINE
  const trailing = (x: Float64Array): Float64Array =>
    warmup === 'bfill' ? backfill(pandasRollingMean(x, window, minPeriods)) : pandasRollingMean(x, window, 1)
  return {
    levelIGMean: trailing(market.levelIG),
    levelHYMean: trailing(market.levelHY),
    hazardMean: trailing(market.hazard),
    slopeIGMedian: trailingMedian(market.slopeIG, window)
  }
}

/**
 * What the baseline sees at step t: the state, the surface's features, the trailing signals and
 * the book's leverage. One object per run, refilled every step (valid for the step it is given
 * to; copy to keep it).
 */
export class CreditSpreadsObservation {
  t = 0
  regime: RegimeName = 'carry_calm'
  /** Stress index 0.6·liq + 0.4·corr. */
  creditBeta = 0
  hazard = 0
  liq = 0
  corr = 0
  levelIG = 0
  levelHY = 0
  slopeIG = 0
  slopeHY = 0
  levelIGMean = 0
  levelHYMean = 0
  hazardMean = 0
  slopeIGMedian = 0
  /** Gross leverage of the book carried into t, and its cap. */
  leverage = 0
  readonly maxLeverage: number

  constructor(config: CreditSpreadsConfig) {
    this.maxLeverage = config.risk_params.max_leverage
  }
}

const decide = (action: CreditSpreadsAction, rationale: string): Decision<CreditSpreadsAction> => Object.freeze({ action, rationale, source: 'BASELINE' })

/** The baseline's decisions with their rationale strings, verbatim from the notebook (cell 31). */
const DECISIONS = {
  stressDeleverage: decide('FLAT', 'Stress is elevated and leverage is already meaningful; reduce exposure to avoid liquidity/impact dominated losses.'),
  stressLong: decide('LONG_SPREAD', 'Liquidity/correlation stress is high; long spread exposure benefits from widening while controlling execution via stress-scaled sizing.'),
  lateSteepener: decide('CURVE_STEEPENER', 'Late-cycle hazard is rising and curve slope is elevated; position for long-end repricing while keeping level exposure near-neutral.'),
  lateRichShort: decide('SHORT_SPREAD', 'Spreads are rich relative to recent history in a non-stress regime; harvest carry cautiously with execution-aware sizing.'),
  calmRichShort: decide('SHORT_SPREAD', 'Calm regime with low stress and mildly rich spreads; short spread risk to collect carry, accepting embedded crash risk.'),
  calmKeepShort: decide('SHORT_SPREAD', 'Signals remain consistent with calm carry; maintain short spread exposure while monitoring liquidity/correlation stress.'),
  calmStressDrift: decide('FLAT', 'Stress has drifted up even in calm regime; avoid paying impact to chase small carry.')
} as const

const HOLD_RATIONALE = 'No dominant regime-consistent edge beyond current posture; maintain action to reduce churn and execution drag.'
/** "Maintain the last action", one frozen decision per action. */
const HOLD: Readonly<Record<CreditSpreadsAction, Decision<CreditSpreadsAction>>> = Object.freeze({
  FLAT: decide('FLAT', HOLD_RATIONALE),
  LONG_SPREAD: decide('LONG_SPREAD', HOLD_RATIONALE),
  SHORT_SPREAD: decide('SHORT_SPREAD', HOLD_RATIONALE),
  CURVE_STEEPENER: decide('CURVE_STEEPENER', HOLD_RATIONALE)
})

/**
 * The notebook's rule baseline, branch for branch and in its order, with its rationale strings.
 * (Its forced-flat branch is the kernel's: the risk gate holds the book flat before any policy.)
 * book ch.5 §5.3; notebook cell 31
 */
export function baselinePolicy(o: CreditSpreadsObservation, memory: PolicyMemory<CreditSpreadsAction>): Decision<CreditSpreadsAction> {
  const b = BASELINE
  const rich = o.levelIG - o.levelIGMean + (o.levelHY - o.levelHYMean)
  const hazardTrend = o.hazard - o.hazardMean
  if (o.regime === 'liquidity_stress' || o.creditBeta > b.stressBeta) {
    return o.leverage > b.stressLeverageShare * o.maxLeverage ? DECISIONS.stressDeleverage : DECISIONS.stressLong
  }
  if (o.regime === 'late_cycle') {
    if (hazardTrend > b.hazardTrend && o.slopeIG > o.slopeIGMedian) return DECISIONS.lateSteepener
    if (rich > 2.0 * b.switchMargin && o.creditBeta < b.lateRichBeta) return DECISIONS.lateRichShort
  }
  if (o.regime === 'carry_calm') {
    if (o.creditBeta < b.calmBeta && rich > b.switchMargin) return DECISIONS.calmRichShort
    if (o.creditBeta < b.calmBeta && memory.lastAction === 'SHORT_SPREAD') return DECISIONS.calmKeepShort
    if (o.creditBeta >= b.calmBeta) return DECISIONS.calmStressDrift
  }
  return HOLD[memory.lastAction]
}
