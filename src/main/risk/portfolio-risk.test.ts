import { describe, expect, it } from 'vitest'
import { DEFAULT_RISK_OPTIONS, portfolioRisk, RISK_METHODS } from './portfolio-risk'
import { riskReference as ref } from './reference'
import { rollingHistorical } from './rolling'

const pods = ref.portfolio.returns.map((r) => Float64Array.from(r))
const base = { ...DEFAULT_RISK_OPTIONS, window: 150, scenarios: 2000 }

describe('portfolio risk', () => {
  it("holds today's weights over the history: the portfolio's historical VaR is that of the weighted returns", () => {
    const risk = portfolioRisk(pods, { ...base, scheme: 'fixed', fixed: [0.5, 0.1, 0.1, 0.1, 0.1, 0.1] })
    const r = Float64Array.from(pods[0]!, (_, t) => pods.reduce((s, p, i) => s + [0.5, 0.1, 0.1, 0.1, 0.1, 0.1][i]! * p[t]!, 0))
    expect(risk.methods.historical.var).toBeCloseTo(rollingHistorical(r, base).var[r.length]!, 15)
    expect(risk.totalReturn.portfolio).toBeCloseTo(r.reduce((g, x) => g * (1 + x), 1) - 1, 12)
    expect(risk.riskContributions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
  })

  it('scales the one-step figures by √h beyond one step, except Monte Carlo, which simulates the paths', () => {
    const one = portfolioRisk(pods, { ...base, scheme: 'equal' })
    const ten = portfolioRisk(pods, { ...base, scheme: 'equal', horizon: 10 })
    for (const m of RISK_METHODS.filter((x) => x !== 'monte-carlo')) {
      expect(ten.methods[m].var).toBeCloseTo(one.methods[m].var * Math.sqrt(10), 14)
      expect(ten.methods[m].breaches).toBe(one.methods[m].breaches)
    }
    const mc = ten.methods['monte-carlo'].var / (one.methods['monte-carlo'].var * Math.sqrt(10))
    expect(mc).toBeGreaterThan(0.8)
    expect(mc).toBeLessThan(1.2)
  })

  it('hands a chart its bands: the one-step forecasts and the breached steps, as counted', () => {
    const risk = portfolioRisk(pods, { ...base, scheme: 'hrp' })
    const r = risk.series.returns
    for (const m of RISK_METHODS) {
      const b = risk.series.bands[m]
      expect(b.var.length).toBe(r.length)
      expect(Number.isNaN(b.var[base.window - 1]!)).toBe(true)
      expect(b.breaches.length).toBe(risk.methods[m].breaches)
      for (const t of b.breaches) expect(r[t]!).toBeLessThan(-b.var[t]!)
    }
  })

  it('refuses a window that leaves nothing to backtest', () => {
    expect(() => portfolioRisk(pods, { ...base, scheme: 'equal', window: 400 })).toThrow('the portfolio has 400 returns; the window of 400 leaves none to forecast and backtest')
  })
})
