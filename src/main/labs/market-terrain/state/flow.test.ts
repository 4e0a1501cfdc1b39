import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { conductance, grounding, oneWayMap, stressFlow } from './flow'

// NumPy reference: tools/market-terrain/reference.py (np.linalg.solve on the grounded Laplacian).
interface Fixture {
  flow: {
    corr: number[]
    hardness: number[]
    liquidity: number[]
    gamma: number
    conductance: number[]
    flows: Array<{ source: number; potential: number[]; absorbed: number[]; edge_out: number[] }>
  }
}
const fx = (JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'reference.json'), 'utf8')) as Fixture).flow

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `index ${i}`).toBeLessThanOrEqual(tol)
}

describe('flow predictor on the correlation graph', () => {
  it('conductance by hand: |ρ| · sqrt(h_i h_j) · min(l_i, l_j), zero diagonal', () => {
    const G = conductance({ corr: Float64Array.from([1, -0.5, -0.5, 1]), hardness: Float64Array.from([1, 0.25]), liquidity: Float64Array.from([2, 3]) })
    expect(Array.from(G)).toEqual([0, 0.5 * 0.5 * 2, 0.5 * 0.5 * 2, 0])
    // 'positive' drops the negative edge; an N × N hardness is used as given.
    expect(Array.from(conductance({ corr: Float64Array.from([1, -0.5, -0.5, 1]), hardness: Float64Array.from([1, 0.25]), liquidity: Float64Array.from([2, 3]), sign: 'positive' }))).toEqual([0, 0, 0, 0])
    expect(Array.from(conductance({ corr: Float64Array.from([1, 0.4, 0.4, 1]), hardness: Float64Array.from([0, 0.5, 0.5, 0]), liquidity: Float64Array.from([1, 1]) }))).toEqual([0, 0.2, 0.2, 0])
  })

  it('hand case: a path a–b–c, unit edges and groundings; a breaks and sends 2/3 to b, 1/3 to c', () => {
    // (L + diag(0, 1, 1)) v = e_a ⇒ v = (5/3, 2/3, 1/3); absorbed = g·v = (0, 2/3, 1/3).
    const G = Float64Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0])
    const f = stressFlow(G, Float64Array.from([1, 1, 1]), 0)
    close(f.potential, [5 / 3, 2 / 3, 1 / 3], 1e-15)
    close(f.absorbed, [0, 2 / 3, 1 / 3], 1e-15)
    close(f.edgeOut, [0, 1, 0], 1e-15)
    const map = oneWayMap(G, Float64Array.from([1, 1, 1]))
    // a and c both exit through b; b splits evenly (1/2 each way, a tie up to rounding).
    expect([map.exit[0], map.exit[2]]).toEqual([1, 1])
    expect(map.share[0]).toBeCloseTo(2 / 3, 14)
    expect(map.share[1]).toBeCloseTo(1 / 2, 14)
    expect(map.shares[1 * 3 + 0]).toBeCloseTo(1 / 2, 14)
  })

  it('matches the NumPy reference on a 5-asset graph, for every stressed node', () => {
    const G = conductance({ corr: Float64Array.from(fx.corr), hardness: Float64Array.from(fx.hardness), liquidity: Float64Array.from(fx.liquidity) })
    close(G, fx.conductance, 1e-15)
    const g = grounding(Float64Array.from(fx.liquidity), fx.gamma)
    const map = oneWayMap(G, g)
    for (const ref of fx.flows) {
      const f = stressFlow(G, g, ref.source)
      close(f.potential, ref.potential, 1e-12)
      close(f.absorbed, ref.absorbed, 1e-12)
      close(f.edgeOut, ref.edge_out, 1e-12)
      // The one-factorisation map (Sherman–Morrison) gives the same shares as a solve per source.
      close(map.shares.subarray(ref.source * 5, ref.source * 5 + 5), ref.absorbed, 1e-12)
      const top = ref.absorbed.indexOf(Math.max(...ref.absorbed))
      expect(map.exit[ref.source]).toBe(top)
    }
  })

  it('capital is conserved: absorbed and edge currents out of the source each sum to 1 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 1_000_000 }), (N, seed) => {
        // A random dense graph (seeded LCG, no Math.random) with positive liquidity.
        let s = seed
        const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
        const corr = new Float64Array(N * N)
        for (let i = 0; i < N; i++) {
          corr[i * N + i] = 1
          for (let j = i + 1; j < N; j++) corr[i * N + j] = corr[j * N + i] = 2 * next() - 1
        }
        const liquidity = Float64Array.from({ length: N }, () => 0.1 + next())
        const G = conductance({ corr, hardness: Float64Array.from({ length: N }, () => 0.05 + next()), liquidity })
        const g = grounding(liquidity, 0.5)
        for (let src = 0; src < N; src++) {
          const f = stressFlow(G, g, src)
          const absorbed = f.absorbed.reduce((a, b) => a + b, 0)
          const out = f.edgeOut.reduce((a, b) => a + b, 0)
          if (Math.abs(absorbed - 1) > 1e-9 || Math.abs(out - 1) > 1e-9 || f.absorbed.some((a) => a < -1e-12)) return false
        }
        return true
      }),
      { numRuns: 80, seed: 4 }
    )
  })

  it('an isolated asset has no exit; a graph without grounding elsewhere is refused with a clear error', () => {
    const G = Float64Array.from([0, 1, 0, 1, 0, 0, 0, 0, 0])
    const map = oneWayMap(G, Float64Array.from([1, 1, 1]))
    expect(map.exit[2]).toBe(-1)
    expect(map.edgeExit[2]).toBe(-1)
    expect(map.exit[0]).toBe(1)
    expect(() => stressFlow(Float64Array.from([0, 1, 1, 0]), Float64Array.from([1, 0]), 0)).toThrow('flow system is singular at node 1')
  })

  it('bad input gets a one-line error naming the field', () => {
    expect(() => conductance({ corr: new Float64Array(3), hardness: new Float64Array(1), liquidity: new Float64Array(1) })).toThrow('corr must be N × N with N ≥ 2 (got 3 values)')
    expect(() => conductance({ corr: Float64Array.from([1, 0.2, 0.3, 1]), hardness: Float64Array.from([1, 1]), liquidity: Float64Array.from([1, 1]) })).toThrow('corr must be symmetric')
    expect(() => conductance({ corr: Float64Array.from([1, 0.2, 0.2, 1]), hardness: Float64Array.from([1, 1, 1]), liquidity: Float64Array.from([1, 1]) })).toThrow('hardness must have N = 2 or N × N = 4 values (got 3)')
    expect(() => grounding(Float64Array.from([1]), 0)).toThrow('gamma must be a finite number > 0 (got 0)')
  })
})
