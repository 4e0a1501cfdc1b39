import type { Decision } from '../../engine/kernel'
import type { Direction } from './market'

// Actions and the threshold baseline (notebook 04: "cross-venue basis … threshold sensitivity").

export const LATENCY_ARB_ACTIONS = ['HOLD', 'ARB_BUY_A_SELL_B', 'ARB_BUY_B_SELL_A'] as const
export type LatencyArbAction = (typeof LATENCY_ARB_ACTIONS)[number]

/** Leg order of every position vector: base inventory displaced on each venue, in clips. */
export const LEGS = ['venue_a', 'venue_b'] as const

export function directionOf(action: LatencyArbAction): Direction | 0 {
  return action === 'ARB_BUY_A_SELL_B' ? 1 : action === 'ARB_BUY_B_SELL_A' ? -1 : 0
}

export interface LatencyArbObservation {
  t: number
  regime: number
  regimeName: string
  midA: number
  midB: number
  /** 1e4·(mid B / mid A − 1). */
  midBasisBps: number
  /** The signal's gross edge per direction (mid or executable per corrections.signal_basis) less both legs' fees. */
  netEdgeAtoBBps: number
  netEdgeBtoABps: number
  thresholdBps: number
  /** Venue A's displaced inventory in clips (executed, transfer pending). */
  inventoryA: number
}

export const RATIONALES = {
  buyA: 'Venue B rich against A by more than fees + threshold: buy A, sell B.',
  buyB: 'Venue A rich against B by more than fees + threshold: buy B, sell A.',
  hold: 'No cross-venue edge above fees + threshold.'
} as const

const decide = (action: LatencyArbAction, rationale: string): Decision<LatencyArbAction> => ({ action, rationale, source: 'BASELINE' })

/** Take the better direction when its net edge exceeds the threshold (book ch.1: "take top net edge above threshold"). */
export function baselinePolicy(o: LatencyArbObservation): Decision<LatencyArbAction> {
  const ab = o.netEdgeAtoBBps
  const ba = o.netEdgeBtoABps
  if (ab > o.thresholdBps && ab >= ba) return decide('ARB_BUY_A_SELL_B', RATIONALES.buyA)
  if (ba > o.thresholdBps) return decide('ARB_BUY_B_SELL_A', RATIONALES.buyB)
  return decide('HOLD', RATIONALES.hold)
}
