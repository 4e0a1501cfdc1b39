import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import { parsePriceCsv } from './csv'
import { inferSeriesRegimes, percentile, walkForwardInference, DEFAULT_INFERENCE } from './walk-forward'

function switchingSeries(seed: number, n: number): { p: Float64Array; labels: Int8Array } {
  const rng = new Xoshiro128(seed)
  const p = new Float64Array(n)
  const labels = new Int8Array(n)
  p[0] = 100
  for (let t = 1; t < n; t++) {
    labels[t] = Math.floor(t / 400) % 2
    p[t] = p[t - 1]! * Math.exp((labels[t] ? 0.03 : 0.006) * rng.standardNormal())
  }
  return { p, labels }
}

describe('walk-forward regime inference on any series', () => {
  it('NumPy linear percentile', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5)
    expect(percentile([5, 1, 3], 100)).toBe(5)
  })

  it('no look-ahead: P(stable) up to bar t is unchanged when prices after t change', () => {
    const { p } = switchingSeries(1, 1600)
    for (const classifier of ['rv_threshold', 'hmm'] as const) {
      const a = walkForwardInference(p, { ...DEFAULT_INFERENCE, classifier })
      const q = p.slice()
      for (let t = 1301; t < q.length; t++) q[t] = q[t - 1]! * 1.05
      const b = walkForwardInference(q, { ...DEFAULT_INFERENCE, classifier })
      expect(Array.from(b.pStable.subarray(0, 1301))).toEqual(Array.from(a.pStable.subarray(0, 1301)))
      expect(Number.isNaN(a.pStable[999]!)).toBe(true)
      expect(a.refits[0]).toBe(1000)
      expect(a.refits[1]).toBe(1020)
    }
  })

  it('both baselines find obvious vol regimes on an unlabelled series', () => {
    const { p, labels } = switchingSeries(2, 3200)
    for (const classifier of ['rv_threshold', 'hmm'] as const) {
      const r = inferSeriesRegimes(p, { classifier })
      let ok = 0
      let n = 0
      for (let t = 1000; t < p.length; t++) {
        n++
        if (r.filtered[t] === labels[t]) ok++
      }
      expect(ok / n, classifier).toBeGreaterThan(0.85)
    }
  })

  it('runs on a user CSV and refuses non-positive prices', () => {
    const { p } = switchingSeries(3, 300)
    const text = ['date,close', ...Array.from(p, (x, i) => `${new Date(Date.UTC(2015, 0, 1 + i)).toISOString().slice(0, 10)},${x}`)].join('\n')
    const series = parsePriceCsv(text)
    const r = inferSeriesRegimes(series.close, { classifier: 'hmm', start: 150 })
    expect(r.filtered.length).toBe(300)
    expect(r.filtered[149]).toBe(-1)
    expect([0, 1]).toContain(r.filtered[299])
    expect(() => inferSeriesRegimes([1, 0, 2], { classifier: 'hmm' })).toThrow(/bar 1/)
  })
})
