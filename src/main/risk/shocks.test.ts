import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyShock, parseShock, pathSummary, reverseStress, shockedLoss, stressRegimeSteps, weighted } from './shocks'
import { correlation, covariance } from './weights'

// Deterministic pods: sums of sines at incommensurate frequencies, correlated through a shared term.
const pods = (n: number, T: number, shared = 0.5): Float64Array[] =>
  Array.from({ length: n }, (_, i) => Float64Array.from({ length: T }, (_, t) => 0.0002 * (i + 1) + 0.01 * (shared * Math.sin(0.37 * t) + Math.sin(1.1 * t * (i + 1.3) + i))))

describe('user shocks on the pods’ return matrix', () => {
  it('corr=ρ gives the sample correlation (1 − ρ)C + ρ and keeps every mean and volatility', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (level) => {
        const r = pods(3, 300)
        const T = 300
        const before = covariance(r, 0, T)
        const c0 = correlation(before, 3)
        const shocked = applyShock(r, [1 / 3, 1 / 3, 1 / 3], { kind: 'corr', level })
        const after = covariance(shocked, 0, T)
        const c1 = correlation(after, 3)
        for (let i = 0; i < 3; i++) {
          expect(after[i * 4]!).toBeCloseTo(before[i * 4]!, 14)
          expect(shocked[i]!.reduce((a, b) => a + b, 0) / T).toBeCloseTo(r[i]!.reduce((a, b) => a + b, 0) / T, 14)
          for (let j = 0; j < 3; j++) expect(c1[i * 3 + j]!).toBeCloseTo((1 - level) * c0[i * 3 + j]! + level, 9)
        }
      }),
      { numRuns: 25 }
    )
  })

  it('corr=0 leaves the returns as they were and corr=1 moves the pods as one', () => {
    const r = pods(4, 200)
    applyShock(r, [0.25, 0.25, 0.25, 0.25], { kind: 'corr', level: 0 }).forEach((x, i) => x.forEach((v, t) => expect(v).toBeCloseTo(r[i]![t]!, 13)))
    const one = applyShock(r, [0.25, 0.25, 0.25, 0.25], { kind: 'corr', level: 1 })
    const c = correlation(covariance(one, 0, 200), 4)
    for (const v of c) expect(v).toBeCloseTo(1, 9)
  })

  it('vol=k scales the deviations from the mean; regime=n appends n stress steps', () => {
    const r = [Float64Array.from([0.01, -0.01, -0.01, 0.01])]
    expect(Array.from(applyShock(r, [1], { kind: 'vol', factor: 3 })[0]!)).toEqual([0.03, -0.03, -0.03, 0.03].map((x) => expect.closeTo(x, 15) as unknown as number))
    // Calm (±0.001) then 30 loud steps (±0.02) then calm: the stress regime is the loud stretch.
    const x = Float64Array.from({ length: 100 }, (_, t) => (t >= 40 && t < 70 ? 0.02 : 0.001) * (t % 2 ? 1 : -1))
    const steps = stressRegimeSteps(x)
    expect(steps[0]).toBeGreaterThanOrEqual(40)
    expect(steps.every((t) => t >= 40 && t < 90)).toBe(true)
    const forced = applyShock([x], [1], { kind: 'regime', steps: 5 })[0]!
    expect(forced.length).toBe(105)
    expect(Array.from(forced.subarray(100))).toEqual(steps.slice(0, 5).map((t) => x[t]))
  })

  it('reads the path: total return, maximum drawdown, worst step', () => {
    const p = pathSummary([0.1, -0.2, 0.05, -0.1])
    expect(p.totalReturn).toBeCloseTo(1.1 * 0.8 * 1.05 * 0.9 - 1, 15)
    expect(p.maxDrawdown).toBeCloseTo(1 - 0.8 * 1.05 * 0.9, 15)
    expect(p.worstStep).toBe(0.2)
    expect(p.troughAt).toBe(3)
  })
})

describe('reverse stress', () => {
  it('finds the volatility multiple that breaches a 10% drawdown: k = 100(1 − √0.9)', () => {
    // Mean 0, two losses of 1% in a row: the drawdown at k is 1 − (1 − 0.01k)².
    const r = [Float64Array.from([0.01, -0.01, -0.01, 0.01])]
    const rs = reverseStress(r, [1], 'vol', 0.1)
    expect(rs.shock).toBeCloseTo(100 * (1 - Math.sqrt(0.9)), 8)
    expect(rs.loss).toBeGreaterThanOrEqual(0.1)
    expect(shockedLoss(r, [1], { kind: 'vol', factor: rs.shock! - 1e-7 })).toBeLessThan(0.1)
  })

  it('finds the shortest forced regime, and says when no shock up to the search bound breaches', () => {
    // The stress regime replays the loud steps −2%, +2%, …: each pair costs 1 − 0.98·1.02 = 0.0004.
    const x = Float64Array.from({ length: 100 }, (_, t) => (t >= 40 && t < 70 ? 0.02 : 0.001) * (t % 2 ? 1 : -1))
    const rs = reverseStress([x], [1], 'regime', 0.04)
    expect(rs.shock).toBeGreaterThan(1)
    expect(shockedLoss([x], [1], { kind: 'regime', steps: rs.shock! })).toBeGreaterThanOrEqual(0.04)
    expect(shockedLoss([x], [1], { kind: 'regime', steps: rs.shock! - 1 })).toBeLessThan(0.04)
    // Two pods that hedge each other exactly: no correlation shock below 1 reaches a 50% drawdown.
    const a = pods(1, 200)[0]!
    expect(reverseStress([a, a.map((v) => -v)], [0.5, 0.5], 'corr', 0.5)).toMatchObject({ shock: null, searched: 1, alreadyBreached: false })
    expect(reverseStress([x], [1], 'vol', 0.001)).toMatchObject({ shock: 1, alreadyBreached: true })
  })

  it('a correlation shock breaches where diversification was holding the loss down', () => {
    const r = pods(3, 400, 0.1)
    const w = [1 / 3, 1 / 3, 1 / 3]
    const base = pathSummary(weighted(r, w)).maxDrawdown
    const full = shockedLoss(r, w, { kind: 'corr', level: 1 })
    expect(full).toBeGreaterThan(base)
    const rs = reverseStress(r, w, 'corr', (base + full) / 2)
    expect(rs.shock! > 0 && rs.shock! <= 1).toBe(true)
    expect(shockedLoss(r, w, { kind: 'corr', level: rs.shock! })).toBeGreaterThanOrEqual((base + full) / 2)
  })

  it('parses shocks and refuses bad ones in one line', () => {
    expect(parseShock('corr=1')).toEqual({ kind: 'corr', level: 1 })
    expect(parseShock('vol=2.5')).toEqual({ kind: 'vol', factor: 2.5 })
    expect(parseShock('regime=20')).toEqual({ kind: 'regime', steps: 20 })
    expect(() => parseShock('corr=1.5')).toThrow(/\[0, 1\]/)
    expect(() => parseShock('vol=-1')).toThrow(/≥ 0/)
    expect(() => parseShock('regime=2.5')).toThrow(/whole number/)
    expect(() => parseShock('rates=1')).toThrow(/corr=LEVEL/)
  })
})
