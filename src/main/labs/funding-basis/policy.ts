import type { Decision } from '../../engine/kernel'

// Actions, their legs, and the threshold baseline of the carry trade (notebook 03: "delta-neutral
// carry strategy, threshold sweep").

export const FUNDING_BASIS_ACTIONS = ['FLAT', 'LONG_BASIS', 'SHORT_BASIS'] as const
export type FundingBasisAction = (typeof FUNDING_BASIS_ACTIONS)[number]

/** Leg order of every position vector: [spot, perp], in units of strategy.notional. */
export const LEGS = ['spot', 'perp'] as const

export interface FundingBasisObservation {
  t: number
  regime: number
  regimeName: string
  basisBps: number
  /** (basis − θ) over its calm stationary sd; 0 when that sd is 0. */
  basisZ: number
  predictedFundingBps: number
  lastFundingBps: number
  /** +1 long basis (long spot, short perp), −1 short basis, 0 flat: read off the book. */
  side: -1 | 0 | 1
  entryBps: number
  exitBps: number
}

export const RATIONALES = {
  enterLong: 'Basis above the entry threshold: long spot, short perp to receive funding.',
  enterShort: 'Basis below minus the entry threshold: short spot, long perp to receive funding.',
  hold: 'Basis has not reverted past the exit threshold: keep collecting funding.',
  exit: 'Basis reverted inside the exit threshold: close both legs.',
  idle: 'Basis inside the entry band: the carry does not pay for the round trip.'
} as const

const decide = (action: FundingBasisAction, rationale: string): Decision<FundingBasisAction> => ({ action, rationale, source: 'BASELINE' })

/**
 * Enter in the carry-earning direction when |basis| > entry (shorting the rich perp receives
 * funding when basis > 0); exit once the basis reverts inside ±exit; flip only if it has crossed
 * to the other side's entry level. Hysteresis (exit ≤ entry) keeps the book from churning.
 */
export function baselinePolicy(o: FundingBasisObservation): Decision<FundingBasisAction> {
  const x = o.basisBps
  const enter = (): Decision<FundingBasisAction> | null =>
    x > o.entryBps ? decide('LONG_BASIS', RATIONALES.enterLong) : x < -o.entryBps ? decide('SHORT_BASIS', RATIONALES.enterShort) : null
  if (o.side === 1) return x >= o.exitBps ? decide('LONG_BASIS', RATIONALES.hold) : (enter() ?? decide('FLAT', RATIONALES.exit))
  if (o.side === -1) return x <= -o.exitBps ? decide('SHORT_BASIS', RATIONALES.hold) : (enter() ?? decide('FLAT', RATIONALES.exit))
  return enter() ?? decide('FLAT', RATIONALES.idle)
}

/** LONG_BASIS → [+size, −size]; SHORT_BASIS → [−size, +size]; FLAT → [0, 0]. Delta-neutral by construction. */
export function actionToLegs(action: FundingBasisAction, size: number): Float64Array {
  switch (action) {
    case 'LONG_BASIS':
      return Float64Array.of(size, -size)
    case 'SHORT_BASIS':
      return Float64Array.of(-size, size)
    case 'FLAT':
      return Float64Array.of(0, 0)
  }
}

/** +1 when the book is long basis (short perp), −1 when short basis, 0 when flat. */
export function sideOf(position: ArrayLike<number>): -1 | 0 | 1 {
  const perp = position[1] ?? 0
  return perp < 0 ? 1 : perp > 0 ? -1 : 0
}
