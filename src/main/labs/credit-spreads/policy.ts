import type { Decision, PolicyMemory } from '../../engine/kernel'
import type { CreditSpreadsConfig, RegimeName } from './config'
import type { MarketPath } from './market'
import { backfill, pandasRollingMean, trailingMedian } from './numeric'

// Actions, their risk-budgeted targets and the rule baseline (book ch.5 §5.3; notebook cells 26, 31).

export const ACTIONS = ['FLAT', 'LONG_SPREAD', 'SHORT_SPREAD', 'CURVE_STEEPENER'] as const
export type CreditAction = (typeof ACTIONS)[number]
export const LEGS = ['ig_level', 'hy_level', 'curve_tilt'] as const

/** Risk budget shrinks as liquidity and correlation stress rise: 1/(1 + 1.2(liq + corr)). notebook cell 26 */
export function riskBudget(liq: number, corr: number): number {
  return 1.0 / (1.0 + 1.2 * (liq + corr))
}

// Leg weights per action on (0.9·rb, 0.9·rb, 0.8·rb). notebook cell 26 (action_to_target)
const TARGET_WEIGHTS: Readonly<Record<CreditAction, readonly [number, number, number]>> = {
  FLAT: [0, 0, 0],
  LONG_SPREAD: [0.75, 0.55, -0.15],
  SHORT_SPREAD: [-0.75, -0.45, 0.05],
  CURVE_STEEPENER: [-0.1, 0.05, 0.85]
}

/** Unconstrained target legs [ig_level, hy_level, curve_tilt]; the kernel's risk gate clips and scales them. */
export function targetLegs(action: CreditAction, liq: number, corr: number): Float64Array {
  if (action === 'FLAT') return new Float64Array(3)
  const rb = riskBudget(liq, corr)
  const level = 0.9 * rb
  const tilt = 0.8 * rb
  const [ig, hy, tl] = TARGET_WEIGHTS[action]
  return Float64Array.of(ig * level, hy * level, tl * tilt)
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

/** Trailing signals the baseline reads, one value per step. */
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

/** What the baseline sees at step t. */
export interface CreditObservation {
  t: number
  regime: RegimeName
  creditBeta: number
  hazard: number
  liq: number
  corr: number
  levelIG: number
  levelHY: number
  slopeIG: number
  slopeHY: number
  levelIGMean: number
  levelHYMean: number
  hazardMean: number
  slopeIGMedian: number
  /** Gross leverage of the book carried into t, and its cap. */
  leverage: number
  maxLeverage: number
}

const decide = (action: CreditAction, rationale: string): Decision<CreditAction> => ({ action, rationale, source: 'BASELINE' })

/**
 * The notebook's rule baseline, branch for branch and in its order, with its rationale strings.
 * (Its forced-flat branch is the kernel's: the risk gate holds the book flat before any policy.)
 * book ch.5 §5.3; notebook cell 31
 */
export function baselinePolicy(o: CreditObservation, memory: PolicyMemory<CreditAction>): Decision<CreditAction> {
  const b = BASELINE
  const rich = o.levelIG - o.levelIGMean + (o.levelHY - o.levelHYMean)
  const hazardTrend = o.hazard - o.hazardMean
  if (o.regime === 'liquidity_stress' || o.creditBeta > b.stressBeta) {
    if (o.leverage > b.stressLeverageShare * o.maxLeverage) {
      return decide('FLAT', 'Stress is elevated and leverage is already meaningful; reduce exposure to avoid liquidity/impact dominated losses.')
    }
    return decide('LONG_SPREAD', 'Liquidity/correlation stress is high; long spread exposure benefits from widening while controlling execution via stress-scaled sizing.')
  }
  if (o.regime === 'late_cycle') {
    if (hazardTrend > b.hazardTrend && o.slopeIG > o.slopeIGMedian) {
      return decide('CURVE_STEEPENER', 'Late-cycle hazard is rising and curve slope is elevated; position for long-end repricing while keeping level exposure near-neutral.')
    }
    if (rich > 2.0 * b.switchMargin && o.creditBeta < b.lateRichBeta) {
      return decide('SHORT_SPREAD', 'Spreads are rich relative to recent history in a non-stress regime; harvest carry cautiously with execution-aware sizing.')
    }
  }
  if (o.regime === 'carry_calm') {
    if (o.creditBeta < b.calmBeta && rich > b.switchMargin) {
      return decide('SHORT_SPREAD', 'Calm regime with low stress and mildly rich spreads; short spread risk to collect carry, accepting embedded crash risk.')
    }
    if (o.creditBeta < b.calmBeta && memory.lastAction === 'SHORT_SPREAD') {
      return decide('SHORT_SPREAD', 'Signals remain consistent with calm carry; maintain short spread exposure while monitoring liquidity/correlation stress.')
    }
    if (o.creditBeta >= b.calmBeta) {
      return decide('FLAT', 'Stress has drifted up even in calm regime; avoid paying impact to chase small carry.')
    }
  }
  return decide(memory.lastAction, 'No dominant regime-consistent edge beyond current posture; maintain action to reduce churn and execution drag.')
}
