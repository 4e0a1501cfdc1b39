import { NETWORK_LINK_AXIS, type Surface, type SurfaceFeature } from '../../engine/kernel'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'

// The terrain at a bar as a network surface (layout 'network'): row i lists asset i's
// short-window correlation with every asset — the correlation heatmap — then its node
// quantities. Rows follow the Ward leaf order of the whole run's correlation, so watersheds
// read as blocks along the diagonal and the order holds while the scrubber moves.

export const NODE_QUANTITIES = ['node hardness', 'fault alerts', 'Ward watershed', 'precision watershed', 'PC1 loading', 'predicted net flow', 'One-Way exit (row)', 'One-Way exit share'] as const

export function terrainSurface(m: TerrainMarket, t: number, _config: MarketTerrainConfig): Surface {
  const n = m.n
  const labels = Array.from(m.order, (i) => m.universe.assets.labels[i]!)
  const width = n + NODE_QUANTITIES.length
  const values = new Float64Array(n * width)
  const f = Math.floor(t / m.frameStride) * n * n
  const row = t * n
  // The One-Way exit as a row of this surface (the leaf order), so a view draws the arrow without a lookup.
  const rowOf = new Int32Array(n)
  for (let a = 0; a < n; a++) rowOf[m.order[a]!] = a
  for (let a = 0; a < n; a++) {
    const i = m.order[a]!
    // No self-links: the diagonal (always 1) is left 0 so the network's link sums count other assets only.
    for (let b = 0; b < n; b++) values[a * width + b] = a === b ? 0 : m.frames[f + i * n + m.order[b]!]!
    const q = a * width + n
    values[q] = m.nodeHardness[row + i]!
    values[q + 1] = m.nodeAlerts[row + i]!
    values[q + 2] = m.ward[row + i]!
    values[q + 3] = m.precision[row + i]!
    values[q + 4] = m.pc1[row + i]!
    values[q + 5] = Number.isFinite(m.flow.net[row + i]!) ? m.flow.net[row + i]! : 0
    const exit = m.flow.exit[row + i]!
    values[q + 6] = exit < 0 ? -1 : rowOf[exit]!
    values[q + 7] = m.flow.exitShare[row + i]!
  }
  const st = m.state
  const finite = (x: number) => (Number.isFinite(x) ? x : 0)
  const features: SurfaceFeature[] = [
    { name: 'eigen hardness', unit: '0–1', description: 'Overlap of the leading eigen-subspaces of the 60- and 240-bar windows', value: finite(m.eigenHardness[t]!) },
    { name: 'edge hardness', unit: '0–1', description: 'Mean over pairs of 1/(1 + σ_ρ/scale)', value: finite(m.edgeHardness[t]!) },
    { name: 'absorption ratio', unit: 'fraction', description: 'Share of variance in the leading eigenvalues', value: finite(m.absorption[t]!) },
    { name: 'effective rank', unit: 'assets', description: 'Participation ratio n²/‖C‖²_F', value: finite(m.effectiveRank[t]!) },
    { name: 'fault alerts', unit: 'pairs', description: 'Pairs more than k σ from their own correlation history', value: m.alertsActive[t]! },
    // The phase plane: Kalman state, its one-step forecast and the forecast's 95 % ellipse.
    { name: 'state risk', unit: 'z', description: 'Kalman-filtered risk M_t|t', value: finite(st.state[2 * t]!) },
    { name: 'state momentum', unit: 'z', description: 'Kalman-filtered momentum M_t|t', value: finite(st.state[2 * t + 1]!) },
    { name: 'forecast risk', unit: 'z', description: 'One-step forecast of risk M_t+1|t (what the book is matched to)', value: finite(st.forecast[2 * t]!) },
    { name: 'forecast momentum', unit: 'z', description: 'One-step forecast of momentum M_t+1|t', value: finite(st.forecast[2 * t + 1]!) },
    { name: 'ellipse semi-major', unit: 'z', description: '95 % forecast ellipse: semi-major axis', value: finite(st.ellipse[5 * t + 2]!) },
    { name: 'ellipse semi-minor', unit: 'z', description: '95 % forecast ellipse: semi-minor axis', value: finite(st.ellipse[5 * t + 3]!) },
    { name: 'ellipse angle', unit: 'rad', description: '95 % forecast ellipse: major axis from the risk axis', value: finite(st.ellipse[5 * t + 4]!) },
    { name: 'risk_off boundary', unit: 'z', description: 'Forecast risk above which the state reads risk_off (walk-forward choice)', value: m.walkForward.threshold[t]! },
    { name: 'surprise', unit: 'd²', description: 'Squared Mahalanobis distance of the forecast made here from the state it is scored against', value: finite(st.surprise[t]!) },
    // The gauges.
    { name: 'pressure', unit: 'preset scale', description: 'Pressure index of the trailhead preset (percentile or z)', value: finite(st.pressure[t]!) },
    { name: 'fragility', unit: 'preset scale', description: 'Fragility index of the trailhead preset (percentile or z)', value: finite(st.fragility[t]!) },
    { name: 'trailhead', unit: '0–3', description: '0 no signal, 1 quiet, 2 log (one lit: don’t fire), 3 fire', value: st.trigger[t]! },
    { name: 'One-Way confidence', unit: 'share', description: 'Top exit’s share of the capital leaving the falling assets', value: finite(m.flow.oneWay[t]!) }
  ]
  return {
    name: 'Correlation terrain: short-window correlation, hardness and watersheds',
    unit: 'correlation',
    axes: [
      { name: 'asset', unit: '', labels },
      { name: NETWORK_LINK_AXIS, unit: 'correlation with asset, then node quantities', labels: [...labels, ...NODE_QUANTITIES] }
    ],
    values,
    features
  }
}
