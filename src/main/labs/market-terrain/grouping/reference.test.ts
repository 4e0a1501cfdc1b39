import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Features, type GaussianHmm, applyScaler, baumWelchStep, fitHmmFrom, fitJumpModelFrom, fitScaler, hmmFilter, jumpFilter, lloyd, sliceRows } from '.'

// Parity with independent NumPy/SciPy implementations: tools/market-terrain/reference.py
// (scipy.cluster.vq.kmeans2; a full k×k Viterbi; log-space Baum–Welch with scipy's logsumexp).
interface Fixture {
  provenance: Record<string, string>
  scaler: { T: number; F: number; fit: number; clip: number; x: number[]; lo: number[]; hi: number[]; clipped_share: number; z: number[]; jump: { lambda: number; init_rows: number[]; labels: number[]; centroids: number[]; objective: number } }
  data: { T: number; F: number; x: number[]; labels: number[]; init_rows: number[] }
  kmeans: { labels: number[]; centroids: number[]; inertia: number }
  jump: Array<{ lambda: number; labels: number[]; centroids: number[]; objective: number; online: number[] }>
  hmm: {
    init: { pi: number[]; A: number[]; means: number[]; vars: number[] }
    iterations: number
    min_var: number
    pi: number[]
    A: number[]
    means: number[]
    vars: number[]
    loglik_path: number[]
    filtered: number[]
  }
}
const fx = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'reference.json'), 'utf8')) as Fixture
const f: Features = { x: Float64Array.from(fx.data.x), T: fx.data.T, F: fx.data.F }
const init = Float64Array.from(fx.data.init_rows.flatMap((r) => fx.data.x.slice(r * f.F, (r + 1) * f.F)))

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `index ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!)))
}

describe('grouping against the NumPy/SciPy reference', () => {
  it('records its provenance', () => {
    expect(fx.provenance.generator).toBe('tools/market-terrain/reference.py')
  })

  it("Lloyd's K-means from the same centroids matches scipy's kmeans2", () => {
    const r = lloyd(f, 2, init)
    expect(Array.from(r.labels)).toEqual(fx.kmeans.labels)
    close(r.centroids, fx.kmeans.centroids, 1e-12)
    close([r.inertia], [fx.kmeans.inertia], 1e-12)
  })

  for (const j of fx.jump) {
    it(`the jump model at λ = ${j.lambda} matches the reference labels, centroids, objective and online labels`, () => {
      const r = fitJumpModelFrom(f, 2, j.lambda, init)
      expect(Array.from(r.labels)).toEqual(j.labels)
      close(r.centroids, j.centroids, 1e-12)
      close([r.objective], [j.objective], 1e-12)
      expect(Array.from(jumpFilter(f, r.centroids, 2, j.lambda))).toEqual(j.online)
    })
  }

  it('clips at ± 3σ and z-scores with the training rows only, as jumpmodels’ DataClipperStd + StandardScaler, then fits the same jump model', () => {
    const sc = fx.scaler
    const raw: Features = { x: Float64Array.from(sc.x), T: sc.T, F: sc.F }
    const scaler = fitScaler(sliceRows(raw, 0, sc.fit), sc.clip)
    close(scaler.lo, sc.lo, 1e-12)
    close(scaler.hi, sc.hi, 1e-12)
    expect(sc.clipped_share).toBeGreaterThan(0) // heavy tails: the clip binds
    const z = applyScaler(raw, scaler)
    close(z.x, sc.z, 1e-12)
    const train = sliceRows(z, 0, sc.fit)
    const init = Float64Array.from(sc.jump.init_rows.flatMap((r) => Array.from(z.x.subarray(r * sc.F, (r + 1) * sc.F))))
    const r = fitJumpModelFrom(train, 2, sc.jump.lambda, init)
    expect(Array.from(r.labels)).toEqual(sc.jump.labels)
    close(r.centroids, sc.jump.centroids, 1e-12)
    close([r.objective], [sc.jump.objective], 1e-12)
  })

  it('with no clip the scaler is the plain training z-score', () => {
    const sc = fx.scaler
    const raw: Features = { x: Float64Array.from(sc.x), T: sc.T, F: sc.F }
    const z = applyScaler(raw, fitScaler(sliceRows(raw, 0, sc.fit), Number.POSITIVE_INFINITY))
    for (let c = 0; c < sc.F; c++) {
      let m = 0
      let v = 0
      for (let t = 0; t < sc.fit; t++) m += z.x[t * sc.F + c]! / sc.fit
      for (let t = 0; t < sc.fit; t++) v += (z.x[t * sc.F + c]! - m) ** 2 / sc.fit
      expect(Math.abs(m)).toBeLessThan(1e-12)
      expect(v).toBeCloseTo(1, 12)
    }
    expect(() => fitScaler(raw, 0)).toThrow(/^clip must be a positive number/)
  })

  it('Baum–Welch after 30 iterations matches the log-space reference, and the filter its probabilities', () => {
    const h = fx.hmm
    const start: GaussianHmm = { k: 2, F: f.F, pi: Float64Array.from(h.init.pi), A: Float64Array.from(h.init.A), means: Float64Array.from(h.init.means), vars: Float64Array.from(h.init.vars) }
    let m = start
    for (let i = 0; i < h.iterations; i++) {
      const step = baumWelchStep(f, m, h.min_var)
      close([step.logLikelihood], [h.loglik_path[i]!], 1e-10)
      m = step.model
    }
    close(m.pi, h.pi, 1e-8)
    close(m.A, h.A, 1e-9)
    close(m.means, h.means, 1e-9)
    close(m.vars, h.vars, 1e-9)
    const filt = hmmFilter(f, m)
    close([filt.logLikelihood], [h.loglik_path[h.iterations]!], 1e-10)
    close(filt.filtered, h.filtered, 1e-9)
    // fitHmmFrom with no tolerance runs the same iterations.
    const fit = fitHmmFrom(f, start, { maxIter: h.iterations, tol: Number.NEGATIVE_INFINITY, minVar: h.min_var })
    close(fit.model.means, h.means, 1e-9)
    close([fit.logLikelihood], [h.loglik_path[h.iterations]!], 1e-10)
  })

  it('the reference log-likelihood never falls across EM iterations (EM is monotone)', () => {
    const p = fx.hmm.loglik_path
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]! - 1e-9)
  })
})
