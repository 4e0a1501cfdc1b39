import { describe, expect, it } from 'vitest'
import { planLab } from './execute'
import { labIds } from './registry'
import { surfaceFrames, surfaceSource } from './surfaces'

const spec = (lab: string, overrides: Record<string, unknown> = {}) => ({ task: 'lab' as const, lab, preset: 'faithful', overrides })

// Every lab's surface as the Surface view gets it: shape, layout, determinism, and each frame
// equal to the lab's own surface(market, t) on a market simulated afresh.
describe('surface frames of every lab', () => {
  // overrides: a T long enough for the window below (3 + 7·39 steps)
  const expected: Record<string, { layout: string; shape: number[]; overrides?: Record<string, unknown> }> = {
    'fx-carry': { layout: 'grid', shape: [6, 3] },
    'credit-spreads': { layout: 'grid', shape: [2, 5] },
    'funding-basis': { layout: 'curve', shape: [5] },
    'latency-arb': { layout: 'grid', shape: [2, 2] },
    microstructure: { layout: 'grid', shape: [2, 5] },
    'heston-regime': { layout: 'coordinates', shape: [100, 3] },
    'yield-curve': { layout: 'curve', shape: [9] },
    'cross-asset': { layout: 'grid', shape: [4, 4], overrides: { T: 300 } }
  }

  it('covers every registered lab', () => {
    expect(labIds().sort()).toEqual(Object.keys(expected).sort())
  })

  for (const [lab, { layout, shape, overrides }] of Object.entries(expected)) {
    it(`${lab}: ${layout} ${shape.join(' × ')}, deterministic, frame at t is lab.surface(market, t)`, () => {
      const source = surfaceSource(spec(lab, overrides))
      const window = { from: 3, count: 40, stride: 7, frames: true }
      const result = surfaceFrames(source, window)
      const size = shape.reduce((a, b) => a * b, 1)
      expect(result.layout).toBe(layout)
      expect(result.axes.map((a) => a.labels.length)).toEqual(shape)
      expect(result.size).toBe(size)
      expect(result.frames!.length).toBe(40 * size)
      expect(Array.from(result.t)).toEqual(Array.from({ length: 40 }, (_, k) => 3 + 7 * k))

      // A fresh market from the same spec, not the cached one.
      const plan = planLab(spec(lab, overrides))
      const definition = plan.lab
      const market = definition.market(plan.config, {})
      for (const k of [0, 17, 39]) {
        const t = 3 + 7 * k
        const own = definition.surface(market, t, plan.config)
        expect(Array.from(result.frames!.subarray(k * size, (k + 1) * size))).toEqual(Array.from(own.values))
        expect(result.regime[k]).toBe(definition.regimeAt(market, t))
      }

      // A second simulation from the seed gives the same bytes.
      const again = surfaceFrames({ key: 'fresh', lab: definition, config: plan.config, market, steps: plan.steps }, window)
      expect(Buffer.from(again.frames!.buffer).equals(Buffer.from(result.frames!.buffer))).toBe(true)
      expect(result.regimeNames.length).toBeGreaterThan(1)
    })
  }

  it('summaries are the frame\'s mean, min, max, range and slope', () => {
    const result = surfaceFrames(surfaceSource(spec('credit-spreads')), { from: 0, count: 5, stride: 100, frames: true })
    const byName = Object.fromEntries(result.summaries.map((s) => [s.name, s.values]))
    for (let k = 0; k < 5; k++) {
      const frame = Array.from(result.frames!.subarray(k * 10, (k + 1) * 10))
      const mean = frame.reduce((a, b) => a + b, 0) / 10
      expect(byName.mean![k]).toBeCloseTo(mean, 15)
      expect(byName.min![k]).toBe(Math.min(...frame))
      expect(byName.max![k]).toBe(Math.max(...frame))
      expect(byName.range![k]).toBe(Math.max(...frame) - Math.min(...frame))
      // rating × tenor: (IG 5y − IG 30d + HY 5y − HY 30d) / 2
      expect(byName['slope (tenor)']![k]).toBeCloseTo((frame[4]! - frame[0]! + frame[9]! - frame[5]!) / 2, 15)
    }
  })

  it('a 1-D strip\'s slope is last − first', () => {
    const result = surfaceFrames(surfaceSource(spec('funding-basis')), { from: 10, count: 3, stride: 1, frames: true })
    const slope = result.summaries.find((s) => s.name === 'slope (horizon)')!
    for (let k = 0; k < 3; k++) expect(slope.values[k]).toBe(result.frames![k * 5 + 4]! - result.frames![k * 5]!)
  })

  it('the phase-space worm\'s summaries read its head and skip the bars before 0', () => {
    const result = surfaceFrames(surfaceSource(spec('heston-regime')), { from: 0, count: 2, stride: 150, frames: true })
    const head = result.summaries.find((s) => s.name === 'price (t)')!
    expect(head.values[0]).toBe(result.frames![99 * 3])
    const mean = result.summaries.find((s) => s.name === 'price mean')!
    // at t = 0 only the head exists; the 99 earlier rows are NaN and skipped
    expect(mean.values[0]).toBe(result.frames![99 * 3])
    expect(Number.isFinite(mean.values[1]!)).toBe(true)
  })

  it('summaries without frames, and refusals for windows that do not fit', () => {
    const source = surfaceSource(spec('heston-regime'))
    const overview = surfaceFrames(source, { from: 0, count: 5000, stride: 1, frames: false })
    expect(overview.frames).toBeNull()
    expect(overview.t.length).toBe(5000)
    expect(() => surfaceFrames(source, { from: 0, count: 5000, stride: 1, frames: true })).toThrow(/count must be at most 3333/)
    expect(() => surfaceFrames(source, { from: 5000, count: 1, stride: 1, frames: true })).toThrow(/from must be < 5000/)
    // the window ends with the run
    expect(surfaceFrames(source, { from: 4990, count: 50, stride: 3, frames: true }).t.length).toBe(4)
  })
})
