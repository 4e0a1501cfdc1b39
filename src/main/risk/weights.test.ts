import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hrpWeights } from './hrp'
import { riskReference as ref } from './reference'
import { covariance, fixedWeights, inverseVolWeights, portfolioVariance, riskContributions, riskParityWeights, volTargetWeights } from './weights'

const pods = ref.portfolio.returns.map((r) => Float64Array.from(r))
const n = pods.length
const T = pods[0]!.length
const cov = covariance(pods, 0, T)

const expectAll = (actual: ArrayLike<number>, expected: readonly number[], rel: number): void => {
  expected.forEach((e, i) => expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(rel * Math.abs(e)))
}

describe('portfolio weights against NumPy/SciPy (tools/risk/reference.py)', () => {
  it('covariance equals numpy.cov (ddof 1)', () => expectAll(cov, ref.portfolio.covariance, 1e-12))

  it('inverse volatility', () => expectAll(inverseVolWeights(cov, n), ref.portfolio.inverseVol, 1e-12))

  it('risk parity: the ERC weights of SciPy, each pod carrying 1/n of the risk', () => {
    const w = riskParityWeights(cov, n)
    expectAll(w, ref.portfolio.riskParity, 1e-9)
    for (const rc of riskContributions(w, cov, n)) expect(rc).toBeCloseTo(1 / n, 12)
  })

  it("hierarchical risk parity: scipy's single-linkage tree, order and weights", () => {
    const h = hrpWeights(cov, n)
    expect(h.merges.map((m) => [m.a, m.b, m.size])).toEqual(ref.portfolio.hrpLinkage.map(([a, b, , size]) => [a, b, size]))
    h.merges.forEach((m, k) => expect(m.distance).toBeCloseTo(ref.portfolio.hrpLinkage[k]![2], 12))
    expect(h.order).toEqual(ref.portfolio.hrpOrder)
    expectAll(h.weights, ref.portfolio.hrp, 1e-12)
  })

  it('volatility target scales inverse-vol weights to the target', () => {
    const w = volTargetWeights(cov, n, 0.01)
    expect(Math.sqrt(portfolioVariance(w, cov, n))).toBeCloseTo(0.01, 14)
    const iv = inverseVolWeights(cov, n)
    expect(w[0]! / w[1]!).toBeCloseTo(iv[0]! / iv[1]!, 12)
  })

  it('fixed weights must be one per pod and sum to 1', () => {
    expect(Array.from(fixedWeights([0.5, 0.25, 0.25], 3))).toEqual([0.5, 0.25, 0.25])
    expect(() => fixedWeights([0.5, 0.5], 3)).toThrow('3 pods, 2 weights')
    expect(() => fixedWeights([0.5, 0.25, 0.2], 3)).toThrow('must sum to 1 (got 0.95)')
  })

  it('every scheme gives non-negative weights summing to 1 and risk contributions summing to 1', () => {
    const returns = fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 40, maxLength: 40 })
    fc.assert(
      fc.property(fc.array(returns, { minLength: 2, maxLength: 7 }), (series) => {
        const rs = series.map((s, i) => Float64Array.from(s, (x, t) => x + 1e-3 * Math.sin(t * (i + 1)))) // no flat pod
        const k = rs.length
        const c = covariance(rs, 0, 40)
        for (const w of [inverseVolWeights(c, k), riskParityWeights(c, k), hrpWeights(c, k).weights]) {
          expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
          for (const x of w) expect(x).toBeGreaterThanOrEqual(0)
          expect(riskContributions(w, c, k).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
        }
      }),
      { numRuns: 40, seed: 3 }
    )
  })
})
