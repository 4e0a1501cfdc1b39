import { Generator } from '../../../engine/rng'
import { jacobiRotate } from '../../common/jacobi'
import { multiplyPanel } from './panel'

// Symmetric eigen-decomposition, written here because no linear-algebra package is installed
// (the repo's gesdd port is an SVD of general matrices, ~10× the work of a symmetric solver).
// Two solvers: cyclic Jacobi for the full spectrum of small matrices (exact to rounding, simple
// to verify: Golub & Van Loan §8.5) and subspace iteration with Rayleigh–Ritz for the leading k
// eigenpairs of a large correlation matrix, warm-started from the previous bar, so a per-bar PCA
// costs one O(k·n²) product instead of an O(n³) decomposition (Golub & Van Loan §8.2.4).

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array
  /** Eigenvectors, one per value, contiguous: vectors[k·n + i] is component i of vector k. */
  vectors: Float64Array
}

/** Flips v (length n at offset) so its largest-magnitude component is positive: eigenvectors are unique up to sign. */
function orientSign(v: Float64Array, offset: number, n: number): void {
  let best = 0
  for (let i = 1; i < n; i++) if (Math.abs(v[offset + i]!) > Math.abs(v[offset + best]!)) best = i
  if (v[offset + best]! < 0) for (let i = 0; i < n; i++) v[offset + i] = -v[offset + i]!
}

/** Full eigen-decomposition of the symmetric n × n matrix A (row-major; A is not modified). */
export function jacobiEigen(A: ArrayLike<number>, n: number): Eigen {
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  jacobiInto(Float64Array.from(A as ArrayLike<number>), n, new Float64Array(n * n), new Int32Array(n), values, vectors)
  return { values, vectors }
}

/**
 * jacobiEigen on caller-owned buffers (the per-bar Rayleigh–Ritz step runs it 5,000 times a
 * run): a is overwritten, v and order are scratch, values and vectors receive the result.
 */
function jacobiInto(a: Float64Array, n: number, v: Float64Array, order: Int32Array, values: Float64Array, vectors: Float64Array): void {
  v.fill(0)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    let total = 0
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = a[i * n + j]! * a[i * n + j]!
        total += x
        if (i !== j) off += x
      }
    }
    if (off <= 1e-30 * total || off === 0) break
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p * n + q] === 0) continue
        jacobiRotate(a, n, p, q, v)
      }
    }
  }
  // Largest first, ties by index (an insertion sort: n is small here).
  for (let k = 0; k < n; k++) {
    let j = k - 1
    const d = a[k * n + k]!
    while (j >= 0 && a[order[j]! * (n + 1)]! < d) {
      order[j + 1] = order[j]!
      j--
    }
    order[j + 1] = k
  }
  for (let k = 0; k < n; k++) {
    const col = order[k]!
    values[k] = a[col * n + col]!
    for (let i = 0; i < n; i++) vectors[k * n + i] = v[i * n + col]!
    orientSign(vectors, k * n, n)
  }
}

/**
 * Modified Gram–Schmidt on the m columns of Q (n × m, row-major: Q[i·m + k] is component i of
 * vector k); a vector that collapses is replaced by a unit vector.
 */
function orthonormalize(Q: Float64Array, m: number, n: number): void {
  let replacement = 0
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < k; j++) {
      let dot = 0
      for (let i = 0; i < n; i++) dot += Q[i * m + k]! * Q[i * m + j]!
      for (let i = 0; i < n; i++) Q[i * m + k] = Q[i * m + k]! - dot * Q[i * m + j]!
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += Q[i * m + k]! * Q[i * m + k]!
    norm = Math.sqrt(norm)
    if (norm < 1e-12 && replacement < n) {
      // Deterministic replacement: the next basis vector, orthogonalised on the next pass.
      for (let i = 0; i < n; i++) Q[i * m + k] = 0
      Q[((k + replacement++) % n) * m + k] = 1
      k--
      continue
    }
    for (let i = 0; i < n; i++) Q[i * m + k] = Q[i * m + k]! / norm
  }
}

/**
 * The leading k eigenpairs of a symmetric n × n matrix, by subspace iteration on k + guard
 * vectors (the guard vectors speed convergence of the k-th pair: the rate is λ_{k+guard+1}/λ_k).
 * State carries between calls: each call starts from the last call's subspace. Nothing is
 * allocated per call.
 */
export class LeadingEigen {
  readonly m: number
  /** The current orthonormal subspace, n × m (row-major: a row per asset). */
  private readonly Q: Float64Array
  private readonly Y: Float64Array
  private readonly H: Float64Array
  /** Rayleigh–Ritz scratch: the small problem's eigen-decomposition. */
  private readonly small: { a: Float64Array; v: Float64Array; order: Int32Array; values: Float64Array; vectors: Float64Array }
  private warm = false
  /** Leading k eigenvalues and vectors after the last solve (vectors as in Eigen). */
  readonly values: Float64Array
  readonly vectors: Float64Array

  constructor(
    readonly n: number,
    readonly k: number,
    guard = 2
  ) {
    this.m = Math.min(n, k + guard)
    if (k > n) throw new RangeError(`cannot take ${k} eigenpairs of a ${n} × ${n} matrix`)
    const m = this.m
    this.Q = new Float64Array(m * n)
    this.Y = new Float64Array(m * n)
    this.H = new Float64Array(m * m)
    this.small = { a: new Float64Array(m * m), v: new Float64Array(m * m), order: new Int32Array(m), values: new Float64Array(m), vectors: new Float64Array(m * m) }
    this.values = new Float64Array(k)
    this.vectors = new Float64Array(k * n)
  }

  /** Starts again from a fixed subspace: the all-ones direction (the market mode) and seeded random vectors. */
  reset(): void {
    const rng = new Generator(20_240_004)
    const { n, m, Q } = this
    for (let i = 0; i < n; i++) Q[i * m] = 1
    for (let v = 1; v < m; v++) for (let i = 0; i < n; i++) Q[i * m + v] = rng.standardNormal()
    orthonormalize(Q, m, n)
    this.warm = true
  }

  /** Runs `iterations` steps on the symmetric matrix A (row-major, n × n); a cold start runs `coldIterations`. */
  solve(A: Float64Array, iterations: number, coldIterations = 200): void {
    const { n, m } = this
    this.solveProduct((Q, Y) => multiplyPanel(A, n, n, Q, m, Y), iterations, coldIterations)
  }

  /**
   * solve() for a matrix known only by its product: `product(Q, Y)` writes Y = A·Q for the n × m
   * panel Q (row-major, a row per asset). Lets a rolling window apply its correlation from the
   * window's returns, W·n·m work per product instead of n²·m when the window is shorter than n.
   */
  solveProduct(product: (Q: Float64Array, Y: Float64Array) => void, iterations: number, coldIterations = 200): void {
    if (!this.warm) {
      this.reset()
      iterations = Math.max(iterations, coldIterations)
    }
    const { n, m, Q, Y, H, small } = this
    for (let it = 0; it < iterations; it++) {
      product(Q, Y)
      // Rayleigh–Ritz: H = Qᵀ·A·Q, its eigenvectors rotate Q into Ritz vectors.
      for (let a = 0; a < m; a++) {
        for (let b = 0; b <= a; b++) {
          let s = 0
          for (let i = 0; i < n; i++) s += Q[i * m + a]! * Y[i * m + b]!
          H[a * m + b] = s
          H[b * m + a] = s
        }
      }
      small.a.set(H)
      jacobiInto(small.a, m, small.v, small.order, small.values, small.vectors)
      const V = small.vectors
      if (it === iterations - 1) {
        for (let r = 0; r < this.k; r++) {
          this.values[r] = small.values[r]!
          const o = r * n
          for (let i = 0; i < n; i++) {
            let s = 0
            for (let c = 0; c < m; c++) s += V[r * m + c]! * Q[i * m + c]!
            this.vectors[o + i] = s
          }
          orientSign(this.vectors, o, n)
        }
      }
      // Next subspace: orth(A·Q·V) — one power step applied to the Ritz vectors.
      for (let i = 0; i < n; i++) {
        const o = i * m
        for (let r = 0; r < m; r++) {
          let s = 0
          for (let c = 0; c < m; c++) s += V[r * m + c]! * Y[o + c]!
          Q[o + r] = s
        }
      }
      orthonormalize(Q, m, n)
    }
  }
}
