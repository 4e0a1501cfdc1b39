import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../engine/rng'
import { parsePriceCsv } from './csv'
import { fitRvThreshold, rvPStable } from './baselines'
import { F, FEATURE_WARMUP, channelIndex, computeFeatures, fitStats, lastRowWindowZ, normalise } from './features'
import { inferSeriesRegimes, percentile, walkForwardFrame, walkForwardInference, DEFAULT_INFERENCE, type InferenceOptions } from './walk-forward'

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

// The walk-forward shares one frame (normalisers, OOD distance and radius) between the
// classifiers and takes the radius by selection instead of a sort: a speed-up that must
// change no value. The reference here is the walk-forward as first written: at every refit,
// the whole series normalised, every training row's length, a sorted percentile.

/** The rv walk-forward and its OOD, recomputed from scratch at every refit (O(n²)). */
function bruteForce(closes: Float64Array, o: InferenceOptions): { pStable: Float64Array; oodDistance: Float64Array; oodRadius: Float64Array } {
  const n = closes.length
  const features = computeFeatures(closes)
  const pStable = new Float64Array(n).fill(Number.NaN)
  const oodDistance = new Float64Array(n).fill(Number.NaN)
  const oodRadius = new Float64Array(n).fill(Number.NaN)
  const windowZ = o.normalisation === 'per_window_zscore' ? lastRowWindowZ(features, o.seqLen) : null
  const firstRow = Math.max(FEATURE_WARMUP, windowZ ? o.seqLen - 1 : 0)
  const norm = (z: Float64Array, t: number): number => {
    let s = 0
    for (let c = 0; c < F; c++) s += z[t * F + c]! ** 2
    return Math.sqrt(s)
  }
  for (let k = o.start; k < n; k += o.every) {
    const end = Math.min(n, k + o.every)
    const z = windowZ ?? normalise(features, fitStats(features, firstRow, k))
    const norms: number[] = []
    for (let t = firstRow; t < k; t++) norms.push(norm(z, t))
    const s = [...norms].sort((a, b) => a - b)
    const pos = (o.oodPercentile / 100) * (s.length - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, s.length - 1)
    const radius = s[lo]! + (s[hi]! - s[lo]!) * (pos - lo)
    for (let t = k; t < end; t++) {
      oodDistance[t] = norm(z, t)
      oodRadius[t] = radius
    }
    const x = new Float64Array(n)
    for (let t = 0; t < end; t++) x[t] = z[t * F + channelIndex('vol20')]!
    const fit = fitRvThreshold(x, firstRow, k, o.labels, o.rvTemperature)
    for (let t = k; t < end; t++) pStable[t] = rvPStable(x[t]!, fit)
  }
  return { pStable, oodDistance, oodRadius }
}

describe('walk-forward frame: shared and by selection, the same values', () => {
  for (const normalisation of ['frozen_train', 'per_window_zscore'] as const) {
    it(`rv threshold and OOD equal a from-scratch recomputation at every refit (${normalisation})`, () => {
      const { p, labels } = switchingSeries(5, 1500)
      for (const supervised of [true, false]) {
        const o: InferenceOptions = { ...DEFAULT_INFERENCE, classifier: 'rv_threshold', normalisation, start: 400, every: 20, ...(supervised ? { labels } : {}) }
        const fast = walkForwardInference(p, o)
        const slow = bruteForce(p, o)
        expect(Array.from(fast.pStable)).toEqual(Array.from(slow.pStable))
        expect(Array.from(fast.oodDistance)).toEqual(Array.from(slow.oodDistance))
        expect(Array.from(fast.oodRadius)).toEqual(Array.from(slow.oodRadius))
        expect(fast.refits.length).toBe(Math.ceil((1500 - 400) / 20))
      }
    }, 60_000)
  }

  it('one frame shared by every baseline gives what each computes on its own', () => {
    const { p, labels } = switchingSeries(6, 1100)
    const options = { ...DEFAULT_INFERENCE, start: 600, labels }
    const features = computeFeatures(p)
    const frame = walkForwardFrame(features, options)
    for (const classifier of ['rv_threshold', 'hmm', 'bocpd', 'markov_switching'] as const) {
      const shared = walkForwardInference(p, { ...options, classifier }, features, frame)
      const alone = walkForwardInference(p, { ...options, classifier })
      expect(shared, classifier).toEqual(alone)
    }
  }, 120_000)

  it('refuses a frame built for another schedule or series', () => {
    const { p } = switchingSeries(7, 800)
    const features = computeFeatures(p)
    const frame = walkForwardFrame(features, { ...DEFAULT_INFERENCE, start: 300 })
    expect(() => walkForwardInference(p, { ...DEFAULT_INFERENCE, classifier: 'hmm', start: 300, every: 40 }, features, frame)).toThrow(/another series or schedule/)
    expect(() => walkForwardInference(p.subarray(0, 700), { ...DEFAULT_INFERENCE, classifier: 'hmm', start: 300 }, features.subarray(0, 700 * F), frame)).toThrow(/another series or schedule/)
  })
})
