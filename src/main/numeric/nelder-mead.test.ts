import { describe, expect, it } from 'vitest'
import { nelderMead } from './nelder-mead'

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function from the textbook start (−1.2, 1)', () => {
    const rosen = (x: Float64Array): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2
    const r = nelderMead(rosen, [-1.2, 1], { maxEvaluations: 2000, step: 0.5 })
    expect(r.converged).toBe(true)
    expect(r.x[0]).toBeCloseTo(1, 6)
    expect(r.x[1]).toBeCloseTo(1, 6)
  })

  it('minimises a 7-parameter quadratic to its known centre, deterministically', () => {
    const centre = [1, -2, 3, 0.5, -0.25, 4, 0]
    const f = (x: Float64Array): number => centre.reduce((s, c, i) => s + (i + 1) * (x[i]! - c) ** 2, 0)
    const a = nelderMead(f, new Array(7).fill(0), { maxEvaluations: 20000, step: 1 })
    const b = nelderMead(f, new Array(7).fill(0), { maxEvaluations: 20000, step: 1 })
    expect(Array.from(a.x)).toEqual(Array.from(b.x))
    for (let i = 0; i < 7; i++) expect(a.x[i]).toBeCloseTo(centre[i]!, 5)
  })

  it('treats non-finite values as +∞ and stops at the evaluation budget', () => {
    const f = (x: Float64Array): number => (x[0]! < 0 ? Number.NaN : (x[0]! - 2) ** 2)
    const r = nelderMead(f, [1], { step: 0.5 })
    expect(r.x[0]).toBeCloseTo(2, 6)
    const capped = nelderMead((x) => (x[0]! - 2) ** 2 + (x[1]! + 1) ** 2, [100, 100], { maxEvaluations: 10 })
    expect(capped.evaluations).toBeLessThanOrEqual(12)
    expect(capped.converged).toBe(false)
  })
})
