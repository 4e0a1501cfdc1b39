import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import { F, FEATURE_CHANNELS, computeFeatures, fitStats, hurstRS, lastRowWindowZ, normalise, takens, windowZScore } from './features'

const sine = Array.from({ length: 100 }, (_, i) => 100 + 10 * Math.sin(i / 5) + 0.1 * i)
const sawtooth = Array.from({ length: 120 }, (_, i) => 100 * 1.001 ** i * (1 + 0.01 * (((i * 7) % 5) - 2)))

function randomWalk(seed: number, n: number): Float64Array {
  const rng = new Xoshiro128(seed)
  const p = new Float64Array(n)
  p[0] = 100
  for (let t = 1; t < n; t++) p[t] = p[t - 1]! * Math.exp(0.01 * rng.standardNormal())
  return p
}

describe('features (spec §2.2, §2.4)', () => {
  it('channel order is velocity, acceleration, energy, hurst, vol20', () => {
    expect(FEATURE_CHANNELS).toEqual(['velocity', 'acceleration', 'energy', 'hurst', 'vol20'])
    expect(F).toBe(5)
  })

  it('kinematics on a hand-made series equal ln-returns, their difference and square (NumPy values)', () => {
    const f = computeFeatures([100, 101, 99, 102, 102.5])
    const col = (c: number) => Array.from({ length: 5 }, (_, t) => f[t * F + c]!)
    const v = [0, Math.log(101 / 100), Math.log(99 / 101), Math.log(102 / 99), Math.log(102.5 / 102)]
    col(0).forEach((x, t) => expect(x).toBeCloseTo(v[t]!, 14))
    expect(col(1)[0]).toBe(0)
    expect(col(1)[1]).toBe(0)
    expect(col(1)[2]).toBeCloseTo(-0.029951, 6)
    expect(col(1)[3]).toBeCloseTo(0.04985363, 8)
    expect(col(1)[4]).toBeCloseTo(-0.02496298, 8)
    col(2).forEach((x, t) => expect(x).toBeCloseTo(v[t]! ** 2, 16))
    expect(col(3)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5])
    expect(col(4)).toEqual([0, 0, 0, 0, 0])
  })

  it('hurstRS matches a NumPy port of compute_Hc(kind=price, simplified) on hand-made series', () => {
    expect(hurstRS(sine)).toBeCloseTo(-0.012207894256569382, 12)
    expect(hurstRS(sawtooth, 20, 100)).toBeCloseTo(0.49757560674220647, 12)
  })

  it('hurstRS of a geometric random walk is near 0.5 on average (simplified R/S bias allowed)', () => {
    const p = randomWalk(11, 5100)
    let sum = 0
    const windows = 50
    for (let k = 0; k < windows; k++) sum += hurstRS(p, k * 100, 100)
    expect(Math.abs(sum / windows - 0.5)).toBeLessThan(0.12)
  })

  it('hurst at bar t uses prices t−100 … t−1 (the current bar excluded)', () => {
    const p = randomWalk(3, 130)
    const f = computeFeatures(p)
    expect(f[100 * F + 3]).toBe(hurstRS(p, 0, 100))
    expect(f[129 * F + 3]).toBe(hurstRS(p, 29, 100))
    expect(f[99 * F + 3]).toBe(0.5)
  })

  it('vol20 is the population std of the last 20 log returns, current bar included', () => {
    const p = randomWalk(5, 40)
    const f = computeFeatures(p)
    const v = Array.from({ length: 20 }, (_, k) => Math.log(p[20 + k]! / p[19 + k]!))
    const m = v.reduce((a, b) => a + b, 0) / 20
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / 20)
    expect(f[40 * F - F + 4]).toBeCloseTo(sd, 15)
    expect(f[19 * F + 4]).toBe(0)
  })

  it('no look-ahead: features at bar t do not change when prices after t change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 149 }), fc.integer({ min: 0, max: 1000 }), (seed, t, other) => {
        const a = randomWalk(seed, 150)
        const b = a.slice()
        const tail = randomWalk(other + 7, 150)
        for (let k = t + 1; k < 150; k++) b[k] = tail[k]!
        const fa = computeFeatures(a).subarray(0, (t + 1) * F)
        const fb = computeFeatures(b).subarray(0, (t + 1) * F)
        expect(Array.from(fb)).toEqual(Array.from(fa))
      }),
      { numRuns: 40 }
    )
  })

  it('normalise with frozen stats from a training split: z of the training rows has mean 0, std ≈ 1', () => {
    const f = computeFeatures(randomWalk(9, 400))
    const stats = fitStats(f, 100, 300)
    const z = normalise(f, stats)
    const zs = fitStats(z, 100, 300)
    zs.mean.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-9))
    zs.std.forEach((s) => expect(s).toBeCloseTo(1, 3)) // the +1e−8 eps
  })

  it('the per-window z-score erases the volatility level; frozen stats keep it', () => {
    const calm = randomWalk(1, 300)
    const wild = new Float64Array(300)
    const rng = new Xoshiro128(1)
    wild[0] = 100
    for (let t = 1; t < 300; t++) wild[t] = wild[t - 1]! * Math.exp(0.05 * rng.standardNormal())
    const fc1 = computeFeatures(calm)
    const fw = computeFeatures(wild)
    // same shocks scaled ×5: every per-window z-score of returns is identical
    const zc = windowZScore(fc1, 299)
    const zw = windowZScore(fw, 299)
    for (let k = 0; k < 64; k++) expect(zw[k * F]).toBeCloseTo(zc[k * F]!, 4)
    const stats = fitStats(fc1, 100, 300)
    expect(normalise(fw, stats)[299 * F + 4]! - normalise(fc1, stats)[299 * F + 4]!).toBeGreaterThan(10)
    expect(Number.isNaN(lastRowWindowZ(fc1)[62 * F]!)).toBe(true)
  })

  it('takens rows are (P, ΔP, population variance of the last 10 prices)', () => {
    const p = Array.from({ length: 12 }, (_, i) => 100 + i * i)
    const k = takens(p)
    const last10 = p.slice(2, 12)
    const m = last10.reduce((a, b) => a + b, 0) / 10
    expect(k[11 * 3]).toBe(221)
    expect(k[11 * 3 + 1]).toBe(21)
    expect(k[11 * 3 + 2]).toBeCloseTo(last10.reduce((a, b) => a + (b - m) ** 2, 0) / 10, 10)
  })
})
