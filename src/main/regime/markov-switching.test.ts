import { describe, expect, it } from 'vitest'
import { fitMarkovSwitching, fromStatsmodelsParams, hamiltonFilter } from './markov-switching'
import reference from './markov-switching.reference.json'

// markov-switching.reference.json: statsmodels' MarkovRegression on a seeded two-regime AR(1)
// series (provenance inside). Its first observation is bar 1 (bar 0 is the lag).

const r = Float64Array.from(reference.r)

describe('Markov-switching regression with the Hamilton filter', () => {
  it('gives statsmodels\' log-likelihood and filtered probabilities at fixed parameters', () => {
    const m = fromStatsmodelsParams(reference.fixed.params)
    const stress = new Float64Array(r.length - 1)
    const ll = hamiltonFilter(m, r, 1, r.length, stress)
    expect(Math.abs(ll - reference.fixed.llf)).toBeLessThan(1e-8 * Math.abs(reference.fixed.llf))
    reference.fixed.filtered.forEach((p, i) => expect(Math.abs(stress[i]! - p)).toBeLessThan(1e-10))
  })

  it('fits by maximum likelihood to statsmodels\' optimum', () => {
    const fit = fitMarkovSwitching(r, 1, r.length, 500, undefined, 2000)
    expect(fit.logLikelihood).toBeGreaterThan(reference.fit.llf - 1e-4)
    const want = fromStatsmodelsParams(reference.fit.params)
    expect(fit.phi).toBeCloseTo(want.phi, 3)
    expect(Math.sqrt(fit.sigma2[0])).toBeCloseTo(Math.sqrt(want.sigma2[0]), 4)
    expect(Math.sqrt(fit.sigma2[1])).toBeCloseTo(Math.sqrt(want.sigma2[1]), 4)
    expect(fit.p00).toBeCloseTo(want.p00, 3)
    expect(fit.p11).toBeCloseTo(want.p11, 2)
  })

  it('labels the simulated regimes from returns up to each bar only', () => {
    const fit = fitMarkovSwitching(r, 1, r.length, 500, undefined, 2000)
    const stress = new Float64Array(r.length - 1)
    hamiltonFilter(fit, r, 1, r.length, stress)
    let right = 0
    stress.forEach((p, i) => (right += (p > 0.5 ? 1 : 0) === reference.states[i + 1] ? 1 : 0))
    expect(right / stress.length).toBeGreaterThan(0.9)
    const changed = r.slice()
    changed.fill(0.2, 500)
    const early = new Float64Array(r.length - 1)
    hamiltonFilter(fit, changed, 1, r.length, early)
    expect(Array.from(early.subarray(0, 498))).toEqual(Array.from(stress.subarray(0, 498)))
  })

  it('gets most of the way by EM alone, and a warm refit moves the likelihood up, never down', () => {
    const em = fitMarkovSwitching(r, 1, r.length, 500)
    expect(em.logLikelihood).toBeGreaterThan(reference.fit.llf - 0.05)
    const short = fitMarkovSwitching(r, 1, 700, 5)
    const warm = fitMarkovSwitching(r, 1, 700, 3, short)
    expect(warm.logLikelihood).toBeGreaterThanOrEqual(short.logLikelihood - 1e-9)
  })

  it('refuses what it cannot fit', () => {
    expect(() => fitMarkovSwitching(r, 0, 100)).toThrow(/bar ≥ 1/)
    expect(() => fitMarkovSwitching(r, 1, 10)).toThrow(/at least 20/)
    expect(() => fitMarkovSwitching(new Float64Array(50), 1, 50)).toThrow(/vary/)
  })
})
