import { describe, expect, it } from 'vitest'
import { resolveLabConfig } from '../../engine/kernel'
import { cascadeLab } from './lab'
import { cascadeMarket, median, type CascadeMarket } from './market'

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
  it('the median sorts as Float64Array.prototype.sort does: −0 before +0, NaN last, ties kept', () => {
    const pick = [0, -0, 1, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-300, 2]
    let seed = 7
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32
    for (const n of [1, 2, 5, 18, 19]) {
      const scratch = new Float64Array(n)
      for (let trial = 0; trial < 400; trial++) {
        const values = Float64Array.from({ length: n + 3 }, () => (next() < 0.5 ? pick[Math.floor(next() * pick.length)]! : next() * 4 - 2))
        const sorted = values.slice(3).sort()
        const mid = n >> 1
        const expected = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
        expect(Object.is(median(values, 3, scratch), expected)).toBe(true)
        expect(Array.from(scratch).every((x, i) => Object.is(x, sorted[i]))).toBe(true)
      }
    }
  })

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
