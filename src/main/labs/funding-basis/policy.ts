import type { Decision } from '../../engine/kernel'
import type { FundingBasisConfig } from './config'
import { ouCoefficients } from './market'

// Actions, their legs, and the threshold baseline of the carry trade (notebook 03: "delta-neutral
// carry strategy, threshold sweep").

export const FUNDING_BASIS_ACTIONS = ['FLAT', 'LONG_BASIS', 'SHORT_BASIS'] as const
export type FundingBasisAction = (typeof FUNDING_BASIS_ACTIONS)[number]

/** Leg order of every position vector: [spot, perp], in units of strategy.notional. */
export const LEGS = ['spot', 'perp'] as const

/**
 * What the policy sees at step t: the basis, the funding schedule and the book's side. One
 * object per run, refilled every step (valid for the step it is given to; copy to keep it).
 */
export class FundingBasisObservation {
  t = 0
  regime = 0
  regimeName = ''
  basisBps = 0
  /** (basis − θ) over its calm stationary sd; 0 when that sd is 0. */
  basisZ = 0
  predictedFundingBps = 0
  lastFundingBps = 0
  /** +1 long basis (long spot, short perp), −1 short basis, 0 flat: read off the book. */
  side: -1 | 0 | 1 = 0
  /** The baseline's thresholds from strategy, so the rule needs nothing but the observation. */
  readonly entryBps: number
  readonly exitBps: number
  /** θ and the calm stationary sd σ_calm/√(2κ) the z-score uses (0 when κ = 0: a random walk has none). */
  readonly basisMeanBps: number
  readonly basisStationarySd: number

  constructor(config: FundingBasisConfig) {
    const mp = config.market_params
    this.entryBps = config.strategy.entry_threshold_bps
    this.exitBps = config.strategy.exit_threshold_bps
    this.basisMeanBps = mp.basis_mean_bps
    this.basisStationarySd = mp.basis_sigma_calm_bps * ouCoefficients(mp.basis_kappa, config.dt).stationaryScale
  }
}

export const RATIONALES = {
  enterLong: 'Basis above the entry threshold: long spot, short perp to receive funding.',
  enterShort: 'Basis below minus the entry threshold: short spot, long perp to receive funding.',
  hold: 'Basis has not reverted past the exit threshold: keep collecting funding.',
  exit: 'Basis reverted inside the exit threshold: close both legs.',
  idle: 'Basis inside the entry band: the carry does not pay for the round trip.'
} as const

const decide = (action: FundingBasisAction, rationale: string): Decision<FundingBasisAction> => Object.freeze({ action, rationale, source: 'BASELINE' })
const DECISIONS = {
  enterLong: decide('LONG_BASIS', RATIONALES.enterLong),
  enterShort: decide('SHORT_BASIS', RATIONALES.enterShort),
  holdLong: decide('LONG_BASIS', RATIONALES.hold),
  holdShort: decide('SHORT_BASIS', RATIONALES.hold),
  exit: decide('FLAT', RATIONALES.exit),
  idle: decide('FLAT', RATIONALES.idle)
}

/** Entry in the carry-earning direction when |basis| > entry, else `otherwise`. */
function enterOr(o: FundingBasisObservation, otherwise: Decision<FundingBasisAction>): Decision<FundingBasisAction> {
  const x = o.basisBps
  return x > o.entryBps ? DECISIONS.enterLong : x < -o.entryBps ? DECISIONS.enterShort : otherwise
}

/**
 * Enter in the carry-earning direction when |basis| > entry (shorting the rich perp receives
 * funding when basis > 0); exit once the basis reverts inside ±exit; flip only if it has crossed
 * to the other side's entry level. Hysteresis (exit ≤ entry) keeps the book from churning.
 */
export function baselinePolicy(o: FundingBasisObservation): Decision<FundingBasisAction> {
  const x = o.basisBps
  if (o.side === 1) return x >= o.exitBps ? DECISIONS.holdLong : enterOr(o, DECISIONS.exit)
  if (o.side === -1) return x <= -o.exitBps ? DECISIONS.holdShort : enterOr(o, DECISIONS.exit)
  return enterOr(o, DECISIONS.idle)
}

/** LONG_BASIS → [+size, −size]; SHORT_BASIS → [−size, +size]; FLAT → [0, 0], into out. Delta-neutral by construction. */
export function actionToTarget(action: FundingBasisAction, size: number, out: Float64Array): void {
  switch (action) {
    case 'LONG_BASIS':
      out[0] = size
      out[1] = -size
      return
    case 'SHORT_BASIS':
      out[0] = -size
      out[1] = size
      return
    case 'FLAT':
      out[0] = 0
      out[1] = 0
      return
  }
}

/** +1 when the book is short perp (long basis), −1 when long perp (short basis), 0 when flat. */
export function sideOfPerp(perp: number): -1 | 0 | 1 {
  return perp < 0 ? 1 : perp > 0 ? -1 : 0
}

/** +1 when the book is long basis (short perp), −1 when short basis, 0 when flat. */
export function sideOf(position: ArrayLike<number>): -1 | 0 | 1 {
  return sideOfPerp(position[1] ?? 0)
}
