import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fitGarch, garchNegLogLik } from './garch'
import { riskReference as ref } from './reference'
import { cornishFisherShape, cornishFisherZ, rollingFhsEwma, rollingFhsGarch, rollingHistorical, rollingMonteCarlo, rollingParametric, standardNormals, type RollingForecast } from './rolling'
import { moments } from './sample'
import { Generator } from '../engine/rng'
import { normQuantile } from './special'

const r = Float64Array.from(ref.returns)
const options = { confidence: ref.confidence, window: ref.window }

function expectSampled(actual: Float64Array, sampled: Array<[number, number]>, rel: number): void {
  for (const [t, expected] of sampled) {
    const err = Math.abs(actual[t]! - expected) / Math.abs(expected)
    if (!(err <= rel)) throw new Error(`day ${t}: ${actual[t]} vs reference ${expected} (relative error ${err.toExponential(2)} > ${rel})`)
  }
}

describe('rolling VaR and ES against NumPy/SciPy (tools/risk/reference.py)', () => {
  it('historical simulation: numpy.quantile (linear) and the mean of returns at or below it', () => {
    const f = rollingHistorical(r, options)
    expectSampled(f.var, ref.historical.var, 1e-12)
    expectSampled(f.es, ref.historical.es, 1e-12)
  })

  it('parametric Gaussian: mean and std (ddof 1) of the window', () => {
    const f = rollingParametric(r, options, false)
    expectSampled(f.var, ref.parametric.var, 1e-12)
    expectSampled(f.es, ref.parametric.es, 1e-12)
  })

  it("Cornish–Fisher: the closed-form ES equals scipy's quadrature of the expanded quantile", () => {
    const f = rollingParametric(r, options, true)
    expectSampled(f.var, ref.cornishFisher.var, 1e-12)
    expectSampled(f.es, ref.cornishFisher.es, 1e-9)
  })

  it('FHS with EWMA volatility (λ 0.94)', () => {
    const f = rollingFhsEwma(r, options)
    expectSampled(f.var, ref.fhsEwma.var, 1e-12)
    expectSampled(f.es, ref.fhsEwma.es, 1e-12)
  })

  it('GARCH(1,1) MLE finds the optimum scipy.optimize finds', () => {
    const g = ref.garchFit
    const fit = fitGarch(r, g.from, g.to)
    expect(fit.converged).toBe(true)
    // The likelihood is flat near its optimum: equal log-likelihoods (1e-7 relative) are the
    // real test; parameters then agree to the surface's flatness, a few 1e-3 relative.
    expect(Math.abs(fit.negLogLik - g.negLogLik) / Math.abs(g.negLogLik)).toBeLessThan(1e-7)
    expect(fit.params.alpha).toBeCloseTo(g.alpha, 3)
    expect(fit.params.beta).toBeCloseTo(g.beta, 3)
    expect(Math.abs(fit.params.omega - g.omega) / g.omega).toBeLessThan(2e-2)
    let sumSq = 0
    for (let i = g.from; i < g.to; i++) sumSq += r[i]! * r[i]!
    expect(garchNegLogLik(r, g.from, g.to, { omega: g.omega, alpha: g.alpha, beta: g.beta }, sumSq / (g.to - g.from))).toBeCloseTo(g.negLogLik, 8)
  })

  it('FHS with rolling GARCH fits (refit every 50 days) within 1e-4 of the reference', () => {
    // Both sides fit by their own optimiser (BFGS here, Nelder–Mead + L-BFGS-B there); their
    // optima agree to ~1e-5 in σ, so VaR and ES do too.
    const f = rollingFhsGarch(r, { ...options, refitEvery: ref.fhsGarch.refitEvery })
    expect(f.path.fits).toBe(ref.fhsGarch.fits.length)
    expectSampled(f.var, ref.fhsGarch.var, 1e-4)
    expectSampled(f.es, ref.fhsGarch.es, 1e-4)
  })

  it('a warm-started rolling refit is never worse than a cold fit of its window, and does not stay on an edge optimum', () => {
    // GARCH(1,1) with Student-t(5) shocks, as bench/risk.ts's pods: 250 fat-tailed days give a
    // multimodal likelihood. With a warm start alone, pod 0 of seed 2026 sat on the β → 0 edge
    // from day 490 to 1,030, −log L up to 7 units (0.5 %) worse than a cold fit of the same window.
    const g = new Generator(2026)
    const x = new Float64Array(1100)
    let v = 1e-6 / 0.02
    for (let t = 0; t < x.length; t++) {
      let chi2 = 0
      for (let k = 0; k < 5; k++) chi2 += g.standardNormal() ** 2
      x[t] = Math.sqrt(v) * g.standardNormal() * Math.sqrt(3 / chi2)
      v = 1e-6 + 0.08 * x[t]! * x[t]! + 0.9 * v
    }
    let previous: ReturnType<typeof fitGarch> | undefined
    let better = 0
    for (let t = 250; t <= x.length; t += 20) {
      const rolling = fitGarch(x, t - 250, t, previous)
      const cold = fitGarch(x, t - 250, t)
      expect(rolling.negLogLik).toBeLessThanOrEqual(cold.negLogLik)
      if (rolling.negLogLik < cold.negLogLik - 0.1) better++
      previous = rolling
    }
    // The warm start earns its cost: the cold fits of days 650–710 stop on a worse optimum (by 0.14–0.21).
    expect(better).toBeGreaterThan(0)
  })

  it('Monte Carlo draws NumPy default_rng(seed).standard_normal bit for bit', () => {
    const mc = ref.monteCarlo
    const eps = standardNormals(mc.scenarios, mc.seed)
    expect(Array.from(eps.subarray(0, 5))).toEqual(mc.first)
    const f = rollingMonteCarlo(r, { ...options, refitEvery: 50, scenarios: mc.scenarios, seed: mc.seed })
    const sigma = Math.sqrt(f.path.variance[r.length]!)
    expect(f.var[r.length]).toBeCloseTo(-sigma * mc.quantile, 14)
    expect(f.es[r.length]).toBeCloseTo(-sigma * mc.tailMean, 14)
  })
})

describe('rolling forecasts', () => {
  const methods: Array<[string, (x: Float64Array) => RollingForecast]> = [
    ['historical', (x) => rollingHistorical(x, { confidence: 0.95, window: 30 })],
    ['parametric', (x) => rollingParametric(x, { confidence: 0.95, window: 30 }, false)],
    ['cornish-fisher', (x) => rollingParametric(x, { confidence: 0.95, window: 30 }, true)],
    ['fhs-ewma', (x) => rollingFhsEwma(x, { confidence: 0.95, window: 30 })],
    ['fhs-garch', (x) => rollingFhsGarch(x, { confidence: 0.95, window: 30, refitEvery: 7 })],
    ['monte-carlo', (x) => rollingMonteCarlo(x, { confidence: 0.95, window: 30, refitEvery: 7, scenarios: 500, seed: 1 })]
  ]
  const returns = fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 60, maxLength: 90 }).map((a) => Float64Array.from(a))

  it.each(methods)('%s: perturbing returns from day t on leaves the forecast for t unchanged (no look-ahead)', (_name, run) => {
    fc.assert(
      fc.property(returns, fc.nat(), fc.double({ min: -0.2, max: 0.2, noNaN: true }), (x, pick, shock) => {
        const t = 30 + (pick % (x.length - 30))
        const before = run(x)
        const y = Float64Array.from(x)
        for (let s = t; s < y.length; s++) y[s] = y[s]! * (1 + shock) + shock / 10
        const after = run(y)
        for (let s = 30; s <= t; s++) {
          expect(after.var[s]).toBe(before.var[s])
          expect(after.es[s]).toBe(before.es[s])
        }
      }),
      { numRuns: 25, seed: 42 }
    )
  })

  it.each(methods)('%s: ES ≥ VaR, and a breach is exactly a PIT below 1 − confidence', (_name, run) => {
    fc.assert(
      fc.property(returns, (x) => {
        const f = run(x)
        for (let t = 30; t < x.length; t++) {
          expect(f.es[t]!).toBeGreaterThanOrEqual(f.var[t]! - 1e-12 * Math.abs(f.var[t]!))
          if (x[t]! < -f.var[t]! - 1e-12) expect(f.pit[t]!).toBeLessThan(0.05)
          if (x[t]! > -f.var[t]! + 1e-12) expect(f.pit[t]!).toBeGreaterThanOrEqual(0.05 - 1e-12)
        }
      }),
      { numRuns: 15, seed: 7 }
    )
  })

  it('cornish-fisher: the sliding power sums give the moments a fresh pass over each window gives (1e-9 relative)', () => {
    // Fat-tailed windows (a lone spike entering and leaving) are where sliding sums lose digits.
    const series = fc.array(fc.oneof(fc.double({ min: -0.02, max: 0.02, noNaN: true }), fc.constantFrom(-0.3, 0.25)), { minLength: 80, maxLength: 160 })
    fc.assert(
      fc.property(series, (a) => {
        const x = Float64Array.from(a)
        const f = rollingParametric(x, { confidence: 0.99, window: 30 }, true)
        for (let t = 30; t <= x.length; t++) {
          const m = moments(x, t - 30, t)
          const [s, k] = cornishFisherShape(m.skew, m.exKurt)
          const z = normQuantile(0.01)
          const expected = -(m.mean + m.std * cornishFisherZ(z, s, k))
          expect(Math.abs(f.var[t]! - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-15)
        }
      }),
      { numRuns: 40, seed: 5 }
    )
  })

  it('rejects a confidence outside (0, 1) and a window longer than the history', () => {
    expect(() => rollingHistorical(r, { confidence: 1, window: 250 })).toThrow('confidence must be in (0, 1) (got 1)')
    expect(() => rollingHistorical(r.subarray(0, 100), { confidence: 0.99, window: 250 })).toThrow('fewer than the window of 250')
  })
})
