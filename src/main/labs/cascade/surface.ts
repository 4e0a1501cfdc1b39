import { NETWORK_LINK_AXIS, type Surface } from '../../engine/kernel'
import type { CascadeConfig } from './config'
import type { CascadeMarket } from './market'

// The chapter's "cascade surface" (book ch.10 §6.1; notebook cell 16): the exposure graph W, the
// distress vector and the institutions' balance sheets at a step, as a network surface (layout
// 'network': row i lists i's exposures to every institution, then i's own quantities).

/** The node quantities after the exposures, in order; the first colours the node, the second sizes it. */
export const NODE_QUANTITIES = ['distress', 'equity', 'leverage', 'risky holdings', 'forced sale', 'contagion'] as const

export const institutionLabels = (n: number): string[] => Array.from({ length: n }, (_, i) => `I${String(i + 1).padStart(2, '0')}`)

/** The network at step t (after the system step at t): W, then distress, equity, leverage, holdings, forced sale, contagion. */
export function cascadeSurface(m: CascadeMarket, t: number, _config: CascadeConfig): Surface {
  const N = m.N
  const labels = institutionLabels(N)
  const width = N + NODE_QUANTITIES.length
  const values = new Float64Array(N * width)
  const columns = [m.distress, m.equity, m.leverage, m.risk, m.forcedSale, m.contagion]
  for (let i = 0; i < N; i++) {
    values.set(m.W.subarray(i * N, (i + 1) * N), i * width)
    for (let q = 0; q < columns.length; q++) values[i * width + N + q] = columns[q]![t * N + i]!
  }
  return {
    name: 'Institution network: exposures W and balance sheets',
    unit: 'exposure share (row-normalised W)',
    axes: [
      { name: 'institution', unit: '', labels },
      { name: NETWORK_LINK_AXIS, unit: 'exposure to institution, then node quantities', labels: [...labels, ...NODE_QUANTITIES] }
    ],
    values
  }
}
