import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Xoshiro128 } from '../../../engine/rng'
import { type Features, fitJumpModel, fitJumpModelFrom, hmmFilter, fitHmm, jumpFilter, jumpLabels, kmeans, selectJumpPenalty, twoRegimeSeries } from '.'

/** Objective of a label sequence by direct summation. */
function objective(f: Features, c: Float64Array, labels: ArrayLike<number>, lambda: number): number {
  let s = 0
  for (let t = 0; t < f.T; t++) {
    for (let j = 0; j < f.F; j++) s += (f.x[t * f.F + j]! - c[labels[t]! * f.F + j]!) ** 2
    if (t > 0 && labels[t] !== labels[t - 1]) s += lambda
  }
  return s
}

describe('jump model', () => {
  it('the dynamic programme finds the global minimum over all 2^8 label sequences (toy case)', () => {
    const f: Features = { x: Float64Array.from([0.1, -0.2, 1.3, 0.9, 0.2, 1.1, 1.4, -0.1]), T: 8, F: 1 }
    const c = Float64Array.from([0, 1])
    for (const lambda of [0, 0.3, 0.8, 2]) {
      let best = Number.POSITIVE_INFINITY
      for (let m = 0; m < 256; m++) best = Math.min(best, objective(f, c, Array.from({ length: 8 }, (_, t) => (m >> t) & 1), lambda))
      const dp = jumpLabels(f, c, 2, lambda)
      expect(dp.objective).toBeCloseTo(best, 12)
      expect(objective(f, c, dp.labels, lambda)).toBeCloseTo(best, 12)
    }
    // Hand check at λ = 0.8: the lone 0.2 at bar 4 costs 0.04 vs 0.64 to stay with 1, less than 2λ = 1.6 to leave and return.
    expect(Array.from(jumpLabels(f, c, 2, 0.8).labels)).toEqual([0, 0, 1, 1, 1, 1, 1, 0])
  })

  it('λ = 0 labels every bar with its nearest centroid', () => {
    const { features } = twoRegimeSeries(new Xoshiro128(3), { T: 300, F: 2 })
    const c = Float64Array.from([-0.5, -0.5, 0.5, 0.5])
    const labels = jumpLabels(features, c, 2, 0).labels
    for (let t = 0; t < 300; t++) {
      const d0 = (features.x[2 * t]! + 0.5) ** 2 + (features.x[2 * t + 1]! + 0.5) ** 2
      const d1 = (features.x[2 * t]! - 0.5) ** 2 + (features.x[2 * t + 1]! - 0.5) ** 2
      expect(labels[t]).toBe(d1 < d0 ? 1 : 0)
    }
  })

  it('coordinate descent never raises the objective, and a larger λ never adds switches', () => {
    const { features } = twoRegimeSeries(new Xoshiro128(4), { T: 600, F: 3 })
    let prevSwitches = Number.POSITIVE_INFINITY
    for (const lambda of [0, 2, 10, 50, 200]) {
      const init = Float64Array.from([-1, -1, -1, 1, 1, 1])
      const one = fitJumpModelFrom(features, 2, lambda, init, 1)
      const full = fitJumpModelFrom(features, 2, lambda, init)
      expect(full.objective).toBeLessThanOrEqual(one.objective + 1e-9)
      expect(full.objective).toBeCloseTo(objective(features, full.centroids, full.labels, lambda), 8)
      expect(full.switches).toBeLessThanOrEqual(prevSwitches)
      prevSwitches = full.switches
    }
  })

  it('online labels are causal: changing later bars never changes an earlier label (property)', () => {
    const { features } = twoRegimeSeries(new Xoshiro128(5), { T: 120, F: 2 })
    const c = Float64Array.from([-0.5, -0.5, 0.5, 0.5])
    const base = jumpFilter(features, c, 2, 3)
    const hmm = fitHmm(features, 2, new Xoshiro128(1)).model
    const hbase = hmmFilter(features, hmm).filtered
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 118 }), fc.double({ min: -5, max: 5, noNaN: true }), (cut, v) => {
        const x = Float64Array.from(features.x)
        for (let i = (cut + 1) * 2; i < x.length; i++) x[i] = v
        const changed = { x, T: 120, F: 2 }
        const online = jumpFilter(changed, c, 2, 3)
        const filtered = hmmFilter(changed, hmm).filtered
        for (let t = 0; t <= cut; t++) {
          if (online[t] !== base[t]) return false
          if (filtered[2 * t] !== hbase[2 * t]) return false
        }
        return true
      }),
      { numRuns: 60, seed: 17 }
    )
  })

  it('fits are deterministic for a seeded generator', () => {
    const { features } = twoRegimeSeries(new Xoshiro128(6), { T: 400, F: 3 })
    const a = fitJumpModel(features, 2, 20, new Xoshiro128(9))
    const b = fitJumpModel(features, 2, 20, new Xoshiro128(9))
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    expect(a.objective).toBe(b.objective)
    expect(kmeans(features, 2, new Xoshiro128(9)).inertia).toBe(kmeans(features, 2, new Xoshiro128(9)).inertia)
  })

  it('walk-forward λ search scores every grid value on every fold and picks the best mean', () => {
    const { features, labels } = twoRegimeSeries(new Xoshiro128(7), { T: 1200, F: 3, separation: 1.5 })
    const sel = selectJumpPenalty(features, labels, 2, [0, 10, 100], new Xoshiro128(2), { folds: 3, restarts: 2 })
    expect(sel.scores.map((s) => s.lambda)).toEqual([0, 10, 100])
    for (const s of sel.scores) {
      expect(s.folds).toHaveLength(3)
      expect(s.mean).toBeCloseTo(s.folds.reduce((a, b) => a + b, 0) / 3, 15)
    }
    const top = Math.max(...sel.scores.map((s) => s.mean))
    expect(sel.scores.find((s) => s.lambda === sel.lambda)!.mean).toBe(top)
    // Persistence pays on a slowly switching series: λ = 0 (plain nearest centroid) is not the choice.
    expect(sel.lambda).toBeGreaterThan(0)
  })

  it('breaks a tie of equal scores by validation loss, whatever the grid’s order (no longer the grid’s middle)', () => {
    // Well separated, slowly switching regimes: every λ from 10 up labels the validation blocks alike.
    const { features, labels } = twoRegimeSeries(new Xoshiro128(3), { T: 900, F: 3, separation: 2 })
    const grid = [10, 20, 50, 100, 200]
    const sel = selectJumpPenalty(features, labels, 2, grid, new Xoshiro128(4), { folds: 3, restarts: 2 })
    expect(sel.tied.length).toBeGreaterThan(1)
    const top = Math.max(...sel.scores.map((s) => s.mean))
    expect(sel.tied).toEqual(sel.scores.filter((s) => s.mean === top).map((s) => s.lambda))
    const tiedLoss = sel.scores.filter((s) => sel.tied.includes(s.lambda)).map((s) => s.loss)
    expect(sel.scores.find((s) => s.lambda === sel.lambda)!.loss).toBe(Math.min(...tiedLoss))
    // The tied models differ in their loss: the choice is the loss's, not an arbitrary first.
    expect(new Set(tiedLoss).size).toBeGreaterThan(1)
    const reversed = selectJumpPenalty(features, labels, 2, [...grid].reverse(), new Xoshiro128(4), { folds: 3, restarts: 2 })
    expect(reversed.lambda).toBe(sel.lambda)
  })

  it('bad input gets a one-line error naming the field', () => {
    const f: Features = { x: Float64Array.from([1, Number.NaN, 3, 4]), T: 2, F: 2 }
    expect(() => fitJumpModel(f, 2, 1, new Xoshiro128(1))).toThrow('features row 0, column 1 is not finite (got NaN)')
    const ok: Features = { x: Float64Array.from([1, 2, 3, 4]), T: 2, F: 2 }
    expect(() => fitJumpModel(ok, 3, 1, new Xoshiro128(1))).toThrow('k must be at most the number of bars T = 2 (got 3)')
    expect(() => fitJumpModel(ok, 2, -1, new Xoshiro128(1))).toThrow('lambda must be a finite number ≥ 0 (got -1)')
  })
})
