import type { Decision } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import type { Direction } from './surface'

// Actions and the threshold baseline (notebook 04: "cross-venue basis … threshold sensitivity").

export const LATENCY_ARB_ACTIONS = ['HOLD', 'ARB_BUY_A_SELL_B', 'ARB_BUY_B_SELL_A'] as const
export type LatencyArbAction = (typeof LATENCY_ARB_ACTIONS)[number]

/** Leg order of every position vector: base inventory displaced on each venue, in clips. */
export const LEGS = ['venue_a', 'venue_b'] as const

export function directionOf(action: LatencyArbAction): Direction | 0 {
  return action === 'ARB_BUY_A_SELL_B' ? 1 : action === 'ARB_BUY_B_SELL_A' ? -1 : 0
}

/**
 * What the policy sees at step t: the quotes' features and the book. One object per run,
 * refilled every step (valid for the step it is given to; copy to keep it).
 */
export class LatencyArbObservation {
  t = 0
  regime = 0
  regimeName = ''
  midA = 0
  midB = 0
  /** 1e4·(mid B / mid A − 1). */
  midBasisBps = 0
  /** The signal's gross edge per direction (mid or executable per corrections.signal_basis) less both legs' fees. */
  netEdgeAtoBBps = 0
  netEdgeBtoABps = 0
  readonly thresholdBps: number
  /** Venue A's displaced inventory in clips (executed, transfer pending). */
  inventoryA = 0

  constructor(config: LatencyArbConfig) {
    this.thresholdBps = config.strategy.threshold_bps
  }
}

export const RATIONALES = {
  buyA: 'Venue B rich against A by more than fees + threshold: buy A, sell B.',
  buyB: 'Venue A rich against B by more than fees + threshold: buy B, sell A.',
  hold: 'No cross-venue edge above fees + threshold.'
} as const

const decide = (action: LatencyArbAction, rationale: string): Decision<LatencyArbAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
const DECISIONS = {
  buyA: decide('ARB_BUY_A_SELL_B', RATIONALES.buyA),
  buyB: decide('ARB_BUY_B_SELL_A', RATIONALES.buyB),
  hold: decide('HOLD', RATIONALES.hold)
}

/** Take the better direction when its net edge exceeds the threshold (book ch.1: "take top net edge above threshold"). */
export function baselinePolicy(o: LatencyArbObservation): Decision<LatencyArbAction> {
  const ab = o.netEdgeAtoBBps
  const ba = o.netEdgeBtoABps
  if (ab > o.thresholdBps && ab >= ba) return DECISIONS.buyA
  if (ba > o.thresholdBps) return DECISIONS.buyB
  return DECISIONS.hold
}

/**
 * An arb asks for one more clip displaced in its direction on each venue (A: +d, B: −d) on top
 * of the inventory already displaced; HOLD asks for the book as it is. The desk decides what
 * actually executes (execution.ts).
 */
export function actionToTarget(action: LatencyArbAction, inventoryA: number, out: Float64Array): void {
  const d = directionOf(action)
  out[0] = inventoryA + d
  out[1] = -(inventoryA + d)
}
