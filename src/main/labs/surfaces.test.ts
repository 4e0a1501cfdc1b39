import { describe, expect, it } from 'vitest'
import { runCollected, type AnyLab, type Surface } from '../engine/kernel'
import { planLab } from './execute'
import type { OilCurveConfig } from './oil-curve/config'
import type { OilMarket } from './oil-curve/market'
import { convenienceYield, curveFeatures, futuresSurface, type CurveFeatures } from './oil-curve/surface'
import type { VolSurfaceConfig } from './vol-surface/config'
import { ivAt, type VolSurfaceMarket } from './vol-surface/surface'
import type { YieldCurveConfig } from './yield-curve/config'
import { yieldCurveLab } from './yield-curve/lab'
import type { YieldMarket } from './yield-curve/market'
import { bondsAt } from './yield-curve/surface'
import { labIds } from './registry'
import { surfaceFrames, surfaceLayout, surfaceSource } from './surfaces'

const spec = (lab: string, overrides: Record<string, unknown> = {}) => ({ task: 'lab' as const, lab, preset: 'faithful', overrides })

// Every lab's surface as the Surface view gets it: shape, layout, determinism, and each frame
// equal to the lab's own surface(market, t) on a market simulated afresh.
describe('surface frames of every lab', () => {
  // overrides: a run long enough for the 40 frames asked for
  const expected: Record<string, { layout: string; shape: number[]; overrides?: Record<string, unknown> }> = {
    'fx-carry': { layout: 'grid', shape: [6, 3] },
    'credit-spreads': { layout: 'grid', shape: [2, 5] },
    'funding-basis': { layout: 'curve', shape: [5] },
    'latency-arb': { layout: 'grid', shape: [2, 2] },
    microstructure: { layout: 'grid', shape: [2, 5] },
    'heston-regime': { layout: 'coordinates', shape: [100, 3] },
    'yield-curve': { layout: 'curve', shape: [9] },
    'oil-curve': { layout: 'curve', shape: [12] },
    'vol-surface': { layout: 'grid', shape: [4, 5] },
    cascade: { layout: 'network', shape: [18, 24], overrides: { T: 300 } },
    'equity-factors': { layout: 'grid', shape: [8, 8], overrides: { T: 300 } },
    'order-flow': { layout: 'grid', shape: [4, 4], overrides: { T: 300 } },
    'cross-asset': { layout: 'grid', shape: [4, 4], overrides: { T: 300 } },
    'crypto-arb': { layout: 'grid', shape: [5, 10], overrides: { session: { num_ticks: 300 } } },
    'market-terrain': { layout: 'network', shape: [23, 31], overrides: { universe: { bars: 300 } } }
  }

  it('covers every lab', () => {
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

  it('a network surface reads as nodes and links: link count, density, hub in-strength, each node quantity\'s mean, max and min', () => {
    const result = surfaceFrames(surfaceSource(spec('cascade')), { from: 0, count: 3, stride: 30, frames: true })
    const n = result.axes[0]!.labels.length
    const width = result.axes[1]!.labels.length
    expect(result.axes[1]!.labels.slice(0, n)).toEqual(result.axes[0]!.labels)
    const byName = Object.fromEntries(result.summaries.map((s) => [s.name, s.values]))
    for (let k = 0; k < 3; k++) {
      const f = result.frames!.subarray(k * result.size, (k + 1) * result.size)
      let links = 0
      const inStrength = new Float64Array(n)
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          if (i !== j && f[i * width + j]! !== 0) links++
          inStrength[j]! += f[i * width + j]!
        }
      expect(byName.links![k]).toBe(links)
      expect(byName.density![k]).toBe(links / (n * (n - 1)))
      expect(byName['max in-strength']![k]).toBe(Math.max(...inStrength))
      const distress = Array.from({ length: n }, (_, i) => f[i * width + n]!)
      expect(byName['distress max']![k]).toBe(Math.max(...distress))
      expect(byName['distress min']![k]).toBe(Math.min(...distress))
      expect(byName['distress mean']![k]).toBeCloseTo(distress.reduce((a, b) => a + b, 0) / n, 15)
    }
  })

  it('refuses a network whose link axis does not start with the node labels', () => {
    const surface = { name: 'x', unit: '', axes: [{ name: 'node', unit: '', labels: ['a', 'b'] }, { name: 'link', unit: '', labels: ['b', 'a', 'q'] }], values: new Float64Array(6) }
    expect(() => surfaceLayout(surface)).toThrow(/must start with the 2 node labels/)
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

// The book labs' own numbers on their surfaces: each equal, frame by frame, to what the lab's
// functions give at that step on a market simulated afresh, and the same bytes twice.
describe('the book labs fill their features and companions', () => {
  const window = { from: 3, count: 40, stride: 7, frames: true }
  const at = [0, 17, 39].map((k) => ({ k, t: 3 + 7 * k }))

  function framesOf(lab: string, preset = 'faithful') {
    const s = { ...spec(lab), preset }
    const result = surfaceFrames(surfaceSource(s), window)
    const plan = planLab(s)
    const market = plan.lab.market(plan.config, {})
    const again = surfaceFrames({ key: 'fresh', lab: plan.lab, config: plan.config, market, steps: plan.steps }, window)
    const feature = (name: string) => result.summaries.find((x) => x.source === 'lab' && x.name === name)!.values
    return { result, again, plan, market, feature }
  }

  function expectSameBytes(a: ReturnType<typeof surfaceFrames>, b: ReturnType<typeof surfaceFrames>): void {
    expect(a.summaries.map((x) => [x.name, x.source, Array.from(x.values)])).toEqual(b.summaries.map((x) => [x.name, x.source, Array.from(x.values)]))
    expect(a.companions?.map((c) => [c.name, Array.from(c.values!)])).toEqual(b.companions?.map((c) => [c.name, Array.from(c.values!)]))
  }

  it('oil-curve: slopes, contango score, roll proxy and convenience yield off the strip at t', () => {
    const { result, again, plan, market, feature } = framesOf('oil-curve')
    const config = plan.config as OilCurveConfig
    const m = market as OilMarket
    expect(result.summaries.filter((x) => x.source === 'lab').map((x) => [x.name, x.unit])).toEqual([
      ['slope 1–6M', 'fraction of F1'],
      ['slope 1–12M', 'fraction of F1'],
      ['contango score', 'fraction of F1'],
      ['roll proxy (long front)', 'fraction of F1'],
      ['convenience yield', 'per year']
    ])
    expect(result.companions).toBeUndefined()
    const f: CurveFeatures = { slope16: 0, slope112: 0, contangoScore: 0, rollLongFront: 0 }
    for (const { k, t } of at) {
      // cell 16's features of the whole strip the lab draws at t
      curveFeatures(futuresSurface(m, t, config).values, config.market.M, f)
      expect(feature('slope 1–6M')[k]).toBe(f.slope16)
      expect(feature('slope 1–12M')[k]).toBe(f.slope112)
      expect(feature('contango score')[k]).toBe(f.contangoScore)
      expect(feature('roll proxy (long front)')[k]).toBe(f.rollLongFront)
      expect(feature('convenience yield')[k]).toBe(convenienceYield(config, m.inventory[t]!))
    }
    expectSameBytes(result, again)
  })

  for (const preset of ['faithful', 'corrected']) {
    it(`yield-curve ${preset}: price, DV01 and convexity per tenor; factors, spreads and the z-scores the rule read in the run`, async () => {
      const { result, again, plan, market, feature } = framesOf('yield-curve', preset)
      const config = plan.config as YieldCurveConfig
      const m = market as YieldMarket
      expect(result.companions!.map((c) => [c.name, c.unit])).toEqual([
        ['bond price', 'per unit face'],
        ['DV01', 'per unit face per bp'],
        ['convexity', 'per unit face']
      ])
      expect(result.summaries.filter((x) => x.source === 'lab').map((x) => x.name)).toEqual(['level β0', 'slope β1', 'curvature β2', 'slope 10Y − 2Y', 'fly 2Y + 30Y − 2·10Y', 'z slope', 'z fly'])
      const size = result.size
      for (const { k, t } of at) {
        // the frame at step t is the notebook's point t + 1
        const bonds = bondsAt(m, t + 1, config)
        const [price, dv01, convexity] = result.companions!.map((c) => Array.from(c.values!.subarray(k * size, (k + 1) * size)))
        expect(price).toEqual(Array.from(bonds.price))
        expect(dv01).toEqual(Array.from(bonds.dv01))
        expect(convexity).toEqual(Array.from(bonds.convexity))
        expect(feature('level β0')[k]).toBe(m.beta0[t + 1])
        expect(feature('slope β1')[k]).toBe(m.beta1[t + 1])
        expect(feature('curvature β2')[k]).toBe(m.beta2[t + 1])
        expect(feature('slope 10Y − 2Y')[k]).toBe(m.y10[t + 1]! - m.y2[t + 1]!)
        expect(feature('fly 2Y + 30Y − 2·10Y')[k]).toBe(m.fly[t + 1])
      }
      // The z-scores are the ones the run's rule logged, step for step, until a drawdown stop
      // skips the policy (and with it the faithful second append).
      const run = await runCollected(yieldCurveLab, config)
      const stop = run.events.find((e) => e.rule === 'drawdown_stop')?.t ?? run.steps
      const whole = surfaceFrames({ key: 'whole', lab: plan.lab, config, market, steps: plan.steps }, { from: 0, count: stop, stride: 1, frames: false })
      const z = (name: string) => Array.from(whole.summaries.find((x) => x.name === name)!.values)
      expect(stop).toBeGreaterThan(100)
      expect(z('z slope')).toEqual(Array.from(run.market.run.zSlope.subarray(0, stop)))
      expect(z('z fly')).toEqual(Array.from(run.market.run.zFly.subarray(0, stop)))
      expect(z('z slope').filter((v) => v !== 0).length).toBeGreaterThan(stop / 2)
      expectSameBytes(result, again)
    })
  }

  for (const preset of ['faithful', 'corrected']) {
    it(`vol-surface ${preset}: ATM IV, skew proxy and term slope read off the grid at t, the regime's smile curvature`, () => {
      const { result, again, plan, market, feature } = framesOf('vol-surface', preset)
      const config = plan.config as VolSurfaceConfig
      const m = market as VolSurfaceMarket
      const g = m.grid
      expect(result.summaries.filter((x) => x.source === 'lab').map((x) => [x.name, x.unit])).toEqual([
        ['ATM IV 30d', 'vol per √step'],
        ['skew proxy 30d', 'vol per √step'],
        ['ATM term slope', 'vol per √step'],
        ['smile curvature', 'per (moneyness)²'],
        ['skew pressure', ''],
        ['vol of vol', 'per √step']
      ])
      expect(result.companions).toBeUndefined()
      const last = g.tenorsDays.length - 1
      for (const { k, t } of at) {
        const s = t + 1 // kernel step t trades the notebook's state t + 1
        expect(feature('ATM IV 30d')[k]).toBe(ivAt(m, s, g, g.tenor30, g.atm))
        expect(feature('skew proxy 30d')[k]).toBe(ivAt(m, s, g, g.tenor30, g.put) - ivAt(m, s, g, g.tenor30, g.call))
        const slope = config.corrections.calendar_slope === 'grid_atm' ? ivAt(m, s, g, last, g.atm) - ivAt(m, s, g, 0, g.atm) : config.surface_params.term_structure_slope[(['calm', 'transition', 'stress'] as const)[m.regime[s]!]!]
        expect(feature('ATM term slope')[k]).toBe(slope)
        expect(feature('smile curvature')[k]).toBe(g.curvatureBy[m.regime[s]!])
        expect(feature('skew pressure')[k]).toBe(m.skew[s])
        expect(feature('vol of vol')[k]).toBe(m.vov[s])
      }
      expectSameBytes(result, again)
    })
  }
})
