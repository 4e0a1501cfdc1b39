import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { circularByCluster, clusterBoundaries, edgesAbove, ellipsePoints, linearScale, paddedDomain, seriesPath, spansOf, strongestEdges } from './terrain-model'

describe('clusterBoundaries', () => {
  it('marks each position where the watershed changes', () => {
    expect(clusterBoundaries([0, 0, 1, 1, 1, 2])).toEqual([2, 5])
    expect(clusterBoundaries([3])).toEqual([])
    expect(clusterBoundaries([])).toEqual([])
  })
})

describe('edgesAbove', () => {
  // 4 assets: ρ01 = 0.8, ρ02 = −0.6, ρ03 = 0.1, ρ12 = 0.3, ρ13 = 0.5, ρ23 = −0.05
  const C = [1, 0.8, -0.6, 0.1, 0.8, 1, 0.3, 0.5, -0.6, 0.3, 1, -0.05, 0.1, 0.5, -0.05, 1]
  // Per-edge hardness, symmetric, NaN on the diagonal; edge 1–3 not read yet (NaN).
  const N = Number.NaN
  const hardness = [N, 0.81, 0.42, 0.66, 0.81, N, 0.3, N, 0.42, 0.3, N, 0.2, 0.66, N, 0.2, N]

  it('keeps the pairs with |ρ| at or above the threshold, negative ones included, weakest first', () => {
    const edges = edgesAbove(C, 4, 0.5, hardness, [])
    expect(edges.map((e) => [e.a, e.b, e.rho])).toEqual([
      [1, 3, 0.5],
      [0, 2, -0.6],
      [0, 1, 0.8]
    ])
    // Each edge carries its own hardness, not its ends' mean (0–1 is 0.81; the mean of nodes would differ).
    expect(edges.map((e) => e.hardness)).toEqual([Number.NaN, 0.42, 0.81])
  })

  it('always keeps a fault-alert pair, whichever way round it is named, and draws it last', () => {
    const alert = { a: 3, b: 2, z: -2.5, entered: 10 }
    const edges = edgesAbove(C, 4, 0.7, hardness, [alert])
    expect(edges.map((e) => [e.a, e.b, e.alert])).toEqual([
      [0, 1, false],
      [2, 3, true]
    ])
  })

  it('a higher threshold never adds an edge (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 25, maxLength: 25 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (values, t1, t2) => {
        const lo = Math.min(t1, t2)
        const hi = Math.max(t1, t2)
        const key = (e: { a: number; b: number }) => `${e.a}-${e.b}`
        const loose = new Set(edgesAbove(values, 5, lo, new Array(25).fill(1), []).map(key))
        for (const e of edgesAbove(values, 5, hi, new Array(25).fill(1), [])) expect(loose.has(key(e))).toBe(true)
      })
    )
  })
})

describe('strongestEdges', () => {
  it('keeps the strongest plain edges and the strongest alert edges, in drawing order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 36, maxLength: 36 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5 }), (values, plain, alerts) => {
        const alertPairs = [
          { a: 0, b: 5, z: 2.5, entered: 1 },
          { a: 1, b: 2, z: -3, entered: 1 },
          { a: 3, b: 4, z: 2.1, entered: 0 }
        ]
        const all = edgesAbove(values, 6, 0.2, new Array(36).fill(0.5), alertPairs)
        const kept = strongestEdges(all, plain, alerts)
        const allPlain = all.filter((e) => !e.alert)
        const keptPlain = kept.filter((e) => !e.alert)
        expect(keptPlain).toEqual(allPlain.slice(Math.max(0, allPlain.length - plain)))
        expect(kept.filter((e) => e.alert)).toEqual(all.filter((e) => e.alert).slice(Math.max(0, 3 - alerts)))
        // Alerts still draw last.
        expect(kept.slice(keptPlain.length).every((e) => e.alert)).toBe(true)
      })
    )
  })
})

describe('circularByCluster', () => {
  it('puts the nodes on the circle, the first at the top, with one empty slot between watersheds', () => {
    const pos = circularByCluster([0, 0, 1, 1], 100, 100, 50)
    for (const p of pos) expect(Math.hypot(p.x - 100, p.y - 100)).toBeCloseTo(50, 12)
    expect(pos[0]).toMatchObject({ x: 100, y: 50 })
    // 4 nodes + 2 gaps = 6 slots: 0, 1, (gap), 3, 4
    expect(pos.map((p) => Math.round((p.angle * 6) / (2 * Math.PI)))).toEqual([0, 1, 3, 4])
  })

  it('leaves no gap when every node is in one watershed', () => {
    const pos = circularByCluster([2, 2, 2], 0, 0, 1)
    expect(pos.map((p) => Math.round((p.angle * 3) / (2 * Math.PI)))).toEqual([0, 1, 2])
  })
})

describe('ellipsePoints', () => {
  it('lies on the 95 % contour of the forecast covariance: (x − m)ᵀ P⁻¹ (x − m) = −2 ln 0.05', () => {
    // P = [[2, 0.6], [0.6, 0.5]]; semi-axes and angle from NumPy:
    //   w, V = np.linalg.eigh(P); c = -2*np.log(0.05)
    //   np.sqrt(c*w[1]), np.sqrt(c*w[0]), np.arctan2(V[1,1], V[0,1])
    const c = 5.99146454710798
    const [a, b, angle] = [3.6392230575743754, 1.317086521451406, -2.804222182478017]
    const det = 2 * 0.5 - 0.6 * 0.6
    const points = ellipsePoints(0.4, -1.2, a, b, angle, 48)
    expect(points).toHaveLength(48)
    for (const [x, y] of points) {
      const dx = x - 0.4
      const dy = y + 1.2
      expect((0.5 * dx * dx - 2 * 0.6 * dx * dy + 2 * dy * dy) / det).toBeCloseTo(c, 10)
    }
  })

  it('reaches the semi-major axis along its angle and is a circle when the axes are equal', () => {
    const [first] = ellipsePoints(1, 2, 3, 1, Math.PI / 6)
    expect(first![0]).toBeCloseTo(1 + 3 * Math.cos(Math.PI / 6), 12)
    expect(first![1]).toBeCloseTo(2 + 3 * Math.sin(Math.PI / 6), 12)
    for (const [x, y] of ellipsePoints(0, 0, 2, 2, 1.1)) expect(Math.hypot(x, y)).toBeCloseTo(2, 12)
  })
})

describe('scales, domains, paths and spans', () => {
  it('maps a domain onto a range, widening a zero-width domain', () => {
    const y = linearScale([0, 1], [200, 0])
    expect([y(0), y(0.5), y(1)]).toEqual([200, 100, 0])
    expect(linearScale([3, 3], [0, 10]).domain).toEqual([2, 4])
  })

  it('pads the finite extent of several columns over a bar range, and extra values widen it', () => {
    expect(paddedDomain([[Number.NaN, 1, 3], [2, 5, 9]], 1, 2, 0)).toEqual([1, 5])
    const [lo, hi] = paddedDomain([[0, 10]], 0, 2, 0.1, [12])
    expect(lo).toBeCloseTo(-1.2, 12)
    expect(hi).toBeCloseTo(13.2, 12)
    expect(paddedDomain([[Number.NaN]])).toEqual([0, 1])
  })

  it('draws a series path that breaks at NaN', () => {
    expect(seriesPath([1, 2, Number.NaN, 4], (t) => t * 10, (v) => v)).toBe('M0.0,1.0L10.0,2.0M30.0,4.0')
  })

  it('finds the runs of a code (the log-don’t-fire marks, regime spans)', () => {
    expect(spansOf([0, 2, 2, 1, 2, 3, 2], 2)).toEqual([
      [1, 2],
      [4, 4],
      [6, 6]
    ])
    expect(spansOf([], 1)).toEqual([])
  })
})
