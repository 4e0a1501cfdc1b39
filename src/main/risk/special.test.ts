import { describe, expect, it } from 'vitest'
import { riskReference as ref } from './reference'
import { binomialCdf, chiSquareSf, normCdf, normQuantile } from './special'

const relClose = (actual: number, expected: number, rel: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300)
}

describe('special functions against SciPy', () => {
  it('normCdf matches scipy.special.ndtr to a few ulps, deep tails included', () => {
    for (const [x, expected] of ref.special.normCdf) relClose(normCdf(x), expected, 4e-16)
  })

  it('normQuantile (AS241) matches scipy.special.ndtri to 1e-15 relative from 1e-300 to 1 − 1e-10', () => {
    for (const [p, expected] of ref.special.normQuantile) relClose(normQuantile(p), expected, 1e-15)
  })

  it('normQuantile inverts normCdf', () => {
    for (const p of [1e-12, 0.001, 0.01, 0.2, 0.5, 0.9, 0.999]) relClose(normCdf(normQuantile(p)), p, 1e-14)
    expect(normQuantile(0)).toBe(-Infinity)
    expect(normQuantile(1)).toBe(Infinity)
    expect(normQuantile(1.5)).toBeNaN()
  })

  it('chiSquareSf matches scipy.stats.chi2.sf for 1, 2, 3 and 7 degrees of freedom', () => {
    for (const [x, df, expected] of ref.special.chiSquareSf) relClose(chiSquareSf(x, df), expected, 1e-13)
    // The 5 % and 1 % critical values of χ²(1) (any statistics table).
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 15)
    expect(chiSquareSf(6.634896601021214, 1)).toBeCloseTo(0.01, 15)
  })

  it('binomialCdf matches scipy.stats.binom.cdf over the Basel range', () => {
    for (const [k, n, p, expected] of ref.special.binomialCdf) relClose(binomialCdf(k, n, p), expected, 1e-13)
  })
})
