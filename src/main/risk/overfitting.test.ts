import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { averageRank, binomial, combinatorialPurgedCv, combinations, probabilityOfOverfitting, sharpe } from './overfitting'
import { walkForward } from './walk-forward'

// Reference: tools/risk/pbo_reference.py (NumPy/SciPy, written from Bailey et al. 2017 and
// López de Prado 2018; versions and seed in the fixture's provenance).
interface Reference {
  matrix: number[][]
  cscv: { blocks: number; pbo: number; slope: number; intercept: number; probabilityOfLoss: number; splits: Array<{ train: number[]; chosen: number; inSample: number; outOfSample: number; relativeRank: number; logit: number }> }
  cpcv: { groups: number; testGroups: number; purge: number; embargo: number; splits: Array<{ test: number[]; chosen: number; inSample: number; outOfSample: number; trainSteps: number }>; paths: Array<{ chosen: number[]; sharpe: number }> }
  walkForward: Record<'rolling' | 'anchored', { train: number; test: number; step: number; folds: Array<{ trainFrom: number; trainTo: number; testFrom: number; testTo: number; chosen: number; inSample: number; outOfSample: number }> }>
}
const ref = JSON.parse(readFileSync(new URL('./__fixtures__/pbo-reference.json', import.meta.url), 'utf8')) as Reference
const matrix = ref.matrix.map((c) => Float64Array.from(c))

describe('CSCV and the probability of backtest overfitting', () => {
  it('matches the NumPy reference split by split', () => {
    const r = probabilityOfOverfitting(matrix, ref.cscv.blocks)
    expect(r.splits).toHaveLength(70)
    r.splits.forEach((s, i) => {
      const e = ref.cscv.splits[i]!
      expect(s.train).toEqual(e.train)
      expect(s.chosen).toBe(e.chosen)
      expect(s.inSample).toBeCloseTo(e.inSample, 12)
      expect(s.outOfSample).toBeCloseTo(e.outOfSample, 12)
      expect(s.relativeRank).toBeCloseTo(e.relativeRank, 14)
      expect(s.logit).toBeCloseTo(e.logit, 12)
    })
    expect(r.pbo).toBe(ref.cscv.pbo)
    expect(r.degradation.slope).toBeCloseTo(ref.cscv.slope, 10)
    expect(r.degradation.intercept).toBeCloseTo(ref.cscv.intercept, 10)
    expect(r.probabilityOfLoss).toBe(ref.cscv.probabilityOfLoss)
  })

  it('is 0 when one candidate dominates every block and 1 when in-sample order reverses out of sample', () => {
    // Candidate 2 has the best Sharpe ratio in every block: it is chosen and ranks first out of sample.
    const T = 40
    const wave = (a: number, m: number): Float64Array => Float64Array.from({ length: T }, (_, t) => m + a * (t % 2 ? 1 : -1))
    const dominated = [wave(0.01, 0.001), wave(0.01, 0.002), wave(0.01, 0.004)]
    expect(probabilityOfOverfitting(dominated, 4).pbo).toBe(0)
    // Two candidates that trade places between the halves: whichever wins one loses the other.
    const a = Float64Array.from({ length: T }, (_, t) => (t < T / 2 ? 0.01 : -0.01) + (t % 2 ? 0.001 : -0.001))
    const b = a.map((x) => -x)
    const r = probabilityOfOverfitting([a, b], 2)
    expect(r.splits.map((s) => [s.chosen, s.relativeRank])).toEqual([[0, 1 / 3], [1, 1 / 3]])
    expect(r.pbo).toBe(1)
    expect(r.probabilityOfLoss).toBe(1)
  })

  it('refuses odd or too many blocks and a single candidate', () => {
    expect(() => probabilityOfOverfitting(matrix, 7)).toThrow(/even whole number/)
    expect(() => probabilityOfOverfitting(matrix, 200)).toThrow(/at least 2/)
    expect(() => probabilityOfOverfitting([matrix[0]!], 8)).toThrow(/at least 2 candidates/)
  })

  it('counts and ranks as itertools and scipy do', () => {
    expect(combinations(5, 2)).toHaveLength(binomial(5, 2))
    expect(combinations(4, 2)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
    expect(binomial(16, 8)).toBe(12870)
    expect(averageRank(Float64Array.from([3, 1, 3, 2]), 0)).toBe(3.5)
    expect(sharpe(Float64Array.from([1, 2, 3, 4]))).toBeCloseTo(2.5 / Math.sqrt(5 / 3), 14)
    expect(sharpe(Float64Array.from([1, 1, 1]))).toBe(0)
  })
})

describe('combinatorial purged cross-validation', () => {
  it('matches the NumPy reference: splits, purged training sizes and backtest paths', () => {
    const c = ref.cpcv
    const r = combinatorialPurgedCv(matrix, c)
    expect(r.splits).toHaveLength(binomial(6, 2))
    r.splits.forEach((s, i) => {
      const e = c.splits[i]!
      expect(s.test).toEqual(e.test)
      expect(s.trainSteps).toBe(e.trainSteps)
      expect(s.chosen).toBe(e.chosen)
      expect(s.inSample).toBeCloseTo(e.inSample, 12)
      expect(s.outOfSample).toBeCloseTo(e.outOfSample, 12)
    })
    expect(r.paths).toHaveLength(5)
    r.paths.forEach((p, j) => {
      expect(p.chosen).toEqual(c.paths[j]!.chosen)
      expect(p.sharpe).toBeCloseTo(c.paths[j]!.sharpe, 12)
    })
  })

  it('purges the steps before a test group and embargoes those after it', () => {
    // 250 steps in 6 groups (42, 42, 42, 42, 41, 41): testing groups 0 and 1 with purge 3 and
    // embargo 2 removes steps 0…85, leaving 164.
    const r = combinatorialPurgedCv(matrix, { groups: 6, testGroups: 2, purge: 3, embargo: 2 })
    expect(r.splits[0]!.trainSteps).toBe(250 - 86)
    // Testing groups 1 and 3 removes 39…85 and 123…169: 47 + 47 steps.
    expect(r.splits.find((s) => s.test.join() === '1,3')!.trainSteps).toBe(250 - 94)
  })
})

describe('walk-forward', () => {
  for (const kind of ['rolling', 'anchored'] as const) {
    it(`matches the NumPy reference fold by fold (${kind})`, () => {
      const w = ref.walkForward[kind]
      const r = walkForward(matrix, { train: w.train, test: w.test, step: w.step, anchored: kind === 'anchored' })
      expect(r.folds).toHaveLength(w.folds.length)
      r.folds.forEach((f, i) => {
        const e = w.folds[i]!
        expect([f.trainFrom, f.trainTo, f.testFrom, f.testTo, f.chosen]).toEqual([e.trainFrom, e.trainTo, e.testFrom, e.testTo, e.chosen])
        expect(f.inSample).toBeCloseTo(e.inSample, 12)
        expect(f.outOfSample).toBeCloseTo(e.outOfSample, 12)
      })
    })
  }

  it('lays out folds and compounds the out-of-sample record when windows do not overlap', () => {
    const up = new Float64Array(10).fill(0.01).map((x, t) => x + (t % 2 ? 1e-4 : -1e-4))
    const down = up.map((x) => -x)
    const r = walkForward([down, up], { train: 4, test: 3, step: 3, anchored: false })
    expect(r.folds.map((f) => [f.trainFrom, f.trainTo, f.testFrom, f.testTo])).toEqual([[0, 4, 4, 7], [3, 7, 7, 10]])
    expect(r.folds.every((f) => f.chosen === 1)).toBe(true)
    expect(r.outOfSampleReturn).toBeCloseTo(up.subarray(4).reduce((g, x) => g * (1 + x), 1) - 1, 14)
    expect(walkForward([up], { train: 4, test: 3, step: 2, anchored: true }).outOfSampleReturn).toBeNull()
    expect(() => walkForward([up], { train: 8, test: 3, step: 1, anchored: false })).toThrow(/need 11 steps/)
  })
})
