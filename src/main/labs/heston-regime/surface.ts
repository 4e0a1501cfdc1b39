import type { Surface, SurfaceAxis } from '../../engine/kernel'
import type { HestonRegimeMarket } from './market'
import type { HestonRegimeObservation } from './policy'

// The tradable surface (the observable phase space, spec §3.1 / §3.7) and the features the
// policy reads at a step: the classifier's output for bar t − 1 and the book's last bar.

/** Trailing points of the phase-space "worm" the surface carries (spec §3.4: the last 100 days). */
export const WORM_LENGTH = 100
const COORDINATES = ['price', 'momentum', 'variance10'] as const

// The axes are the same at every step: built once.
const AXES: readonly SurfaceAxis[] = Object.freeze([
  Object.freeze({
    name: 'lag',
    unit: 'bars',
    labels: Object.freeze(Array.from({ length: WORM_LENGTH }, (_, k) => `t-${WORM_LENGTH - 1 - k}`)),
    values: Object.freeze(Array.from({ length: WORM_LENGTH }, (_, k) => k - WORM_LENGTH + 1))
  }),
  Object.freeze({ name: 'coordinate', unit: '', labels: COORDINATES })
])

/** spec §3.1 / §3.7: the observable phase space, (P, ΔP, Var10) for bars t − 99 … t (NaN before bar 0). */
export function phaseSpaceSurface(m: HestonRegimeMarket, t: number): Surface {
  const values = new Float64Array(WORM_LENGTH * 3).fill(Number.NaN)
  for (let k = 0; k < WORM_LENGTH; k++) {
    const bar = t - (WORM_LENGTH - 1 - k)
    if (bar >= 0) values.set(m.takens.subarray(bar * 3, bar * 3 + 3), k * 3)
  }
  return { name: 'phase_space', unit: 'price', axes: AXES, values }
}

/**
 * spec §5.6: the regime fields of bar t − 1 (one bar of decision latency; NaN / −1 at t = 0)
 * and the book's return over the bar just marked, position × r_t, into the observation.
 */
export function readRegimeFeatures(m: HestonRegimeMarket, t: number, position: number, startBar: number, o: HestonRegimeObservation): void {
  const prev = t - 1
  o.active = prev >= startBar
  o.pStable = prev >= 0 ? m.inference.pStable[prev]! : Number.NaN
  o.filtered = prev >= 0 ? m.filtered[prev]! : -1
  o.oodDistance = prev >= 0 ? m.inference.oodDistance[prev]! : Number.NaN
  o.oodRadius = prev >= 0 ? m.inference.oodRadius[prev]! : Number.NaN
  o.lastBarReturn = position * m.returns[t]!
}
