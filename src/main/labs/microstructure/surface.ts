import type { Surface } from '../../engine/kernel'
import { ScenarioStream, type MicrostructureMarket } from './market'
import type { MicrostructureObservation } from './policy'

// The tradable surface of the lab is the background book the scenario sets at each step: depth
// by side and level from the touch. The features the strategy observes are read off it.

/**
 * The depth ladder at t: side × level from the touch, in lots (the background book the scenario
 * set). Read through the market's own surface window, which moves forward as t does (the UI asks
 * for increasing t) and starts again from point 0 to go back past what it holds.
 */
export function depthSurface(m: MicrostructureMarket, t: number): Surface {
  if (m.browse === null || t < m.browse.oldest()) m.browse = ScenarioStream.simulate(m.config)
  const s = m.browse
  s.ensure(t)
  const L = s.levels
  const off = (t & s.mask) * L
  const values = new Float64Array(2 * L)
  values.set(s.depthBid.subarray(off, off + L), 0)
  values.set(s.depthAsk.subarray(off, off + L), L)
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
export function touchWeightedMid(s: ScenarioStream, t: number, bestBid: number, bestAsk: number): number {
  const off = (t & s.mask) * s.levels
  const bidTop = s.depthBid[off]!
  const askTop = s.depthAsk[off]!
  return (bestBid * askTop + bestAsk * bidTop) / (bidTop + askTop)
}

/** (Σ bid − Σ ask) / (Σ bid + Σ ask) over the background book's levels at t. */
export function depthImbalance(s: ScenarioStream, t: number): number {
  const off = (t & s.mask) * s.levels
  let bids = 0
  let asks = 0
  for (let k = off; k < off + s.levels; k++) {
    bids += s.depthBid[k]!
    asks += s.depthAsk[k]!
  }
  return (bids - asks) / (bids + asks)
}

/** The touch, the spread, the mid and its momentum over `strategy.window` steps at t, into the observation. */
export function readBookFeatures(s: ScenarioStream, t: number, o: MicrostructureObservation): void {
  const w = o.strategy.window
  const slot = t & s.mask
  const mid = s.mid[t & s.midMask]!
  o.t = t
  o.mid = mid
  o.bestBid = s.bidTick[slot]!
  o.bestAsk = s.askTick[slot]!
  o.spreadTicks = o.bestAsk - o.bestBid
  o.momentumBps = t >= w ? Math.log(mid / s.mid[(t - w) & s.midMask]!) * 1e4 : Number.NaN
}
