import { describe, expect, it } from 'vitest'
import type { AnyLab, Surface } from '../engine/kernel'
import { planLab } from './execute'
import { labIds } from './registry'
import { surfaceFrames, surfaceSource } from './surfaces'

const spec = (lab: string, overrides: Record<string, unknown> = {}) => ({ task: 'lab' as const, lab, preset: 'faithful', overrides })

// Every lab's surface as the Surface view gets it: shape, layout, determinism, and each frame
// equal to the lab's own surface(market, t) on a market simulated afresh.
describe('surface frames of every lab', () => {
  const expected: Record<string, { layout: string; shape: number[] }> = {
    'fx-carry': { layout: 'grid', shape: [6, 3] },
    'credit-spreads': { layout: 'grid', shape: [2, 5] },
    'funding-basis': { layout: 'curve', shape: [5] },
    'latency-arb': { layout: 'grid', shape: [2, 2] },
    microstructure: { layout: 'grid', shape: [2, 5] },
    'heston-regime': { layout: 'coordinates', shape: [100, 3] },
    'yield-curve': { layout: 'curve', shape: [9] },
    'oil-curve': { layout: 'curve', shape: [12] },
    'vol-surface': { layout: 'grid', shape: [4, 5] }
  }

  it('covers every lab', () => {
    expect(labIds().sort()).toEqual(Object.keys(expected).sort())
  })

  for (const [lab, { layout, shape }] of Object.entries(expected)) {
    it(`${lab}: ${layout} ${shape.join(' × ')}, deterministic, frame at t is lab.surface(market, t)`, () => {
      const source = surfaceSource(spec(lab))
      const window = { from: 3, count: 40, stride: 7, frames: true }
      const result = surfaceFrames(source, window)
      const size = shape.reduce((a, b) => a * b, 1)
      expect(result.layout).toBe(layout)
      expect(result.axes.map((a) => a.labels.length)).toEqual(shape)
      expect(result.size).toBe(size)
      expect(result.frames!.length).toBe(40 * size)
      expect(Array.from(result.t)).toEqual(Array.from({ length: 40 }, (_, k) => 3 + 7 * k))

      // A fresh market from the same spec, not the cached one.
      const plan = planLab(spec(lab))
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

// The lab's own parts of a surface, carried generically: a stand-in lab whose curve is t, t + 1,
// t + 2 with one feature and two companions per step.
describe('features and companions a lab fills', () => {
  const curveAt = (t: number, extra: Partial<Surface> = {}): Surface => ({
    name: 'stand-in curve',
    unit: 'u',
    axes: [{ name: 'tenor', unit: 'years', labels: ['1y', '2y', '3y'] }],
    values: Float64Array.from([t, t + 1, t + 2]),
    features: [{ name: 'twice t', unit: 'u', description: '2·t', value: 2 * t }],
    companions: [
      { name: 'price', unit: 'per face', description: '100 − point', values: Float64Array.from([100 - t, 99 - t, 98 - t]) },
      { name: 'square', unit: 'u²', description: 'point²', values: Float64Array.from([t * t, (t + 1) ** 2, (t + 2) ** 2]) }
    ],
    ...extra
  })
  const source = (surface: (t: number) => Surface, steps = 1000) => ({
    key: 'stand-in',
    lab: { id: 'stand-in', surface: (_m: unknown, t: number) => surface(t), regimeAt: () => 0, regimes: () => ['calm', 'stress'] } as unknown as AnyLab,
    config: {},
    market: {},
    steps
  })

  it('appends the features after the generic summaries, marked lab, and carries the companions frame after frame', () => {
    const result = surfaceFrames(source(curveAt), { from: 4, count: 3, stride: 10, frames: true })
    expect(result.summaries.map((s) => [s.name, s.source])).toEqual([
      ['mean', 'generic'],
      ['min', 'generic'],
      ['max', 'generic'],
      ['range', 'generic'],
      ['slope (tenor)', 'generic'],
      ['twice t', 'lab']
    ])
    const feature = result.summaries.at(-1)!
    expect([feature.unit, feature.description, Array.from(feature.values)]).toEqual(['u', '2·t', [8, 28, 48]])
    expect(result.companions!.map((c) => [c.name, c.unit, c.description])).toEqual([
      ['price', 'per face', '100 − point'],
      ['square', 'u²', 'point²']
    ])
    expect(Array.from(result.companions![0]!.values!)).toEqual([96, 95, 94, 86, 85, 84, 76, 75, 74])
    expect(Array.from(result.companions![1]!.values!.subarray(3, 6))).toEqual([196, 225, 256])
  })

  it('summaries only: features over the whole window, companions named without values', () => {
    const result = surfaceFrames(source(curveAt), { from: 0, count: 5, stride: 1, frames: false })
    expect(Array.from(result.summaries.find((s) => s.source === 'lab')!.values)).toEqual([0, 2, 4, 6, 8])
    expect(result.companions!.map((c) => [c.name, c.values])).toEqual([
      ['price', null],
      ['square', null]
    ])
  })

  it('a surface without them answers as before: no lab summaries, no companions key', () => {
    const result = surfaceFrames(source((t) => curveAt(t, { features: undefined, companions: undefined })), { from: 0, count: 2, stride: 1, frames: true })
    expect(result.summaries.every((s) => s.source === 'generic')).toBe(true)
    expect('companions' in result).toBe(false)
  })

  it('counts the companions in the values budget', () => {
    // 3 points + 2 × 3 companion values = 9 per frame: 111,111 frames fit in 1,000,000 values
    const big = source(curveAt, 200_000)
    expect(() => surfaceFrames(big, { from: 0, count: 111_112, stride: 1, frames: true })).toThrow(/count must be at most 111111 for this surface \(9 values per frame with 2 companions/)
  })

  it('refuses companions off a curve, of the wrong length, or parts that change between steps', () => {
    const grid = (t: number) => curveAt(t, { axes: [{ name: 'a', unit: '', labels: ['x'] }, { name: 'b', unit: '', labels: ['1', '2', '3'] }] })
    expect(() => surfaceFrames(source(grid), { from: 0, count: 2, stride: 1, frames: true })).toThrow(/companions belong to a curve \(a 1-axis surface\); this surface has 2 axes/)
    const short = (t: number) => curveAt(t, { companions: [{ name: 'price', unit: '', description: '', values: new Float64Array(2) }] })
    expect(() => surfaceFrames(source(short), { from: 0, count: 2, stride: 1, frames: true })).toThrow(/companion price has 2 values, not one per point \(3\)/)
    const renamed = (t: number) => (t < 5 ? curveAt(t) : curveAt(t, { features: [{ name: 'other', unit: '', description: '', value: 0 }] }))
    expect(() => surfaceFrames(source(renamed), { from: 0, count: 10, stride: 1, frames: false })).toThrow(/stand-in: the surface at step 5 has features \[other\], not \[twice t\] as at step 0/)
  })
})
