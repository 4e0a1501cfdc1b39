import { BidiagonalSvd } from './bdsqr'
import { BIGNUM, dlapy2, dnrm2, EPS, SAFMIN, sign, SMLNUM } from './lapack-kernels'

/**
 * numpy.linalg.svd of a square matrix, as NumPy computes it through LAPACK `dgesdd` (JOBZ = 'A'),
 * ported operation for operation from Reference LAPACK 3.11 with reference BLAS (the library
 * NumPy links on this project's reference machine), so that the singular values and the right
 * singular vectors come out with the same signs and, where the arithmetic allows, the same bits.
 * np.random.RandomState.multivariate_normal factors its covariance this way (mtrand.pyx:
 * `(u, s, v) = svd(cov)`, then `x @ (sqrt(s)[:, None] * v)`), so a sign flip here is a flipped
 * draw there.
 *
 * Path followed for an n × n matrix (dgesdd, M ≥ N and M < MNTHR: "path 5a"):
 *   dgebd2   Householder bidiagonalisation A = Q·B·Pᵀ (dgebrd takes its unblocked branch for n < 32)
 *   dbdsdc   (bdsqr.ts) n ≤ SMLSIZ = 25: dlasdq → dbdsqr (implicit-shift QR on B, rotations into Vᵀ = I),
 *            dlasdq's ascending sort, then dbdsdc's descending selection sort
 *   dormbr   Vᵀ ← Vᵀ_B · Pᵀ (dormlq → dorml2, one reflector at a time, last first)
 * U is not formed: nothing in dbdsqr's iteration reads it, and multivariate_normal does not use it.
 * The scaling branches of dgesdd (max |a_ij| below ~1e-138 or above ~1e138) are not ported: such a
 * matrix is refused.
 */

/**
 * Reusable workspace of one matrix order: a run that factors many covariances of one size
 * allocates once.
 */
export class Gesdd {
  /** Singular values, decreasing. */
  readonly s: Float64Array
  /** Right singular vectors Vᵀ, row-major n × n (row i is the i-th right singular vector): NumPy's `vh`. */
  readonly vt: Float64Array
  private readonly a: Float64Array
  private readonly e: Float64Array
  private readonly taup: Float64Array
  private readonly w: Float64Array
  /** dbdsdc on the bidiagonal B = (s, e); its Vᵀ, column-major, is where dormbr applies Pᵀ. */
  private readonly bidiagonal: BidiagonalSvd

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`svd order must be a whole number ≥ 1 (got ${n})`)
    this.s = new Float64Array(n)
    this.vt = new Float64Array(n * n)
    this.a = new Float64Array(n * n)
    this.e = new Float64Array(Math.max(n - 1, 1))
    this.taup = new Float64Array(n)
    this.w = new Float64Array(n)
    this.bidiagonal = new BidiagonalSvd(n, this.s, this.e)
  }

  /** numpy.linalg.svd(m) for a row-major n × n matrix m: fills s and vt. */
  factor(m: ArrayLike<number>): this {
    const n = this.n
    const a = this.a
    let anrm = 0
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = m[i * n + j]!
        if (x !== x) throw new RangeError('svd: the matrix holds NaN')
        a[j * n + i] = x // column-major, as NumPy hands it to LAPACK
        anrm = Math.max(anrm, Math.abs(x))
      }
    }
    if ((anrm > 0 && anrm < SMLNUM) || anrm > BIGNUM) throw new RangeError(`svd: max |a_ij| = ${anrm} is outside LAPACK's unscaled range`)
    this.bidiagonalize()
    this.bidiagonal.solve()
    this.applyP()
    const v = this.bidiagonal.v
    const vt = this.vt
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[i * n + j] = v[j * n + i]!
    return this
  }

  /** dlarfg on a[ia] (alpha) and n − 1 entries from a[ix] by inc; returns tau, leaves beta in a[ia]. */
  private dlarfg(n: number, ia: number, ix: number, inc: number): number {
    const a = this.a
    if (n <= 1) return 0
    let xnorm = dnrm2(n - 1, a, ix, inc)
    if (xnorm === 0) return 0
    let alpha = a[ia]!
    let beta = -sign(dlapy2(alpha, xnorm), alpha)
    const safmin = SAFMIN / EPS
    let knt = 0
    if (Math.abs(beta) < safmin) {
      const rsafmn = 1 / safmin
      do {
        knt++
        for (let i = 0, k = ix; i < n - 1; i++, k += inc) a[k] = rsafmn * a[k]!
        beta *= rsafmn
        alpha *= rsafmn
      } while (Math.abs(beta) < safmin && knt < 20)
      xnorm = dnrm2(n - 1, a, ix, inc)
      beta = -sign(dlapy2(alpha, xnorm), alpha)
    }
    const tau = (beta - alpha) / beta
    const scale = 1 / (alpha - beta)
    for (let i = 0, k = ix; i < n - 1; i++, k += inc) a[k] = scale * a[k]!
    for (let j = 0; j < knt; j++) beta *= safmin
    a[ia] = beta
    return tau
  }

  /**
   * dlarf 'Left': C ← (I − τ v vᵀ) C, C = rows × cols at a[ic] (leading dimension n), v at a[iv]
   * by 1. dgemv 'T' then dger, in reference BLAS order. Trailing zeros of v and zero columns
   * of C, which dlarf trims, add only signed zeros.
   */
  private dlarfLeft(rows: number, cols: number, iv: number, tau: number, ic: number): void {
    if (tau === 0) return
    const a = this.a
    const n = this.n
    const w = this.w
    for (let j = 0; j < cols; j++) {
      let temp = 0
      const cj = ic + j * n
      for (let i = 0; i < rows; i++) temp += a[cj + i]! * a[iv + i]!
      w[j] = temp
    }
    for (let j = 0; j < cols; j++) {
      if (w[j] === 0) continue
      const temp = -tau * w[j]!
      const cj = ic + j * n
      for (let i = 0; i < rows; i++) a[cj + i] = a[cj + i]! + a[iv + i]! * temp
    }
  }

  /** dlarf 'Right': C ← C (I − τ v vᵀ), v at x[iv] by stride ivs, C = rows × cols at x[ic] (leading dimension n). */
  private dlarfRight(x: Float64Array, rows: number, cols: number, v: Float64Array, iv: number, ivs: number, tau: number, ic: number): void {
    if (tau === 0) return
    const n = this.n
    const w = this.w
    for (let i = 0; i < rows; i++) w[i] = 0
    for (let j = 0; j < cols; j++) {
      const temp = v[iv + j * ivs]!
      const cj = ic + j * n
      for (let i = 0; i < rows; i++) w[i] = w[i]! + temp * x[cj + i]!
    }
    for (let j = 0; j < cols; j++) {
      const vj = v[iv + j * ivs]!
      if (vj === 0) continue
      const temp = -tau * vj
      const cj = ic + j * n
      for (let i = 0; i < rows; i++) x[cj + i] = x[cj + i]! + w[i]! * temp
    }
  }

  /** dgebd2, M = N: d on the diagonal (into s), e above it, reflectors left in a (A(i, j) at j·n + i). */
  private bidiagonalize(): void {
    const n = this.n
    const a = this.a
    const d = this.s
    const e = this.e
    for (let i = 0; i < n; i++) {
      const ii = i * n + i
      const tauq = this.dlarfg(n - i, ii, i * n + Math.min(i + 1, n - 1), 1)
      d[i] = a[ii]!
      a[ii] = 1
      if (i < n - 1) this.dlarfLeft(n - i, n - i - 1, ii, tauq, ii + n)
      a[ii] = d[i]!
      if (i < n - 1) {
        const ij = ii + n // A(i, i + 1)
        const taup = this.dlarfg(n - i - 1, ij, Math.min(i + 2, n - 1) * n + i, n)
        this.taup[i] = taup
        e[i] = a[ij]!
        a[ij] = 1
        this.dlarfRight(a, n - i - 1, n - i - 1, a, ij, n, taup, ij + 1)
        a[ij] = e[i]!
      } else this.taup[i] = 0
    }
  }

  /**
   * dormbr('P', 'R', 'T'): Vᵀ ← Vᵀ·Pᵀ. With nq = k = n, dormbr hands dormlq the block
   * Vᵀ(1:n, 2:n) and the reflectors from A(1, 2); dorml2 ('R', 'N') applies them last first.
   */
  private applyP(): void {
    const n = this.n
    const a = this.a
    for (let i = n - 1; i >= 1; i--) {
      // reflector i (1-based) of dorml2: v = A(i, i+1 : n) with A(i, i+1) = 1, columns i+1 … n of Vᵀ
      const ia = i * n + (i - 1) // A(i, i+1) 1-based → column i, row i−1 (0-based)
      const aii = a[ia]!
      a[ia] = 1
      this.dlarfRight(this.bidiagonal.v, n, n - i, a, ia, n, this.taup[i - 1]!, i * n)
      a[ia] = aii
    }
  }
}

/** numpy.linalg.svd(m)[1:] for a row-major n × n matrix: singular values (decreasing) and Vᵀ row-major. */
export function svdSquare(m: ArrayLike<number>, n: number): { s: Float64Array; vt: Float64Array } {
  const g = new Gesdd(n).factor(m)
  return { s: g.s.slice(), vt: g.vt.slice() }
}
