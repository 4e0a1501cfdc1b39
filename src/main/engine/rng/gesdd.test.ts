import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Gesdd, svdSquare } from './gesdd'
import { RandomState } from './mt19937'

// Fixtures from tools/fixtures/numpy-svd.py, run once per LAPACK: `reflapack` is NumPy 1.24.2 on
// Debian's Reference LAPACK 3.11 + reference BLAS (the library gesdd.ts ports: bit for bit);
// `openblas` is NumPy 2.4.6's scipy-openblas wheel, the NumPy the notebook fixtures are made with
// (its BLAS kernels sum in another order, so a few ulps; a repeated singular value leaves the
// basis of its vectors to the library, so those cases are recorded and not asserted).

interface SvdCase {
  name: string
  n: number
  distinct: boolean
  m: number[]
  s: number[]
  vh: number[]
}
interface MvnCase {
  seed: number
  mean: number[]
  cov: number[]
  draws: number[][]
  python: string
}
interface SvdFixture {
  provenance: Record<string, string>
  svd: SvdCase[]
  multivariateNormal: MvnCase[]
}

const load = (lapack: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/numpy-svd-${lapack}.json`, import.meta.url), 'utf8')) as SvdFixture

/** Largest |a − b| over the vectors and |a − b|/s₁ over the singular values; and whether any vector came out with the other sign. */
function svdError(c: SvdCase): { err: number; flipped: boolean } {
  const { s, vt } = svdSquare(c.m, c.n)
  let err = 0
  let flipped = false
  for (let i = 0; i < c.n; i++) {
    err = Math.max(err, Math.abs(s[i]! - c.s[i]!) / c.s[0]!)
    let dot = 0
    for (let j = 0; j < c.n; j++) {
      const a = vt[i * c.n + j]!
      const b = c.vh[i * c.n + j]!
      dot += a * b
      err = Math.max(err, Math.abs(a - b))
    }
    if (dot < 0) flipped = true
  }
  return { err, flipped }
}

describe('numpy.linalg.svd port (LAPACK dgesdd)', () => {
  const ref = load('reflapack')
  const ob = load('openblas')

  it('matches Reference LAPACK 3.11 bit for bit, repeated singular values included', () => {
    expect(ref.provenance.lapack).toBe('reflapack')
    for (const c of ref.svd) {
      const { s, vt } = svdSquare(c.m, c.n)
      expect(Array.from(s), c.name).toEqual(c.s)
      expect(Array.from(vt), c.name).toEqual(c.vh)
    }
  })

  it('matches the OpenBLAS NumPy of the notebook fixtures to 1e-13, signs included, where singular values are distinct', () => {
    expect(ob.provenance.lapack).toBe('openblas')
    let worst = 0
    for (const c of ob.svd.filter((x) => x.distinct)) {
      const { err, flipped } = svdError(c)
      expect(flipped, c.name).toBe(false)
      worst = Math.max(worst, err)
    }
    expect(worst).toBeLessThan(1e-13)
  })

  it('chapter 7 covariances have distinct singular values, so their vectors are fixed up to the sign dgesdd picks', () => {
    for (const c of ob.svd.filter((x) => x.name.startsWith('ch7'))) {
      const { s } = svdSquare(c.m, c.n)
      for (let i = 1; i < c.n; i++) expect((s[i - 1]! - s[i]!) / s[0]!, c.name).toBeGreaterThan(1e-4)
    }
  })

  it('reuses its workspace: a second factorisation of the same matrix gives the same bits', () => {
    const c = ref.svd[0]!
    const g = new Gesdd(c.n)
    g.factor(ref.svd[5]!.m.length === c.m.length ? ref.svd[5]!.m : c.m)
    g.factor(c.m)
    expect(Array.from(g.vt)).toEqual(c.vh)
  })

  it('refuses NaN and the orders and scales it does not port', () => {
    expect(() => svdSquare([Number.NaN], 1)).toThrow(/NaN/)
    expect(() => new Gesdd(0)).toThrow(/≥ 1/)
    expect(() => svdSquare(new Float64Array(26 * 26), 26)).toThrow(/divide-and-conquer/)
    expect(() => svdSquare([1e-300, 0, 0, 1e-300], 2)).toThrow(/unscaled range/)
  })
})

describe('RandomState.multivariateNormal', () => {
  for (const lapack of ['reflapack', 'openblas'] as const) {
    it(`reproduces np.random.RandomState(seed).multivariate_normal on ${lapack}`, () => {
      const f = load(lapack)
      let worst = 0
      for (const c of f.multivariateNormal) {
        const rs = new RandomState(c.seed)
        for (const draw of c.draws) {
          const x = rs.multivariateNormal(c.mean, c.cov)
          for (let j = 0; j < draw.length; j++) {
            if (lapack === 'reflapack') expect(x[j], c.python).toBe(draw[j])
            worst = Math.max(worst, Math.abs(x[j]! - draw[j]!) / Math.abs(draw[j]!))
          }
        }
      }
      expect(worst).toBeLessThan(1e-12)
    })
  }

  it('draws the same bits whether an unchanged covariance is factored again or reused', () => {
    const ref = load('reflapack')
    const a = ref.multivariateNormal[0]!
    const b = ref.multivariateNormal[1]!
    const aNegZero = a.cov.map((x, i) => (i === 1 ? -0 : x))
    const aPosZero = a.cov.map((x, i) => (i === 1 ? 0 : x))
    const covs = [a.cov, a.cov, b.cov, a.cov, a.cov, aPosZero, aNegZero, aNegZero, aPosZero]
    const rs = new RandomState(5)
    // reference: the normals, then a fresh factorisation of every covariance (±0 entries are
    // told apart by the reuse check, though an SVD rarely shows the difference)
    const fresh = new RandomState(5)
    for (const cov of covs) {
      const x = rs.multivariateNormal(a.mean, cov)
      const z = a.mean.map(() => fresh.standardNormal())
      const { s, vt } = svdSquare(cov, a.mean.length)
      const n = a.mean.length
      for (let j = 0; j < n; j++) {
        let acc = 0
        for (let k = 0; k < n; k++) acc += z[k]! * (Math.sqrt(s[k]!) * vt[k * n + j]!)
        expect(Object.is(x[j], acc + a.mean[j]!)).toBe(true)
      }
    }
  })

  it('refuses a covariance whose order does not match the mean', () => {
    expect(() => new RandomState(1).multivariateNormal([0, 0], [1, 0, 0])).toThrow(/2 × 2/)
  })
})
