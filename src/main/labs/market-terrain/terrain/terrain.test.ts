import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jacobiEigen, LeadingEigen } from './eigen'
import { TerrainParams } from './params'
import { invertSpd, linkComponents, partialCorrelation, ShrunkInverse } from './precision'
import { RollingCorrelation, RollingWindow } from './rolling'
import { cheaperProducts, TerrainScanner } from './scanner'
import { cutTree, leafOrder, WardClusterer } from './ward'
import { lcgNoise } from '../test-support'

// Reference values: tools/fixtures/market-terrain.py (NumPy eigh/corrcoef/inv, SciPy ward linkage).
const fixture = JSON.parse(readFileSync(join(__dirname, '../__fixtures__/terrain.json'), 'utf8')) as {
  eigh8: { matrix: number[]; values: number[]; vectors: number[] }
  eigh40: { matrix: number[]; values: number[]; vectors: number[]; participation: number }
  ward12: { matrix: number[]; Z: number[]; leaves: number[]; maxclust3: number[] }
  rolling: { returns: number[]; n: number; window: number; corr: number[]; shrunk_0_1: number[] }
  precision: { matrix: number[]; theta: number[]; partial: number[] }
}

/** |cos| between vector k of two contiguous sets: eigenvectors are unique up to sign. */
function absCos(a: ArrayLike<number>, b: ArrayLike<number>, k: number, n: number): number {
  let dot = 0
  for (let i = 0; i < n; i++) dot += a[k * n + i]! * b[k * n + i]!
  return Math.abs(dot)
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance)
}

describe('symmetric eigen-solvers', () => {
  it('Jacobi matches numpy.linalg.eigh on an 8 × 8 correlation matrix', () => {
    const { values, vectors } = jacobiEigen(fixture.eigh8.matrix, 8)
    expectClose(values, fixture.eigh8.values, 1e-12)
    for (let k = 0; k < 8; k++) expect(absCos(vectors, fixture.eigh8.vectors, k, 8)).toBeCloseTo(1, 10)
  })

  it('subspace iteration finds the leading five eigenpairs of a 40-asset matrix as eigh does', () => {
    const solver = new LeadingEigen(40, 5)
    solver.solve(Float64Array.from(fixture.eigh40.matrix), 1)
    expectClose(solver.values, fixture.eigh40.values, 1e-8)
    for (let k = 0; k < 5; k++) expect(absCos(solver.vectors, fixture.eigh40.vectors, k, 40)).toBeCloseTo(1, 6)
  })

  it('Jacobi returns an orthonormal basis that rebuilds any symmetric matrix (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 49, maxLength: 49 }), (n, raw) => {
        const A = new Float64Array(n * n)
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = raw[i * 7 + j]!
        const { values, vectors } = jacobiEigen(A, n)
        for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!)
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let rebuilt = 0
            for (let k = 0; k < n; k++) rebuilt += values[k]! * vectors[k * n + i]! * vectors[k * n + j]!
            expect(Math.abs(rebuilt - A[i * n + j]!)).toBeLessThan(1e-9 * (1 + Math.abs(A[i * n + j]!)) + 1e-9)
          }
        }
      }),
      { numRuns: 60 }
    )
  })
})

describe('rolling correlation', () => {
  it('matches numpy.corrcoef over the last window, after 70 incremental updates, and its shrinkage', () => {
    const { returns, n, window } = fixture.rolling
    const rolling = new RollingCorrelation(n, window)
    for (let t = 0; t < returns.length / n; t++) rolling.push(returns, t * n)
    const raw = new Float64Array(n * n)
    rolling.correlation(raw, 0)
    expectClose(raw, fixture.rolling.corr, 1e-12)
    const shrunk = new Float64Array(n * n)
    rolling.correlation(shrunk, 0.1)
    expectClose(shrunk, fixture.rolling.shrunk_0_1, 1e-12)
  })

  it('gives a constant asset zero correlation instead of NaN', () => {
    const rolling = new RollingCorrelation(2, 3)
    for (const x of [0.01, -0.02, 0.03]) rolling.push([x, 0.5])
    const C = new Float64Array(4)
    rolling.correlation(C, 0)
    expect(Array.from(C)).toEqual([1, 0, 0, 1])
  })
})

describe('correlation products from the window’s returns', () => {
  // 40 assets, a 25-bar window (rank < n, the case the returns path is for), one asset constant.
  const n = 40
  const window = 25
  const noise = lcgNoise(777)
  const bars = 60
  const R = new Float64Array(bars * n)
  for (let t = 0; t < bars; t++) {
    const market = noise()
    for (let i = 0; i < n; i++) R[t * n + i] = i === 7 ? 0.01 : (i % 3) * 0.3 * market + noise()
  }
  const Q = new Float64Array(n * 6)
  for (let i = 0; i < Q.length; i++) Q[i] = noise()

  for (const shrinkage of [0, 0.1, 0.5]) {
    it(`apply C_s·Q as the explicit shrunk matrix does (δ = ${shrinkage}), and give the same ρ̄`, () => {
      const explicit = new RollingCorrelation(n, window)
      const returns = new RollingWindow(n, window)
      for (let t = 0; t < bars; t++) {
        explicit.push(R, t * n)
        returns.push(R, t * n)
      }
      const C = new Float64Array(n * n)
      const mean = explicit.correlation(C, shrinkage)
      expect(returns.meanCorrelation()).toBeCloseTo(mean, 14)
      const expected = new Float64Array(n * 6)
      for (let i = 0; i < n; i++) for (let v = 0; v < 6; v++) for (let j = 0; j < n; j++) expected[i * 6 + v] = expected[i * 6 + v]! + C[i * n + j]! * Q[j * 6 + v]!
      const Y = new Float64Array(n * 6)
      returns.multiplyShrunk(Q, 6, shrinkage, mean, Y)
      expectClose(Y, Array.from(expected), 1e-12)
    })
  }

  for (const [label, sign] of [['ρ̄ > 0', 1], ['ρ̄ < 0', -1]] as const) {
    it(`invert the shrunk matrix by Woodbury as Cholesky does (${label}, a constant asset)`, () => {
      // sign −1: odd assets load on −market, so most cross pairs are negative.
      const data = new Float64Array(bars * n)
      const local = lcgNoise(4242)
      for (let t = 0; t < bars; t++) {
        const market = local()
        for (let i = 0; i < n; i++) data[t * n + i] = i === 7 ? 0.01 : (sign < 0 && i % 2 ? -1 : 1) * 0.8 * market + local()
      }
      const rolling = new RollingCorrelation(n, window)
      for (let t = 0; t < bars; t++) rolling.push(data, t * n)
      const woodbury = new ShrunkInverse(n, window)
      for (const shrinkage of [0.1, 0.5]) {
        const C = new Float64Array(n * n)
        const mean = rolling.correlation(C, shrinkage)
        expect(Math.sign(mean)).toBe(sign)
        const Zt = new Float64Array(n * window)
        rolling.standardized(Zt)
        const theta = new Float64Array(n * n)
        expect(woodbury.invert(Zt, shrinkage, mean, theta)).toBe(true)
        const expected = invertSpd(C, n)
        const scale = Math.max(...Array.from(expected, Math.abs))
        expectClose(theta, Array.from(expected), 1e-10 * scale)
      }
      // No ridge (δ = 0, W < n: C is singular): Woodbury declines and leaves the matrix path to say so.
      const C0 = new Float64Array(n * n)
      const mean0 = rolling.correlation(C0, 0)
      const Zt = new Float64Array(n * window)
      rolling.standardized(Zt)
      expect(woodbury.invert(Zt, 0, mean0, new Float64Array(n * n))).toBe(false)
      expect(() => invertSpd(C0, n)).toThrow(/not positive definite/)
    })
  }

  it('refuses a window that is not yet full', () => {
    const returns = new RollingWindow(3, 5)
    returns.push([0.1, 0.2, 0.3])
    expect(() => returns.multiplyShrunk(new Float64Array(3), 1, 0.1, 0, new Float64Array(3))).toThrow(/^multiplyShrunk needs a full window \(1 of 5 bars\)/)
  })

  it('picks the returns for windows well under n and the matrix otherwise', () => {
    expect(cheaperProducts(500, 60, 7, true)).toBe('returns')
    expect(cheaperProducts(500, 240, 7, false)).toBe('returns')
    expect(cheaperProducts(100, 60, 7, true)).toBe('matrix')
    expect(cheaperProducts(100, 240, 7, false)).toBe('matrix')
  })
})

describe('Ward watersheds', () => {
  it('builds scipy’s ward linkage, leaves_list and fcluster maxclust on a correlation distance', () => {
    const clusterer = new WardClusterer(12)
    const tree = clusterer.fromCorrelation(Float64Array.from(fixture.ward12.matrix))
    expectClose(tree.Z, fixture.ward12.Z, 1e-10)
    const order = leafOrder(tree)
    expect(Array.from(order)).toEqual(fixture.ward12.leaves)
    const labels = cutTree(tree, 3, order)
    // Same partition as scipy's (labels differ: ours count in leaf order).
    for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) expect(labels[i] === labels[j]).toBe(fixture.ward12.maxclust3[i] === fixture.ward12.maxclust3[j])
    expect(labels[order[0]!]).toBe(0)
  })
})

describe('Ward cut', () => {
  it('cuts into one cluster, into singletons, and into every k between with k clusters counted along the leaves', () => {
    const tree = new WardClusterer(12).fromCorrelation(Float64Array.from(fixture.ward12.matrix))
    const order = leafOrder(tree)
    expect(Array.from(cutTree(tree, 1, order))).toEqual(new Array(12).fill(0))
    const singletons = cutTree(tree, 12, order)
    expect(Array.from(order, (leaf) => singletons[leaf])).toEqual(Array.from({ length: 12 }, (_, i) => i))
    const scratch = new Int32Array(48)
    for (let k = 1; k <= 12; k++) {
      const labels = cutTree(tree, k, order, new Int32Array(12), scratch)
      expect(new Set(labels).size).toBe(k)
      // Labels first appear in increasing order along the leaf order.
      let seen = -1
      for (const leaf of order) {
        expect(labels[leaf]!).toBeLessThanOrEqual(seen + 1)
        seen = Math.max(seen, labels[leaf]!)
      }
    }
  })
})

describe('precision watersheds', () => {
  it('inverts the shrunk correlation and gives numpy’s partial correlations', () => {
    const C = Float64Array.from(fixture.precision.matrix)
    const theta = invertSpd(C, 6)
    expectClose(theta, fixture.precision.theta, 1e-10)
    expectClose(partialCorrelation(theta, 6), fixture.precision.partial, 1e-12)
  })

  it('links assets whose |partial correlation| reaches the threshold into one watershed', () => {
    const P = Float64Array.from([1, 0.5, 0, 0, 0.5, 1, 0, 0, 0, 0, 1, -0.3, 0, 0, -0.3, 1])
    expect(Array.from(linkComponents(P, 4, 0.4))).toEqual([0, 0, 1, 2])
    expect(Array.from(linkComponents(P, 4, 0.3))).toEqual([0, 0, 1, 1])
  })

  it('says which asset breaks positive definiteness', () => {
    expect(() => invertSpd(Float64Array.from([1, 1, 1, 1]), 2)).toThrow(/^the correlation matrix is not positive definite at asset 2/)
  })
})

describe('terrain scanner', () => {
  const returnsFor = (bars: number, n: number, split: (t: number) => boolean) => {
    // Two blocks that swap partners at the split: a fault line by construction.
    const R = new Float64Array(bars * n)
    const noise = lcgNoise(12345)
    for (let t = 0; t < bars; t++) {
      const f = [noise(), noise()]
      for (let i = 0; i < n; i++) {
        const block = split(t) ? i % 2 : i < n / 2 ? 0 : 1
        R[t * n + i] = f[block]! + 0.5 * noise()
      }
    }
    return R
  }

  it('fires fault-line alerts on the pairs whose correlation the break moved', () => {
    const n = 8
    const R = returnsFor(700, n, (t) => t >= 500)
    const scanner = new TerrainScanner(n, TerrainParams.parse({ short_window: 30, long_window: 120, fault_history_half_life: 120 }))
    let activeBefore = 0
    let activeAfter = 0
    for (let t = 0; t < 700; t++) {
      const r = scanner.step(R, t * n)
      if (t >= 300 && t < 500) activeBefore += r.alertsActive / 200
      if (t >= 515 && t < 535) activeAfter += r.alertsActive / 20
    }
    // The break moves 16 of the 28 pairs (same block ↔ different block); at 2σ noise lights ~5 %.
    expect(activeAfter).toBeGreaterThan(10)
    expect(activeAfter).toBeGreaterThan(4 * activeBefore)
    const moved = new Set(scanner.alertLog.filter((a) => a.bar >= 500 && a.bar < 535).map((a) => `${a.i}-${a.j}`))
    const sameBlockBefore = (i: number, j: number) => i < 4 === j < 4
    const sameBlockAfter = (i: number, j: number) => i % 2 === j % 2
    const changed = [...moved].filter((key) => {
      const [i, j] = key.split('-').map(Number) as [number, number]
      return sameBlockBefore(i, j) !== sameBlockAfter(i, j)
    })
    expect(changed.length).toBeGreaterThanOrEqual(12)
    expect(scanner.alertLog.every((a) => Math.abs(a.z) > 2 && a.i < a.j)).toBe(true)
  })

  it('scores each alert against the start-up-corrected EWMA norm of its pair, recomputed here', () => {
    // Reference: West's EWMA of the pair's short-window correlation, variance divided by its
    // weight mass 1 − decayʰ (h updates so far), written out independently of the scanner.
    const n = 8
    const R = returnsFor(900, n, (t) => t >= 600)
    const params = TerrainParams.parse({ short_window: 30, long_window: 120, fault_history_half_life: 120, fault_min_history: 30 })
    const scanner = new TerrainScanner(n, params)
    const decay = 2 ** (-1 / 120)
    const m = new Float64Array(n * n)
    const v = new Float64Array(n * n)
    let h = -1
    const expected = new Map<string, number>()
    for (let t = 0; t < 900; t++) {
      const r = scanner.step(R, t * n)
      if (!r.ready) continue
      h++
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const rho = r.correlation[i * n + j]!
          if (h === 0) {
            m[i * n + j] = rho
            continue
          }
          const sd = h === 1 ? 0 : Math.sqrt(v[i * n + j]! / (1 - decay ** (h - 1)))
          if (sd > 0) expected.set(`${t}:${i}-${j}`, (rho - m[i * n + j]!) / sd)
          const d = rho - m[i * n + j]!
          m[i * n + j] = m[i * n + j]! + (1 - decay) * d
          v[i * n + j] = decay * (v[i * n + j]! + (1 - decay) * d * d)
        }
      }
    }
    expect(scanner.alertLog.length).toBeGreaterThan(20)
    for (const a of scanner.alertLog) expect(Math.abs(a.z - expected.get(`${a.bar}:${a.i}-${a.j}`)!)).toBeLessThan(1e-9)
  })

  it('does not log the pairs already beyond k·σ when alerts arm as new fault lines', () => {
    const n = 16
    const R = returnsFor(1500, n, () => false)
    const scanner = new TerrainScanner(n, TerrainParams.parse({ short_window: 60, long_window: 240, fault_min_history: 60 }))
    const fresh: number[] = []
    const active: number[] = []
    for (let t = 0; t < 1500; t++) {
      const r = scanner.step(R, t * n)
      fresh.push(r.alertsNew)
      active.push(r.alertsActive)
    }
    const armedAt = 59 + 60 // short window full at bar 59 (history 1), armed at history 61
    expect(fresh.slice(0, armedAt).every((x) => x === 0)).toBe(true)
    // The opening stock is in the alert state (counted active) but entered nothing at this bar.
    expect(active[armedAt]).toBeGreaterThan(0)
    expect(fresh[armedAt]).toBe(0)
    expect(scanner.alertLog.every((a) => a.bar > armedAt)).toBe(true)
  })

  it('fires at its steady rate from the first armed bar once a pair has a half-life of history (corrected)', () => {
    // A stable market: alerts are noise at a steady rate. A σ from 60 bars of a 60-bar window's
    // correlation is one window's wobble, so the first armed bars run hot; after 240 bars (the
    // norm's half-life, the corrected preset's fault_min_history) they do not.
    const n = 16
    const bars = 1800
    const R = returnsFor(bars, n, () => false)
    const earlyRate = (minHistory: number) => {
      const scanner = new TerrainScanner(n, TerrainParams.parse({ short_window: 60, long_window: 240, fault_min_history: minHistory }))
      const fresh: number[] = []
      for (let t = 0; t < bars; t++) fresh.push(scanner.step(R, t * n).alertsNew)
      const armedAt = 59 + minHistory
      const rate = (from: number, to: number) => fresh.slice(from, to).reduce((a, b) => a + b, 0) / (to - from)
      return rate(armedAt, armedAt + 30) / rate(600, bars)
    }
    const seedRule = earlyRate(60)
    const corrected = earlyRate(240)
    expect(seedRule).toBeGreaterThan(1.5)
    expect(corrected).toBeLessThan(1.5)
    expect(corrected).toBeLessThan(seedRule / 1.5)
  })

  it('reads a stable two-block market as hard, two watersheds, absorption and rank as eigh gives', () => {
    const n = 8
    const R = returnsFor(400, n, () => false)
    const scanner = new TerrainScanner(n, TerrainParams.parse({ short_window: 60, long_window: 240, watersheds: 2, hardness_components: 2 }))
    let r = scanner.step(R, 0)
    for (let t = 1; t < 400; t++) r = scanner.step(R, t * n)
    // Two equal blocks: PC1 and PC2 share an eigenvalue, so only the 2-D subspace is stable.
    expect(r.eigenHardness).toBeGreaterThan(0.95)
    expect(Array.from(r.cluster.subarray(0, 4)).every((c) => c === r.cluster[0])).toBe(true)
    expect(Array.from(r.cluster.subarray(4)).every((c) => c === r.cluster[4])).toBe(true)
    expect(r.cluster[0]).not.toBe(r.cluster[4])
    const full = jacobiEigen(r.correlation, n)
    // Two warm-started iterations a bar: the third (noise) eigenvalue lags its exact value slightly.
    expect(r.absorption).toBeCloseTo((full.values[0]! + full.values[1]! + full.values[2]!) / n, 4)
    const sum = full.values.reduce((a, b) => a + b, 0)
    const sq = full.values.reduce((a, b) => a + b * b, 0)
    expect(r.effectiveRank).toBeCloseTo((sum * sum) / sq, 10)
  })

  it('reads the same terrain whether the PCA multiplies by the matrix or by the returns', () => {
    const n = 24
    const R = returnsFor(420, n, (t) => t >= 300)
    const params = TerrainParams.parse({ short_window: 10, long_window: 40, fault_history_half_life: 40, fault_min_history: 10, precision_every: 5 })
    const byMatrix = new TerrainScanner(n, params, { products: { short: 'matrix', long: 'matrix' }, precision: 'matrix' })
    const byReturns = new TerrainScanner(n, params, { products: { short: 'returns', long: 'returns' }, precision: 'returns' })
    for (let t = 0; t < 420; t++) {
      const a = byMatrix.step(R, t * n)
      const b = byReturns.step(R, t * n)
      for (const key of ['eigenHardness', 'pc1Stability', 'absorption', 'effectiveRank', 'edgeHardness'] as const) {
        if (Number.isNaN(a[key])) expect(b[key]).toBeNaN()
        else expect(Math.abs(a[key] - b[key])).toBeLessThan(1e-10)
      }
      expectClose(b.eigenvalues, Array.from(a.eigenvalues), 1e-10)
      expect(Array.from(b.cluster)).toEqual(Array.from(a.cluster))
      expect(Array.from(b.precisionCluster)).toEqual(Array.from(a.precisionCluster))
    }
    expect(byReturns.alertTotal).toBe(byMatrix.alertTotal)
  })

  it('clusters the distances written beside the correlation exactly as Ward of the correlation itself', () => {
    const n = 24
    const R = returnsFor(260, n, (t) => t >= 150)
    const params = TerrainParams.parse({ short_window: 20, long_window: 80, watersheds: 4 })
    const scanner = new TerrainScanner(n, params)
    const reference = new WardClusterer(n)
    const order = new Int32Array(n)
    const cluster = new Int32Array(n)
    for (let t = 0; t < 260; t++) {
      const r = scanner.step(R, t * n)
      if (!r.ready) continue
      const tree = reference.fromCorrelation(Float64Array.from(r.correlation))
      leafOrder(tree, order)
      cutTree(tree, 4, order, cluster)
      expect(Array.from(r.order)).toEqual(Array.from(order))
      expect(Array.from(r.cluster)).toEqual(Array.from(cluster))
    }
  })

  it('keeps the rolling correlation equal to a direct sum over the window (the two-row kernel), for odd and even n', () => {
    for (const n of [7, 8]) {
      const noise = lcgNoise(99 + n)
      const R = Float64Array.from({ length: 90 * n }, () => noise())
      const rolling = new RollingCorrelation(n, 30)
      for (let t = 0; t < 90; t++) rolling.push(R, t * n)
      const C = new Float64Array(n * n)
      rolling.correlation(C, 0)
      // Reference: the same centred sums, one row at a time over the last 30 bars.
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let cross = 0
          let si = 0
          let sj = 0
          let qi = 0
          let qj = 0
          for (let t = 0; t < 90; t++) {
            const xi = R[t * n + i]! - R[i]!
            const xj = R[t * n + j]! - R[j]!
            const inWindow = t >= 60 ? 1 : 0
            cross += inWindow * xi * xj
            si += inWindow * xi
            sj += inWindow * xj
            qi += inWindow * xi * xi
            qj += inWindow * xj * xj
          }
          const rho = (cross - (si * sj) / 30) / Math.sqrt((qi - (si * si) / 30) * (qj - (sj * sj) / 30))
          expect(Math.abs(C[i * n + j]! - rho)).toBeLessThan(1e-12)
        }
      }
    }
  })

  it('computes the participation ratio of the 40-asset fixture as eigh’s spectrum gives it', () => {
    const C = fixture.eigh40.matrix
    let frob = 0
    for (const x of C) frob += x * x
    expect(1600 / frob).toBeCloseTo(fixture.eigh40.participation, 10)
  })
})
