import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import { SSM_WARMUP } from './ssm-features'
import { SSM_V2_CHANNELS, ssmFeaturesV2 } from './ssm-features-v2'

// The Python contract (tools/regime-model/features_v2.py) is checked bar for bar against the
// shipped fixture in src/main/inference/regime-model.test.ts; here, the properties that make v2
// the model for every lab: scale-free, causal, and defined on degenerate series.

const F = SSM_V2_CHANNELS.length

function walk(seed: number, n: number, vol: number): Float64Array {
  const rng = new Xoshiro128(seed)
  const p = new Float64Array(n)
  p[0] = 100
  for (let t = 1; t < n; t++) p[t] = p[t - 1]! * Math.exp(vol * rng.standardNormal())
  return p
}

describe('regime model v2 features', () => {
  it('seven channels, first row at bar 101, nothing before the warm-up', () => {
    expect(SSM_V2_CHANNELS).toEqual(['shock', 'vol5', 'vol20', 'vol60', 'trend20', 'volvol', 'hurst'])
    expect(ssmFeaturesV2(walk(1, SSM_WARMUP, 0.01)).length).toBe(0)
    expect(ssmFeaturesV2(walk(1, 400, 0.01)).length).toBe((400 - SSM_WARMUP) * F)
  })

  it('are scale-free: the same for prices in cents or in thousands, and for returns ten times larger', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, k) => {
        const p = walk(seed, 300, 0.01)
        const a = ssmFeaturesV2(p)
        const scaledPrice = ssmFeaturesV2(p.map((x) => x * k))
        const r = Float64Array.from(p, (x, t) => (t === 0 ? 0 : Math.log(x / p[t - 1]!)))
        let logP = Math.log(100)
        const tenfold = Float64Array.from(r, (x, t) => (t === 0 ? 100 : Math.exp((logP += 10 * x))))
        const b = ssmFeaturesV2(tenfold)
        for (let i = 0; i < a.length; i++) {
          expect(scaledPrice[i]).toBeCloseTo(a[i]!, 9)
          expect(b[i]).toBeCloseTo(a[i]!, 7)
        }
      }),
      { numRuns: 25 }
    )
  })

  it('are causal: a row never changes when later closes do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: SSM_WARMUP, max: 398 }), (seed, t) => {
        const p = walk(seed, 400, 0.01)
        const before = ssmFeaturesV2(p)
        const q = Float64Array.from(p, (x, i) => (i > t ? x * 1.5 : x))
        const after = ssmFeaturesV2(q)
        const rows = t - SSM_WARMUP + 1
        for (let i = 0; i < rows * F; i++) expect(after[i]).toBe(before[i])
      }),
      { numRuns: 25 }
    )
  })

  it('measure volatility in the series own calm level: a tripled volatility reads as ln 3 on the 60-bar channel', () => {
    const calm = walk(7, 1100, 0.01)
    const stressed = walk(8, 400, 0.03)
    const p = Float64Array.from([...calm, ...Array.from(stressed.subarray(1), (x) => (calm[calm.length - 1]! * x) / 100)])
    const f = ssmFeaturesV2(p)
    const row = (t: number, c: number): number => f[(t - SSM_WARMUP) * F + c]!
    expect(Math.abs(row(1000, 3))).toBeLessThan(0.35) // calm: m_60 near its own floor
    expect(row(p.length - 1, 3)).toBeGreaterThan(Math.log(3) - 0.35) // stress: about three times the floor
    expect(row(p.length - 1, 5)).toBeGreaterThanOrEqual(0)
  })

  it('a flat series (all returns zero) gives finite, clipped values, never NaN', () => {
    const f = ssmFeaturesV2(new Float64Array(300).fill(42))
    for (const v of f) expect(Number.isFinite(v)).toBe(true)
    expect(f[1]).toBe(-10) // ln(TINY / floor) clipped at −10
  })
})
