import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { cascadeLab } from './lab'
import { cascadeMarket, type CascadeMarket } from './market'

// The market sums W @ distress over W's non-zero links only (a zero link adds +0); these pin that
// shortcut to the dense sum, term by term in k order, NaN distress included.

const faithful = (overrides: Record<string, unknown> = {}) => resolveLabConfig(cascadeLab, 'faithful', overrides)

/** Steps whose contagion differs (Object.is) from α · Σ_k W[i, k] · distress[t − 1, k], dense. */
function denseMismatches(m: CascadeMarket, alpha: number): number[] {
  const { N, W } = m
  const bad: number[] = []
  for (let t = 0; t < m.T; t++) {
    for (let i = 0; i < N; i++) {
      let c = 0
      for (let k = 0; k < N; k++) c += W[i * N + k]! * (t === 0 ? 0 : m.distress[(t - 1) * N + k]!)
      if (!Object.is(m.contagion[t * N + i], alpha * c)) bad.push(t)
    }
  }
  return bad
}

describe('cascade market', () => {
  it('contagion is α · (W @ distress of the last step), summed densely in k order', () => {
    const config = faithful({ T: 400, seed: 3 })
    const m = cascadeMarket(config)
    expect(Array.from(m.W).filter((w) => w === 0).length).toBeGreaterThan(m.N) // the graph is sparse
    expect(denseMismatches(m, config.market_params.contagion_alpha)).toEqual([])
  })

  it('a NaN distress spreads along every row, zero links included, as 0 · NaN does in the dense sum', () => {
    // a return so large that equity overflows: the median buffer becomes ∞/∞ and distress NaN;
    // a ring of exposures with institution 0 exposed to no one, whose row has no link at all
    const N = 18
    const exposures = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i > 0 && j === (i + 1) % N ? 0.1 : 0)))
    const config = faithful({ T: 40, 'market_params.base_vol': 1e308, 'market_params.exposures': exposures })
    const m = cascadeMarket(config)
    expect(Array.from(m.distress).some(Number.isNaN)).toBe(true)
    expect(Array.from(m.contagion.subarray((m.T - 1) * N, m.T * N)).every(Number.isNaN)).toBe(true)
    expect(denseMismatches(m, config.market_params.contagion_alpha)).toEqual([])
  })
})
