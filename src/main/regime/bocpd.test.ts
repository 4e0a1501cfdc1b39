import { describe, expect, it } from 'vitest'
import { OnlineBocpd } from './bocpd'
import reference from './bocpd.reference.json'

// bocpd.reference.json: the paper's recursion in NumPy/SciPy (provenance inside), 150 calm and
// 150 stressed returns, with a 50-bar run-length cap so that pruning is exercised.

function runReference(): { detector: OnlineBocpd; pStress: number[]; map: number[]; posteriors: Record<string, Float64Array> } {
  const detector = new OnlineBocpd({ hazardRunLength: reference.hazardRunLength, maxRunLength: reference.maxRunLength }, reference.prior)
  const pStress: number[] = []
  const map: number[] = []
  const posteriors: Record<string, Float64Array> = {}
  reference.x.forEach((x, t) => {
    detector.step(x)
    pStress.push(detector.pVarianceAbove(reference.threshold))
    map.push(detector.mostProbableRunLength())
    if (String(t) in reference.posteriors) posteriors[String(t)] = detector.runLengthPosterior()
  })
  return { detector, pStress, map, posteriors }
}

describe('Bayesian online change-point detection (Adams & MacKay 2007)', () => {
  it('matches the NumPy/SciPy recursion bar by bar: posterior, MAP run length, P(variance above)', () => {
    const got = runReference()
    expect(got.map).toEqual(reference.mapRunLength)
    got.pStress.forEach((p, t) => expect(Math.abs(p - reference.pStress[t]!)).toBeLessThan(1e-12))
    for (const [t, want] of Object.entries(reference.posteriors)) {
      const have = got.posteriors[t]!
      expect(have.length).toBe(want.length)
      want.forEach((w, r) => expect(Math.abs(have[r]! - w)).toBeLessThan(1e-12))
    }
  })

  it('sees the volatility change within ten bars and keeps the calm half calm', () => {
    const { pStress, map } = runReference()
    expect(Math.max(...pStress.slice(20, 150))).toBeLessThan(0.05)
    const firstAlarm = pStress.findIndex((p, t) => t >= 150 && p > 0.5)
    expect(firstAlarm - 150).toBeLessThanOrEqual(10)
    expect(map[170]).toBeLessThanOrEqual(25)
  })

  it('keeps the posterior a distribution of at most maxRunLength + 1 buckets', () => {
    const d = new OnlineBocpd({ hazardRunLength: 20, maxRunLength: 8 }, { mu0: 0, kappa0: 1, alpha0: 1, beta0: 1e-4 })
    for (let t = 0; t < 40; t++) {
      d.step(0.01 * Math.sin(t))
      const post = d.runLengthPosterior()
      expect(post.length).toBe(Math.min(t + 2, 9))
      expect(Math.abs(post.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12)
    }
  })

  it('refuses a prior or options it cannot use, naming the field', () => {
    expect(() => new OnlineBocpd({ hazardRunLength: 1, maxRunLength: 10 }, reference.prior)).toThrow(/hazard run length must be > 1/)
    expect(() => new OnlineBocpd({ hazardRunLength: 50, maxRunLength: 1.5 }, reference.prior)).toThrow(/max run length/)
    expect(() => new OnlineBocpd({ hazardRunLength: 50, maxRunLength: 10 }, { ...reference.prior, beta0: 0 })).toThrow(/beta0/)
  })
})
