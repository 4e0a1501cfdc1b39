import type { Rng } from '../../../engine/rng'
import type { Features } from './features'

// Held-out test data for the grouping methods: a 2-regime Markov-switching Gaussian series with
// known labels. Not a market model — the universe simulator is — just a case with a known truth.

export interface SwitchingSpec {
  T: number
  F: number
  /** P(stay) for regime 0 and regime 1 per bar. */
  pStay: readonly [number, number]
  /** Distance between the regime means, per feature, in regime-0 standard deviations. */
  separation: number
  /** Standard deviation in regime 1 relative to regime 0 (stress is wider). */
  volRatio: number
}

export const DEFAULT_SWITCHING: SwitchingSpec = {
  T: 2520,
  F: 6,
  // The seed's durations at a daily step (spec §2): risk-on ~21 months, risk-off ~9 months.
  pStay: [1 - 1 / (21 * 21), 1 - 1 / (9 * 21)],
  separation: 1,
  volRatio: 1.5
}

export interface SwitchingSeries {
  features: Features
  labels: Int32Array
}

/** Starts in regime 0; regime 0 has mean −separation/2, regime 1 +separation/2 on every feature. */
export function twoRegimeSeries(rng: Rng, spec: Partial<SwitchingSpec> = {}): SwitchingSeries {
  const s = { ...DEFAULT_SWITCHING, ...spec }
  if (!Number.isInteger(s.T) || s.T < 2) throw new RangeError(`T must be an integer ≥ 2 (got ${s.T})`)
  if (!Number.isInteger(s.F) || s.F < 1) throw new RangeError(`F must be a positive integer (got ${s.F})`)
  for (const p of s.pStay) if (!(p >= 0 && p <= 1)) throw new RangeError(`pStay must lie in [0, 1] (got ${p})`)
  if (!(s.volRatio > 0)) throw new RangeError(`volRatio must be > 0 (got ${s.volRatio})`)
  const x = new Float64Array(s.T * s.F)
  const labels = new Int32Array(s.T)
  let regime = 0
  for (let t = 0; t < s.T; t++) {
    if (t > 0 && rng.nextDouble() >= s.pStay[regime as 0 | 1]) regime = 1 - regime
    labels[t] = regime
    const mu = regime === 0 ? -s.separation / 2 : s.separation / 2
    const sd = regime === 0 ? 1 : s.volRatio
    for (let c = 0; c < s.F; c++) x[t * s.F + c] = mu + sd * rng.standardNormal()
  }
  return { features: { x, T: s.T, F: s.F }, labels }
}
