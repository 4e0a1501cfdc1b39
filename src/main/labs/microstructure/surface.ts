import type { Surface } from '../../engine/kernel'
import type { MicrostructureMarket } from './market'
import type { MicrostructureObservation } from './policy'

// The tradable surface of the lab is the background book the scenario sets at each step: depth
// by side and level from the touch. The features the strategy observes are read off it.

/** The depth ladder at t: side × level from the touch, in lots (the background book the scenario set). */
export function depthSurface(m: MicrostructureMarket, t: number): Surface {
  const L = m.levels
  const values = new Float64Array(2 * L)
  values.set(m.depthBid.subarray(t * L, (t + 1) * L), 0)
  values.set(m.depthAsk.subarray(t * L, (t + 1) * L), L)
  const labels = Array.from({ length: L }, (_, k) => String(k))
  return {
    name: 'depth',
    unit: 'lots',
    axes: [
      { name: 'side', unit: '', labels: ['bid', 'ask'] },
      { name: 'level', unit: 'ticks from the touch', labels, values: labels.map(Number) }
    ],
    values
  }
}

/** Microprice over the top level at t, in ticks: (bid·askQty + ask·bidQty) / (bidQty + askQty). */
export function touchWeightedMid(m: MicrostructureMarket, t: number, bestBid: number, bestAsk: number): number {
  const bidTop = m.depthBid[t * m.levels]!
  const askTop = m.depthAsk[t * m.levels]!
  return (bestBid * askTop + bestAsk * bidTop) / (bidTop + askTop)
}

/** (Σ bid − Σ ask) / (Σ bid + Σ ask) over the background book's levels at t. */
export function depthImbalance(m: MicrostructureMarket, t: number): number {
  let bids = 0
  let asks = 0
  for (let k = t * m.levels; k < (t + 1) * m.levels; k++) {
    bids += m.depthBid[k]!
    asks += m.depthAsk[k]!
  }
  return (bids - asks) / (bids + asks)
}

/** The touch, the spread, the mid and its momentum over `strategy.window` steps at t, into the observation. */
export function readBookFeatures(m: MicrostructureMarket, t: number, o: MicrostructureObservation): void {
  const w = o.strategy.window
  o.t = t
  o.mid = m.mid[t]!
  o.bestBid = m.bidTick[t]!
  o.bestAsk = m.askTick[t]!
  o.spreadTicks = o.bestAsk - o.bestBid
  o.momentumBps = t >= w ? Math.log(m.mid[t]! / m.mid[t - w]!) * 1e4 : Number.NaN
}
