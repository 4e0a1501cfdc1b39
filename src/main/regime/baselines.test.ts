import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import { fitHmm, fitRvThreshold, hmmFilterStress, rvPStable } from './baselines'
import { accuracy } from './evaluation'

/** Returns with calm (σ 0.005) and stress (σ 0.03) blocks of 300 bars, alternating. */
function twoRegimeReturns(seed: number, blocks: number): { r: Float64Array; labels: Int8Array } {
  const rng = new Xoshiro128(seed)
  const n = blocks * 300
  const r = new Float64Array(n)
  const labels = new Int8Array(n)
  for (let t = 0; t < n; t++) {
    labels[t] = Math.floor(t / 300) % 2
    r[t] = (labels[t] ? 0.03 : 0.005) * rng.standardNormal()
  }
  return { r, labels }
}

describe('realised-vol threshold (spec §4.9)', () => {
  it('supervised fit picks the threshold separating the training classes', () => {
    const vol = [0.1, 0.2, 0.3, 0.9, 1.0, 1.1]
    const fit = fitRvThreshold(vol, 0, 6, [0, 0, 0, 1, 1, 1])
    expect(fit.fit).toBe('supervised')
    expect(fit.threshold).toBe(0.3)
    expect(rvPStable(0.3, fit)).toBe(0.5)
    expect(rvPStable(0.1, fit)).toBeGreaterThan(0.5)
    expect(rvPStable(1.0, fit)).toBeLessThan(0.5)
  })

  it('without labels, two-means puts the threshold between the clusters', () => {
    const fit = fitRvThreshold([0.1, 0.2, 0.3, 0.9, 1.0, 1.1], 0, 6)
    expect(fit.fit).toBe('two_means')
    expect(fit.threshold).toBeCloseTo(0.6, 12)
  })

  it('the supervised threshold equals the brute-force Youden sweep over every training value, ties included', () => {
    // the sweep as first written: one comparator sort of all values, J at the end of each tie group
    const bruteForce = (xs: number[], ys: number[]): number => {
      const pos = ys.filter((y) => y === 1).length
      const neg = ys.length - pos
      const order = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!)
      let tp = pos
      let fp = neg
      let best = -Infinity
      let threshold = xs[order[0]!]!
      for (let k = 0; k < order.length; k++) {
        if (ys[order[k]!] === 1) tp--
        else fp--
        const next = order[k + 1]
        if (next !== undefined && xs[next] === xs[order[k]!]) continue
        const j = tp / pos - fp / neg
        if (j > best) {
          best = j
          threshold = xs[order[k]!]!
        }
      }
      return threshold
    }
    const value = fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.integer({ min: -2, max: 2 }))
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 400 }), (rows) => {
        const xs = rows.map((r) => r[0])
        const ys = rows.map((r) => r[1])
        fc.pre(ys.includes(0) && ys.includes(1))
        expect(fitRvThreshold(xs, 0, xs.length, ys).threshold).toBe(bruteForce(xs, ys))
      }),
      { numRuns: 300 }
    )
  })

  it('two-means takes a series too long to spread into Math.min', () => {
    const xs = Array.from({ length: 300_000 }, (_, i) => (i % 2 ? 1 : 3))
    expect(fitRvThreshold(xs, 0, xs.length).threshold).toBe(2)
  })

  it('only the training rows shape the fit', () => {
    const a = fitRvThreshold([0.1, 0.2, 0.9, 1.0, 50, 60], 0, 4, [0, 0, 1, 1, 1, 1])
    const b = fitRvThreshold([0.1, 0.2, 0.9, 1.0, -5, 7], 0, 4, [0, 0, 1, 1, 0, 0])
    expect(a).toEqual(b)
  })
})

describe('two-state Gaussian HMM (spec §4.9)', () => {
  it('Baum–Welch recovers two obvious regimes: state 1 is the high-variance one', () => {
    const { r } = twoRegimeReturns(4, 6)
    const h = fitHmm(r, 0, r.length, 30)
    expect(Math.sqrt(h.variance[0])).toBeCloseTo(0.005, 3)
    expect(Math.sqrt(h.variance[1])).toBeCloseTo(0.03, 2)
    expect(h.A[0][0]).toBeGreaterThan(0.98)
    expect(h.A[1][1]).toBeGreaterThan(0.98)
  })

  it('the forward filter classifies held-out data > 95% correctly', () => {
    const train = twoRegimeReturns(4, 6)
    const test = twoRegimeReturns(99, 6)
    const h = fitHmm(train.r, 0, train.r.length, 30)
    const p = hmmFilterStress(h, test.r, 0, test.r.length)
    const pred = Array.from(p, (x) => (x > 0.5 ? 1 : 0))
    expect(accuracy(pred, test.labels)!).toBeGreaterThan(0.95)
  })

  it('is deterministic and filters without look-ahead (values at t ignore returns after t)', () => {
    const { r } = twoRegimeReturns(4, 4)
    const h1 = fitHmm(r, 0, 1000, 20)
    const h2 = fitHmm(r, 0, 1000, 20)
    expect(h1).toEqual(h2)
    const p = hmmFilterStress(h1, r, 0, 1200)
    const changed = r.slice()
    changed.fill(0.5, 700)
    const q = hmmFilterStress(h1, changed, 0, 1200)
    expect(Array.from(q.subarray(0, 700))).toEqual(Array.from(p.subarray(0, 700)))
    expect(q[700]).not.toBe(p[700])
  })
})
