import type { Surface } from '../../engine/kernel'
import { VENUES, type CryptoArbConfig } from './config'
import type { CryptoMarket } from './market'
import { ASSETS, NA, NM, NV } from './price-engine'
import { replayTo } from './replay'

// The venue × asset grid at a session step (book ch.1 L1082–1090; notebook CELL 3's market_data):
// each venue's mid against the consensus (true) price in bps — the dislocations the scanner reads —
// with the scanner's opportunity count and best net spread as features (CELL 9's opportunity flow).

export function venueSurface(m: CryptoMarket, t: number, _config: CryptoArbConfig): Surface {
  // a market no loop has run (the explorer simulates one from the config for its views) replays
  // the run's loop up to t, trades included, so the frame is the one the run saw; a market the
  // kernel is running is read as far as it has gone
  replayTo(m, t)
  const n = Math.max(0, Math.min(t, m.sessionStep))
  const values = new Float64Array(NM)
  for (let k = 0; k < NM; k++) {
    const a = k % NA
    values[k] = (m.midPath[n * NM + k]! / m.truePath[n * NA + a]! - 1) * 10000
  }
  return {
    name: 'Venue quotes against the consensus price',
    unit: 'bps (mid / true − 1)',
    axes: [
      { name: 'venue', unit: '', labels: [...VENUES] },
      { name: 'asset', unit: '', labels: [...ASSETS] }
    ],
    values,
    features: [
      { name: 'opportunities', unit: 'count', description: 'Opportunities the scanner keeps (net ≥ 0.5 bps after fees, slippage, withdrawal and latency)', value: m.oppCount[n] ?? 0 },
      { name: 'best net spread', unit: 'bps', description: 'Net spread of the top-ranked opportunity (0 when none)', value: m.bestNet[n] ?? 0 },
      { name: 'venues down', unit: 'count', description: 'Venues out for the whole tick (scenario venue_downtime; their quotes are not tradable)', value: venuesDown(m, n) }
    ]
  }
}

function venuesDown(m: CryptoMarket, n: number): number {
  let down = 0
  for (let v = 0; v < NV; v++) down += m.venueUp[n * NV + v] === 0 ? 1 : 0
  return down
}
