import { describe, expect, it } from 'vitest'
import { breaches, christoffersen, duEscanciano, kupiec, kupiecFromCount, trafficLight } from './backtests'
import { riskReference as ref } from './reference'
import { cornishFisherMonotone, cornishFisherShape, rollingFhsEwma, rollingHistorical, rollingParametric, type RollingForecast } from './rolling'

const r = Float64Array.from(ref.returns)
const options = { confidence: ref.confidence, window: ref.window }
const p = 1 - ref.confidence

describe('backtests', () => {
  it("Kupiec's LR on a known count: 10 breaches in 250 days at 1 %", () => {
    // −2 ln[(0.99²⁴⁰ 0.01¹⁰) / (0.96²⁴⁰ 0.04¹⁰)], by hand from Kupiec (1995) eq. 4.
    const expected = -2 * (240 * Math.log(0.99) + 10 * Math.log(0.01) - 240 * Math.log(0.96) - 10 * Math.log(0.04))
    const k = kupiecFromCount(10, 250, 0.01)
    expect(k.statistic).toBeCloseTo(expected, 12)
    expect(k.statistic).toBeCloseTo(12.955, 3)
    expect(k.pValue).toBeCloseTo(0.000319, 6)
    expect(kupiecFromCount(0, 250, 0.01).statistic).toBeCloseTo(-2 * 250 * Math.log(0.99), 12)
    expect(kupiecFromCount(2.5, 250, 0.01).statistic).toBe(0)
  })

  it('the Basel traffic light at 99 % over 250 days: green 0–4, yellow 5–9, red from 10', () => {
    expect([0, 4, 5, 9, 10, 14].map((x) => trafficLight(x, 250, 0.01))).toEqual(['green', 'green', 'yellow', 'yellow', 'red', 'red'])
  })

  const cases: Array<[keyof typeof ref & ('historical' | 'parametric' | 'cornishFisher' | 'fhsEwma'), () => RollingForecast]> = [
    ['historical', () => rollingHistorical(r, options)],
    ['parametric', () => rollingParametric(r, options, false)],
    ['cornishFisher', () => rollingParametric(r, options, true)],
    ['fhsEwma', () => rollingFhsEwma(r, options)]
  ]
  it.each(cases)('%s: Kupiec, Christoffersen and Du–Escanciano match the SciPy reference', (name, run) => {
    const f = run()
    const expected = ref[name].backtests
    const hits = breaches(r, f.var, ref.window, r.length)
    const k = kupiec(hits, p)
    expect(k.breaches).toBe(expected.breaches)
    expect(k.statistic).toBeCloseTo(expected.kupiec[0], 10)
    expect(k.pValue).toBeCloseTo(expected.kupiec[1], 12)
    const c = christoffersen(hits, p)
    expect(c.transitions).toEqual(expected.transitions)
    expect(c.independence.statistic).toBeCloseTo(expected.independence[0], 10)
    expect(c.independence.pValue).toBeCloseTo(expected.independence[1], 12)
    expect(c.conditionalCoverage.statistic).toBeCloseTo(expected.conditionalCoverage[0], 10)
    expect(c.conditionalCoverage.pValue).toBeCloseTo(expected.conditionalCoverage[1], 12)
    if (expected.es) {
      const es = duEscanciano(f.pit, ref.window, r.length, p)
      expect(es.statistic).toBeCloseTo(expected.es[0], 10)
      expect(es.pValue).toBeCloseTo(expected.es[1], 12)
    }
  })

  it('Du–Escanciano does not reject uniform PITs and rejects PITs piled in the tail', () => {
    const uniform = Float64Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000)
    expect(duEscanciano(uniform, 0, 1000, 0.025).pValue).toBeGreaterThan(0.5)
    const heavy = uniform.map((u) => (u < 0.1 ? u / 10 : u))
    expect(duEscanciano(heavy, 0, 1000, 0.025).pValue).toBeLessThan(1e-6)
  })

  it('Cornish–Fisher shape: kept inside the domain of validity, shrunk onto its edge outside it', () => {
    expect(cornishFisherShape(-0.3, 1.5)).toEqual([-0.3, 1.5])
    const [s, k] = cornishFisherShape(-5.2, 25)
    expect(cornishFisherMonotone(s, k)).toBe(true)
    expect(cornishFisherMonotone(s * 1.001, k * 1.001)).toBe(false)
    expect(s / -5.2).toBeCloseTo(k / 25, 12)
  })
})
