import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CalibrationPool, calibration } from './calibration'

// Reference (NumPy 1.24, /usr/bin/python3):
//   p = np.array([0.0,0.05,0.12,0.15,0.31,0.38,0.5,0.55,0.58,0.72,0.95,1.0])
//   y = np.array([0,0,0,1,0,1,1,0,1,1,1,1])
//   b = np.minimum((p*10).astype(int), 9)
//   np.mean((p-y)**2)                       -> 0.16914166666666663
//   [(k, (b==k).sum(), p[b==k].mean(), y[b==k].mean()) for k in range(10) if (b==k).any()]
//     -> (0,2,0.025,0.0) (1,2,0.135,0.5) (3,2,0.345,0.5) (5,3,0.5433333333333333,0.6666666666666666)
//        (7,1,0.72,1.0) (9,2,0.975,1.0)
const P = [0.0, 0.05, 0.12, 0.15, 0.31, 0.38, 0.5, 0.55, 0.58, 0.72, 0.95, 1.0]
const Y = [0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1]
const REFERENCE_BINS: Record<number, [number, number, number]> = {
  0: [2, 0.025, 0],
  1: [2, 0.135, 0.5],
  3: [2, 0.345, 0.5],
  5: [3, 0.5433333333333333, 0.6666666666666666],
  7: [1, 0.72, 1],
  9: [2, 0.975, 1]
}

describe('calibration', () => {
  it('matches NumPy on a hand-sized example: Brier score and ten uniform bins', () => {
    const c = calibration(P, Y)
    expect(c.brier).toBeCloseTo(0.16914166666666663, 14)
    expect(c.count).toBe(12)
    expect(c.bins).toHaveLength(10)
    c.bins.forEach((bin, k) => {
      expect(bin.from).toBeCloseTo(k / 10, 15)
      expect(bin.to).toBeCloseTo((k + 1) / 10, 15)
      const ref = REFERENCE_BINS[k]
      if (!ref) {
        expect(bin).toMatchObject({ count: 0, mean_p_stress: null, observed_stress: null })
        return
      }
      expect(bin.count).toBe(ref[0])
      expect(bin.mean_p_stress).toBeCloseTo(ref[1], 14)
      expect(bin.observed_stress).toBeCloseTo(ref[2], 14)
    })
  })

  it('pools series given as P(stable), skipping bars without a prediction', () => {
    const pool = new CalibrationPool()
    const pStable = [NaN, NaN, ...P.slice(0, 6).map((p) => 1 - p)]
    pool.addStableSeries(pStable, [1, 1, ...Y.slice(0, 6)])
    pool.addStableSeries(P.slice(6).map((p) => 1 - p), Y.slice(6))
    const pooled = pool.result()
    expect(pooled.count).toBe(12)
    expect(pooled.brier).toBeCloseTo(0.16914166666666663, 14)
    expect(pooled.bins.map((b) => b.count)).toEqual([2, 2, 0, 2, 0, 3, 0, 1, 0, 2])
  })

  it('gives a perfect forecaster Brier 0 and a point on each end of the diagonal', () => {
    const c = calibration([0, 1, 0, 1], [0, 1, 0, 1])
    expect(c.brier).toBe(0)
    expect(c.bins[0]).toMatchObject({ count: 2, mean_p_stress: 0, observed_stress: 0 })
    expect(c.bins[9]).toMatchObject({ count: 2, mean_p_stress: 1, observed_stress: 1 })
  })

  it('says so for no scored bar, a bad probability or label, and unequal lengths', () => {
    expect(calibration([NaN], [1])).toMatchObject({ brier: null, count: 0 })
    expect(() => calibration([1.2], [1])).toThrow('P(stress) must lie in [0, 1] (got 1.2)')
    // 1 − P(stable) a rounding error past 1 counts as 1
    expect(calibration([1.0000000000000002], [1])).toMatchObject({ brier: 0, count: 1 })
    expect(() => calibration([0.2], [2])).toThrow('a regime label must be 0 or 1 (got 2)')
    expect(() => calibration([0.2, 0.3], [1])).toThrow('P(stress) has 2 bars but the labels 1')
    expect(() => new CalibrationPool(0)).toThrow('binCount must be a whole number ≥ 1 (got 0)')
  })

  it('keeps its invariants: counts sum to the scored bars, each bin mean inside its bin, Brier in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 200 }), (pairs) => {
        const c = calibration(
          pairs.map((p) => p[0]),
          pairs.map((p) => p[1])
        )
        expect(c.bins.reduce((a, b) => a + b.count, 0)).toBe(pairs.length)
        for (const b of c.bins) if (b.mean_p_stress !== null) expect(b.mean_p_stress >= b.from - 1e-12 && b.mean_p_stress <= b.to + 1e-12).toBe(true)
        expect(c.brier! >= 0 && c.brier! <= 1).toBe(true)
      })
    )
  })
})
