import { describe, expect, it } from 'vitest'
import { incompleteBeta, studentTCdf, studentTQuantile } from './student-t'

// Reference values: SciPy 1.x, `scipy.stats.t.ppf(p, df)`, `scipy.stats.t.cdf(x, df)`,
// `scipy.special.betainc(a, b, x)` (printed with repr in the session that wrote this test).
describe('Student t', () => {
  it.each([
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 4, 2.7764451051977934],
    [0.975, 9, 2.262157162798205],
    [0.975, 19, 2.0930240544083087],
    [0.95, 29, 1.6991270265334972],
    [0.995, 7, 3.4994832973504924],
    [0.6, 3, 0.2766706623326898],
    [0.975, 200, 1.9718962236339088]
  ])('quantile(%d, df %d) matches scipy.stats.t.ppf', (p: number, df: number, expected: number) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 10)
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-expected, 10)
  })

  it.each([
    [2.0, 5, 0.9490302605850708],
    [-1.3, 3, 0.14223375436394853],
    [0.0, 10, 0.5],
    [4.5, 1, 0.9303955127269361]
  ])('cdf(%d, df %d) matches scipy.stats.t.cdf', (x: number, df: number, expected: number) => {
    expect(studentTCdf(x, df)).toBeCloseTo(expected, 12)
  })

  it.each([
    [2.5, 0.5, 0.3, 0.018927124071945658],
    [1, 1, 0.7, 0.7],
    [10, 3, 0.9, 0.889130022255]
  ])('incompleteBeta(%d, %d, %d) matches scipy.special.betainc', (a: number, b: number, x: number, expected: number) => {
    expect(incompleteBeta(a, b, x)).toBeCloseTo(expected, 12)
  })

  it('rejects arguments outside the domain with the value named', () => {
    expect(() => studentTQuantile(1, 3)).toThrow('0 < p < 1 (got 1)')
    expect(() => incompleteBeta(0, 1, 0.5)).toThrow('a, b > 0')
  })
})
