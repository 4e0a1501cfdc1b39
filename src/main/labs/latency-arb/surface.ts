import type { Surface } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import type { LatencyArbPath } from './market'
import type { LatencyArbObservation } from './policy'

// The tradable surface: each venue's bid and ask at a step, mid·(1 ∓ h/1e4), and the edges
// read off it. The per-step readers (buyPrice, sellPrice, edgeBps, readQuoteFeatures) allocate
// nothing; the grid (quoteSurface) is drawn on request.

/** +1: buy A, sell B; −1: buy B, sell A. */
export type Direction = 1 | -1

export interface Quotes {
  bidA: number
  askA: number
  bidB: number
  askB: number
}

/** Touch prices: mid·(1 ∓ h/1e4). */
export function quotesAt(m: LatencyArbPath, t: number): Quotes {
  const a = m.midA[t]!
  const b = m.midB[t]!
  const ha = m.halfSpreadA[t]! / 1e4
  const hb = m.halfSpreadB[t]! / 1e4
  return { bidA: a * (1 - ha), askA: a * (1 + ha), bidB: b * (1 - hb), askB: b * (1 + hb) }
}

/** The price paid on the buy leg at t: A's ask for +1, B's ask for −1. */
export function buyPrice(m: LatencyArbPath, t: number, direction: Direction): number {
  return direction === 1 ? m.midA[t]! * (1 + m.halfSpreadA[t]! / 1e4) : m.midB[t]! * (1 + m.halfSpreadB[t]! / 1e4)
}

/** The price received on the sell leg at t: B's bid for +1, A's bid for −1. */
export function sellPrice(m: LatencyArbPath, t: number, direction: Direction): number {
  return direction === 1 ? m.midB[t]! * (1 - m.halfSpreadB[t]! / 1e4) : m.midA[t]! * (1 - m.halfSpreadA[t]! / 1e4)
}

/** The price paid on the buy leg and received on the sell leg at t. */
export function legPrices(m: LatencyArbPath, t: number, direction: Direction): { buy: number; sell: number } {
  return { buy: buyPrice(m, t, direction), sell: sellPrice(m, t, direction) }
}

/**
 * The gross edge in bps that the signal sees for a direction: executable = sell bid / buy ask − 1;
 * mid = rich mid / cheap mid − 1 (the faithful cross-venue basis, half-spreads ignored).
 */
export function edgeBps(m: LatencyArbPath, t: number, direction: Direction, basis: 'mid' | 'executable'): number {
  if (basis === 'mid') return direction === 1 ? 1e4 * (m.midB[t]! / m.midA[t]! - 1) : 1e4 * (m.midA[t]! / m.midB[t]! - 1)
  return 1e4 * (sellPrice(m, t, direction) / buyPrice(m, t, direction) - 1)
}

/** The venue × side quote grid at t. */
export function quoteSurface(m: LatencyArbPath, t: number): Surface {
  const q = quotesAt(m, t)
  return {
    name: 'venue quotes',
    unit: 'price',
    axes: [
      { name: 'venue', unit: 'venue', labels: ['A', 'B'] },
      { name: 'side', unit: 'side', labels: ['bid', 'ask'] }
    ],
    values: Float64Array.of(q.bidA, q.askA, q.bidB, q.askB)
  }
}

/** The mids, the mid basis and each direction's net edge (the signal's gross edge less both legs' taker fees), into the observation. */
export function readQuoteFeatures(m: LatencyArbPath, t: number, config: LatencyArbConfig, o: LatencyArbObservation): void {
  const fees = config.fees.venue_a_bps + config.fees.venue_b_bps
  const basis = config.corrections.signal_basis
  o.midA = m.midA[t]!
  o.midB = m.midB[t]!
  o.midBasisBps = 1e4 * (m.midB[t]! / m.midA[t]! - 1)
  o.netEdgeAtoBBps = edgeBps(m, t, 1, basis) - fees
  o.netEdgeBtoABps = edgeBps(m, t, -1, basis) - fees
}
