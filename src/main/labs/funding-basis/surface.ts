import type { Surface } from '../../engine/kernel'
import type { FundingBasisConfig } from './config'
import { HOURS_PER_YEAR, type FundingBasisMarket } from './market'
import type { FundingBasisObservation } from './policy'

// The tradable surface (the basis term structure implied by the OU model) and the features the
// policy reads off the basis and the funding schedule at a step.

/** Horizons of the basis term structure, in funding intervals (0 = now). */
export const SURFACE_HORIZONS = [0, 1, 3, 9, 21] as const

/** The model-implied expected basis by horizon, E[X_{t+h}] = θ + (X_t − θ)e^{−κ·h·dt} (OU conditional mean). */
export function basisTermStructure(market: FundingBasisMarket, t: number, config: FundingBasisConfig): Surface {
  const mp = config.market_params
  const I = mp.funding_interval_steps
  const hours = config.dt * HOURS_PER_YEAR
  const x = market.basis[t]!
  const values = Float64Array.from(SURFACE_HORIZONS, (k) => mp.basis_mean_bps + (x - mp.basis_mean_bps) * Math.exp(-mp.basis_kappa * k * I * config.dt))
  return {
    name: 'expected perp–spot basis',
    unit: 'bps',
    axes: [{ name: 'horizon', unit: 'hours', labels: SURFACE_HORIZONS.map((k) => `${+(k * I * hours).toFixed(3)}h`), values: SURFACE_HORIZONS.map((k) => k * I * hours) }],
    values
  }
}

/**
 * The basis, its z-score against the calm stationary law, the predicted funding of the running
 * interval and the last funding paid (precomputed per step in the market), into the observation.
 */
export function readBasisFeatures(market: FundingBasisMarket, t: number, o: FundingBasisObservation): void {
  const x = market.basis[t]!
  o.basisBps = x
  o.basisZ = o.basisStationarySd > 0 ? (x - o.basisMeanBps) / o.basisStationarySd : 0
  o.predictedFundingBps = market.predictedFunding[t]!
  o.lastFundingBps = market.lastFundingPaid[t]!
}
