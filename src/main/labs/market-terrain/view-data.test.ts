import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planLab } from '../execute'
import { surfaceSource } from '../surfaces'
import type { MarketTerrainConfig } from './config'
import { terrainMarket } from './market'
import { terrainSurface } from './surface'
import { orderByWatershed, terrainBar, terrainSeries, terrainView, upperIndex } from './view-data'

// The Terrain view's data selects and orders the engine's numbers; it computes none. Checked
// against the lab's own surface (surface.ts: another reader of the same market) and the market.

const config = planLab({ task: 'lab', lab: 'market-terrain', preset: 'faithful', overrides: { universe: { bars: 420 } } }).config as MarketTerrainConfig
const market = terrainMarket(config)
const n = market.n

describe('orderByWatershed', () => {
  it('puts each watershed in one contiguous block, in label order, and keeps the run order inside a block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((size) => fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: size, maxLength: size }), fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }))), ([watershed, runOrder]) => {
        const order = orderByWatershed(watershed, runOrder)
        expect([...order].sort((a, b) => a - b)).toEqual([...Array(watershed.length).keys()])
        const labels = order.map((i) => watershed[i]!)
        expect(labels).toEqual([...labels].sort((a, b) => a - b))
        const rank = (i: number) => runOrder.indexOf(i)
        for (let p = 1; p < order.length; p++) if (labels[p] === labels[p - 1]) expect(rank(order[p]!)).toBeGreaterThan(rank(order[p - 1]!))
      })
    )
  })

  it('orders a known case', () => {
    // assets 0…5, watersheds [1, 0, 1, 0, 2, 0], run order 5 3 1 0 2 4
    expect(orderByWatershed([1, 0, 1, 0, 2, 0], [5, 3, 1, 0, 2, 4])).toEqual([5, 3, 1, 0, 2, 4])
    expect(orderByWatershed([0, 0, 1, 1, 0, 1], [5, 3, 1, 0, 2, 4])).toEqual([1, 0, 4, 5, 3, 2])
  })
})

describe('terrainBar', () => {
  const t = 300
  const bar = terrainBar(market, t)
  const surface = terrainSurface(market, t, config)
  const width = surface.axes[1]!.labels.length
  // The surface's rows follow the whole run's leaf order; map an asset to its surface row.
  const row = new Map<number, number>()
  market.order.forEach((asset, r) => row.set(asset, r))

  it('is the lab surface’s correlation matrix, permuted into watershed order', () => {
    expect(bar.order).toHaveLength(n)
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        // (the surface leaves its diagonal 0: no self-links in its network)
        if (p !== q) expect(bar.correlation[p * n + q]).toBe(surface.values[row.get(bar.order[p]!)! * width + row.get(bar.order[q]!)!]!)
      }
    }
    for (let p = 0; p < n; p++) expect(bar.correlation[p * n + p]).toBeCloseTo(1, 12)
  })

  it('carries each asset’s watershed, node hardness and alert count at the bar', () => {
    expect(bar.watershed).toEqual(bar.order.map((i) => market.ward[t * n + i]!))
    expect(new Set(bar.watershed).size).toBe(config.terrain.watersheds)
    bar.order.forEach((asset, p) => {
      expect(bar.nodeHardness[p]).toBe(surface.values[row.get(asset)! * width + n]!)
      expect(bar.nodeAlerts[p]).toBe(surface.values[row.get(asset)! * width + n + 1]!)
    })
  })

  it('lists exactly the pairs in the fault-alert state at the bar, as positions in its order (every bar)', () => {
    let seen = 0
    for (let u = 0; u < market.bars; u++) {
      const b = terrainBar(market, u)
      // As many as the run's own count of active pairs, each asset in as many as its node count.
      expect(b.alerts, `bar ${u}`).toHaveLength(market.alertsActive[u]!)
      const perNode = new Array<number>(n).fill(0)
      for (const a of b.alerts) {
        expect(a.a).toBeLessThan(a.b)
        expect(Math.abs(a.z)).toBeGreaterThan(config.terrain.fault_sigma)
        expect(a.entered).toBeLessThanOrEqual(u)
        perNode[a.a]!++
        perNode[a.b]!++
      }
      expect(perNode).toEqual(Array.from(b.nodeAlerts))
      // A pair that entered at this bar after the first armed bar is in the entry log with the same σ-distance.
      for (const a of b.alerts.filter((x) => x.entered === u)) {
        const [i, j] = [b.order[a.a]!, b.order[a.b]!].sort((x, y) => x - y)
        const logged = market.alertLog.find((x) => x.bar === u && x.i === i && x.j === j)
        if (logged) expect(a.z).toBe(logged.z)
        else expect(market.alertsNew[u]).toBe(0)
      }
      expect(b.alertsComplete).toBe(true)
      seen += b.alerts.length
    }
    expect(seen).toBeGreaterThan(100)
  })

  it('colours each edge by its own hardness: the engine’s per-edge frame, symmetric, and the node hardness its mean', () => {
    const base = (Math.floor(t / market.frameStride) * n * (n - 1)) / 2
    for (let p = 0; p < n; p++) {
      expect(bar.edgeHardness[p * n + p]).toBeNaN()
      let sum = 0
      for (let q = 0; q < n; q++) {
        if (q === p) continue
        const h = bar.edgeHardness[p * n + q]!
        expect(h).toBe(bar.edgeHardness[q * n + p])
        expect(h).toBe(market.edgeFrames[base + upperIndex(n, bar.order[p]!, bar.order[q]!)])
        sum += h
      }
      // The scanner's node hardness is the mean of its edges' (Float32 storage: to 1e-6).
      expect(sum / (n - 1)).toBeCloseTo(bar.nodeHardness[p]!, 6)
    }
    // Edges differ: not one number spread over the matrix.
    expect(new Set(Array.from(bar.edgeHardness).filter(Number.isFinite)).size).toBeGreaterThan(n)
  })

  it('indexes the upper triangle row by row', () => {
    const n5 = 5
    const seen: number[] = []
    for (let i = 0; i < n5; i++) for (let j = i + 1; j < n5; j++) seen.push(upperIndex(n5, i, j))
    expect(seen).toEqual([...Array(10).keys()])
    expect(upperIndex(n5, 3, 1)).toBe(upperIndex(n5, 1, 3))
  })

  it('shows the frame the engine kept for the bar', () => {
    expect(market.frameStride).toBe(1)
    expect(bar.frameBar).toBe(t)
  })
})

describe('terrainSeries', () => {
  const series = terrainSeries(market, config)
  const feature = (t: number, name: string) => terrainSurface(market, t, config).features!.find((f) => f.name === name)!.value

  it('holds per bar what the lab surface’s features read at that bar', () => {
    const pairs = [
      ['eigenHardness', 'eigen hardness'],
      ['absorption', 'absorption ratio'],
      ['effectiveRank', 'effective rank'],
      ['stateRisk', 'state risk'],
      ['forecastMomentum', 'forecast momentum'],
      ['ellipseMajor', 'ellipse semi-major'],
      ['ellipseAngle', 'ellipse angle'],
      ['riskOffBoundary', 'risk_off boundary'],
      ['pressure', 'pressure'],
      ['fragility', 'fragility'],
      ['trigger', 'trailhead']
    ] as const
    // (the surface reads a value not yet defined as 0; the series keeps it NaN)
    const read = (x: number) => (Number.isFinite(x) ? x : 0)
    let defined = 0
    for (const t of [150, 280, 340, 419]) {
      for (const [column, name] of pairs) {
        expect(read(series.columns[column][t]!), `${column} at ${t}`).toBe(feature(t, name))
        if (Number.isFinite(series.columns[column][t]!)) defined++
      }
    }
    expect(defined).toBeGreaterThan(30)
    expect(Array.from(series.columns.regime)).toEqual(Array.from(market.universe.regime))
    for (const c of Object.values(series.columns)) expect(c).toHaveLength(420)
  })

  it('names the preset’s triggers (the faithful preset reads A: both indices at the 80th percentile)', () => {
    expect(series.trailhead).toMatchObject({ id: 'A', normalise: 'percentile', pressureMin: 0.8, fragilityMin: 0.8, oneWayMin: null, window: 252 })
    expect(series.assets).toHaveLength(n)
    expect(series.assetClasses.slice(0, 1)).toEqual(['equity'])
    expect(series.terrainFrom).toBe(59)
  })
})

describe('terrainView', () => {
  it('refuses a run of another lab and a bar past the end, in one line each', () => {
    const other = surfaceSource({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 50 } })
    expect(() => terrainView(other, 0, false)).toThrow('The Terrain view reads market-terrain runs; this run is a fx-carry run.')
    const source = { key: 'k', lab: { id: 'market-terrain' } as never, config, market, steps: 420 }
    expect(() => terrainView(source, 420, false)).toThrow('bar must be < 420, the run\'s bar count (got 420)')
    expect(terrainView(source, 10, false)).toMatchObject({ series: null, bar: { bar: 10 } })
  })
})
