import { describe, expect, it } from 'vitest'
import { RISK_OFF, RISK_ON, stayProbabilities, UniverseParams } from './params'
import { simulateUniverse } from './simulate'

const params = (overrides: Record<string, unknown> = {}) => UniverseParams.parse(overrides)
const quiet = { intraday: { baseline: 0 }, monthly: { baseline: 0 }, quarterly: { baseline: 0 }, decade: { baseline: 0 } }

function corr(x: number[], y: number[]): number {
  const n = x.length
  const mx = x.reduce((a, b) => a + b, 0) / n
  const my = y.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let k = 0; k < n; k++) {
    sxy += (x[k]! - mx) * (y[k]! - my)
    sxx += (x[k]! - mx) ** 2
    syy += (y[k]! - my) ** 2
  }
  return sxy / Math.sqrt(sxx * syy)
}

describe('universe simulator', () => {
  it('turns the seed’s spell lengths into daily stay probabilities (spec §2)', () => {
    const [on, off] = stayProbabilities(params().durations)
    // risk-on 18–24 months → mean 21 × 21 bars; risk-off 6–12 → 9 × 21 bars.
    expect(on).toBeCloseTo(1 - 1 / 441, 12)
    expect(off).toBeCloseTo(1 - 1 / 189, 12)
    expect(on).toBeGreaterThan(0.9974)
    expect(on).toBeLessThan(0.998)
    expect(off).toBeGreaterThan(0.9921)
    expect(off).toBeLessThan(0.996)
  })

  it('is deterministic in the seed: same seed, same bytes; another seed, another path', () => {
    const p = params({ bars: 300 })
    const a = simulateUniverse(p, 4)
    const b = simulateUniverse(p, 4)
    const c = simulateUniverse(p, 5)
    expect(Buffer.from(a.returns.buffer).equals(Buffer.from(b.returns.buffer))).toBe(true)
    expect(Buffer.from(a.bursts.buffer).equals(Buffer.from(b.bursts.buffer))).toBe(true)
    expect(Buffer.from(a.returns.buffer).equals(Buffer.from(c.returns.buffer))).toBe(false)
  })

  it('lays out equities by sector, then bonds, commodities, FX and crypto', () => {
    const u = simulateUniverse(params({ bars: 2 }), 1)
    expect(u.assets.labels).toEqual(['TECH1', 'TECH2', 'TECH3', 'FIN1', 'FIN2', 'FIN3', 'ENRG1', 'ENRG2', 'ENRG3', 'HLTH1', 'HLTH2', 'HLTH3', 'BOND1', 'BOND2', 'BOND3', 'CMDTY1', 'CMDTY2', 'CMDTY3', 'FX1', 'FX2', 'FX3', 'CRYPTO1', 'CRYPTO2'])
    expect(u.assets.groupNames).toEqual(['TECH', 'FIN', 'ENRG', 'HLTH', 'BOND', 'CMDTY', 'FX', 'CRYPTO'])
  })

  it('keeps regimes for the seed’s spell lengths on average', () => {
    const u = simulateUniverse(params({ bars: 100_000, assets: { equity_sectors: 1, assets_per_sector: 1, bonds: 1, commodities: 0, fx: 0, crypto: 0 }, shocks: quiet }), 11)
    const spells: [number[], number[]] = [[], []]
    let start = 0
    for (let t = 1; t <= u.bars; t++) {
      if (t === u.bars || u.regime[t] !== u.regime[t - 1]) {
        if (start > 0 && t < u.bars) spells[u.regime[t - 1]!]!.push(t - start) // whole spells only
        start = t
      }
    }
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length
    expect(spells[RISK_ON].length).toBeGreaterThan(50)
    expect(mean(spells[RISK_ON])).toBeGreaterThan(441 * 0.8)
    expect(mean(spells[RISK_ON])).toBeLessThan(441 * 1.2)
    expect(mean(spells[RISK_OFF])).toBeGreaterThan(189 * 0.8)
    expect(mean(spells[RISK_OFF])).toBeLessThan(189 * 1.2)
  })

  it('reproduces the regime correlation blocks: stock–bond +0.3 → −0.45, equity 0.6 → 0.9', () => {
    // Erosion almost instant and no bursts, so each bar's correlation is its regime's blocks.
    const u = simulateUniverse(params({ bars: 40_000, shocks: quiet, erosion: { half_life: { risk_on: 0.01, risk_off: 0.01 } } }), 3)
    const byRegime = (r: number, i: number) => {
      const out: number[] = []
      for (let t = 2; t < u.bars; t++) if (u.regime[t] === r && u.regime[t - 1] === r) out.push(u.returns[t * u.n + i]!)
      return out
    }
    const tech = 0
    const fin = 3
    const bond = 12
    expect(corr(byRegime(RISK_ON, tech), byRegime(RISK_ON, bond))).toBeCloseTo(0.3, 1)
    expect(corr(byRegime(RISK_OFF, tech), byRegime(RISK_OFF, bond))).toBeCloseTo(-0.45, 1)
    expect(corr(byRegime(RISK_ON, tech), byRegime(RISK_ON, fin))).toBeCloseTo(0.6, 1)
    expect(corr(byRegime(RISK_OFF, tech), byRegime(RISK_OFF, fin))).toBeCloseTo(0.9, 1)
  })

  it('erodes the correlation target towards the new regime at that regime’s half-life', () => {
    const u = simulateUniverse(params({ bars: 20_000, shocks: quiet }), 8)
    // First bar of a risk_off spell that lasts ≥ 10 bars after a long risk_on spell.
    let flip = -1
    for (let t = 300; t < u.bars - 20 && flip < 0; t++) {
      if (u.regime[t] === RISK_OFF && u.regime[t - 1] === RISK_ON && u.offWeight[t - 1]! < 0.01 && u.regime.subarray(t, t + 10).every((r) => r === RISK_OFF)) flip = t
    }
    expect(flip).toBeGreaterThan(0)
    // risk_off half-life 10 bars: w(flip + 9) = 1 − 2^(−10/10) = 0.5, from w ≈ 0.
    expect(u.offWeight[flip + 9]!).toBeCloseTo(0.5 + 0.5 * u.offWeight[flip - 1]!, 2)
  })

  it('hardens in a drought: erosion slows when equity vol is low', () => {
    const u = simulateUniverse(params({ bars: 5000, erosion: { drought_vol_ratio: 10 } }), 2)
    // With the threshold far above any vol, every risk_on bar after the first is a drought.
    for (let t = 1; t < u.bars; t++) expect(u.drought[t]).toBe(u.regime[t] === RISK_ON ? 1 : 0)
  })

  it('bursts at the Hawkes layer’s stationary rate μ/(1 − branching ratio)', () => {
    const u = simulateUniverse(
      params({
        bars: 60_000,
        assets: { equity_sectors: 1, assets_per_sector: 1, bonds: 1, commodities: 0, fx: 0, crypto: 0 },
        durations: { start: 'risk_on', risk_on_months_min: 1e6, risk_on_months_max: 1e6 },
        shocks: { ...quiet, monthly: { baseline: 0.05, excitation: 0.03, half_life: 10 } }
      }),
      5
    )
    let events = 0
    for (let t = 1; t < u.bars; t++) events += u.bursts[t * 4 + 1]!
    const branching = 0.03 / (1 - 2 ** (-1 / 10))
    // The layer adds α·n after the decay, so each event adds α·d/(1−d) expected offspring.
    const expected = 0.05 / (1 - branching * 2 ** (-1 / 10))
    expect(events / (u.bars - 1)).toBeGreaterThan(expected * 0.9)
    expect(events / (u.bars - 1)).toBeLessThan(expected * 1.1)
  })

  it('refuses an explosive Hawkes layer with a one-line reason', () => {
    const r = UniverseParams.safeParse({ shocks: { monthly: { excitation: 0.2, half_life: 10 } } })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toMatch(/explosive: branching ratio .* must be < 1/)
  })

  it('refuses a correlation block that is not positive semi-definite, naming the regime', () => {
    // Equities 0.9 together, bonds 0.8 together, yet every stock–bond pair at −0.95: impossible.
    const p = params({ bars: 10, correlation: { stock_bond: { risk_off: -0.95 } } })
    expect(() => simulateUniverse(p, 1)).toThrow(/^correlation blocks of risk_off is not positive semi-definite \(Cholesky pivot \d+ is -?[\d.e-]+\): no set of assets can have these correlations$/)
  })
})
