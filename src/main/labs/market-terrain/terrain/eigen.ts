import { Generator } from '../../../engine/rng'
import { jacobiRotate } from '../../common/jacobi'

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
  const a = Float64Array.from(A as ArrayLike<number>)
  const v = new Float64Array(n * n)
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
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]! || x - y)
  const values = new Float64Array(n)
  const vectors = new Float64Array(n * n)
  order.forEach((col, k) => {
    values[k] = a[col * n + col]!
    for (let i = 0; i < n; i++) vectors[k * n + i] = v[i * n + col]!
    orientSign(vectors, k * n, n)
  })
  return { values, vectors }
}

/** Modified Gram–Schmidt on m vectors of length n (contiguous); a vector that collapses is replaced by a unit vector. */
function orthonormalize(Q: Float64Array, m: number, n: number): void {
  let replacement = 0
  for (let k = 0; k < m; k++) {
    const ok = k * n
    for (let j = 0; j < k; j++) {
      const oj = j * n
      let dot = 0
      for (let i = 0; i < n; i++) dot += Q[ok + i]! * Q[oj + i]!
      for (let i = 0; i < n; i++) Q[ok + i] = Q[ok + i]! - dot * Q[oj + i]!
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += Q[ok + i]! * Q[ok + i]!
    norm = Math.sqrt(norm)
    if (norm < 1e-12 && replacement < n) {
      // Deterministic replacement: the next basis vector, orthogonalised on the next pass.
      Q.fill(0, ok, ok + n)
      Q[ok + ((k + replacement++) % n)] = 1
      k--
      continue
    }
    for (let i = 0; i < n; i++) Q[ok + i] = Q[ok + i]! / norm
  }
}

/**
 * The leading k eigenpairs of a symmetric n × n matrix, by subspace iteration on k + guard
 * vectors (the guard vectors speed convergence of the k-th pair: the rate is λ_{k+guard+1}/λ_k).
 * State carries between calls: each call starts from the last call's subspace.
 */
export class LeadingEigen {
  readonly m: number
  /** The current orthonormal subspace, m vectors of length n. */
  private readonly Q: Float64Array
  private readonly Y: Float64Array
  private readonly H: Float64Array
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
    this.Q = new Float64Array(this.m * n)
    this.Y = new Float64Array(this.m * n)
    this.H = new Float64Array(this.m * this.m)
    this.values = new Float64Array(k)
    this.vectors = new Float64Array(k * n)
  }

  /** Starts again from a fixed subspace: the all-ones direction (the market mode) and seeded random vectors. */
  reset(): void {
    const rng = new Generator(20_240_004)
    const { n, m, Q } = this
    for (let i = 0; i < n; i++) Q[i] = 1
    for (let i = n; i < m * n; i++) Q[i] = rng.standardNormal()
    orthonormalize(Q, m, n)
    this.warm = true
  }

  /** Runs `iterations` steps on the symmetric matrix A (row-major, n × n); a cold start runs `coldIterations`. */
  solve(A: Float64Array, iterations: number, coldIterations = 200): void {
    if (!this.warm) {
      this.reset()
      iterations = Math.max(iterations, coldIterations)
    }
    const { n, m, Q, Y, H } = this
    for (let it = 0; it < iterations; it++) {
      // Y = A·Q, a row of A at a time against all m vectors (A is read once per iteration).
      for (let i = 0; i < n; i++) {
        const row = i * n
        for (let v = 0; v < m; v++) {
          const ov = v * n
          let s = 0
          for (let j = 0; j < n; j++) s += A[row + j]! * Q[ov + j]!
          Y[ov + i] = s
        }
      }
      // Rayleigh–Ritz: H = Qᵀ·A·Q, its eigenvectors rotate Q into Ritz vectors.
      for (let a = 0; a < m; a++) {
        for (let b = 0; b <= a; b++) {
          let s = 0
          for (let i = 0; i < n; i++) s += Q[a * n + i]! * Y[b * n + i]!
          H[a * m + b] = s
          H[b * m + a] = s
        }
      }
      const small = jacobiEigen(H, m)
      const last = it === iterations - 1
      if (last) {
        for (let r = 0; r < this.k; r++) {
          this.values[r] = small.values[r]!
          const o = r * n
          for (let i = 0; i < n; i++) {
            let s = 0
            for (let c = 0; c < m; c++) s += small.vectors[r * m + c]! * Q[c * n + i]!
            this.vectors[o + i] = s
          }
          orientSign(this.vectors, o, n)
        }
      }
      // Next subspace: orth(A·Q·V) — one power step applied to the Ritz vectors.
      for (let i = 0; i < n; i++) {
        for (let r = 0; r < m; r++) {
          let s = 0
          for (let c = 0; c < m; c++) s += small.vectors[r * m + c]! * Y[c * n + i]!
          Q[r * n + i] = s
        }
      }
      orthonormalize(Q, m, n)
    }
  }
}
