import { NETWORK_LINK_AXIS, type Surface, type SurfaceFeature } from '../../engine/kernel'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'

// The terrain at a bar as a network surface (layout 'network'): row i lists asset i's
// short-window correlation with every asset — the correlation heatmap — then its node
// quantities. Rows follow the Ward leaf order of the whole run's correlation, so watersheds
// read as blocks along the diagonal and the order holds while the scrubber moves.

export const NODE_QUANTITIES = ['node hardness', 'fault alerts', 'Ward watershed', 'precision watershed', 'PC1 loading'] as const

export function terrainSurface(m: TerrainMarket, t: number, _config: MarketTerrainConfig): Surface {
  const n = m.n
  const labels = Array.from(m.order, (i) => m.universe.assets.labels[i]!)
  const width = n + NODE_QUANTITIES.length
  const values = new Float64Array(n * width)
  const f = Math.floor(t / m.frameStride) * n * n
  const row = t * n
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
  }
  const finite = (x: number) => (Number.isFinite(x) ? x : 0)
  const features: SurfaceFeature[] = [
    { name: 'eigen hardness', unit: '0–1', description: 'Overlap of the leading eigen-subspaces of the 60- and 240-bar windows', value: finite(m.eigenHardness[t]!) },
    { name: 'edge hardness', unit: '0–1', description: 'Mean over pairs of 1/(1 + σ_ρ/scale)', value: finite(m.edgeHardness[t]!) },
    { name: 'absorption ratio', unit: 'fraction', description: 'Share of variance in the leading eigenvalues', value: finite(m.absorption[t]!) },
    { name: 'effective rank', unit: 'assets', description: 'Participation ratio n²/‖C‖²_F', value: finite(m.effectiveRank[t]!) },
    { name: 'fault alerts', unit: 'pairs', description: 'Pairs more than k σ from their own correlation history', value: m.alertsActive[t]! }
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
