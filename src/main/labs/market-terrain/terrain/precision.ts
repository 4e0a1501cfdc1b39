// Watersheds by the precision matrix (spec §3.2, "Inverse Covariance Clustering": Θ = Σ⁻¹).
// Partial correlation p_ij = −Θ_ij/√(Θ_ii·Θ_jj) is the link between i and j once every other
// asset is held fixed; two assets share a watershed when a chain of |p| ≥ threshold links them
// (connected components). The shrunk correlation is positive definite, so Cholesky inverts it.

/** Θ = C⁻¹ of a symmetric positive-definite n × n matrix, via C = L·Lᵀ. Throws when C is not positive definite. */
export function invertSpd(C: Float64Array, n: number, out: Float64Array = new Float64Array(n * n), work: Float64Array = new Float64Array(n * n)): Float64Array {
  const L = work
  L.fill(0)
  for (let j = 0; j < n; j++) {
    let d = C[j * n + j]!
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!
    if (!(d > 0)) throw new Error(`the correlation matrix is not positive definite at asset ${j + 1} (pivot ${d}): raise the shrinkage`)
    const pivot = Math.sqrt(d)
    L[j * n + j] = pivot
    for (let i = j + 1; i < n; i++) {
      let s = C[i * n + j]!
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!
      L[i * n + j] = s / pivot
    }
  }
  // L⁻¹ row by row (lower triangular): Li[i][j] = −Σ_{k=j}^{i−1} L[i][k]·Li[k][j] / L[i][i], with
  // the inner loops running along rows so they read memory in order.
  const Li = out
  Li.fill(0)
  for (let i = 0; i < n; i++) {
    const ri = i * n
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k]!
      if (lik === 0) continue
      const rk = k * n
      for (let j = 0; j <= k; j++) Li[ri + j] = Li[ri + j]! - lik * Li[rk + j]!
    }
    const d = L[ri + i]!
    for (let j = 0; j < i; j++) Li[ri + j] = Li[ri + j]! / d
    Li[ri + i] = 1 / d
  }
  // Θ = L⁻ᵀ·L⁻¹ = Σ_k (row k of L⁻¹)ᵀ(row k of L⁻¹), accumulated into the lower triangle.
  const theta = work
  theta.fill(0)
  for (let k = 0; k < n; k++) {
    const rk = k * n
    for (let i = 0; i <= k; i++) {
      const a = Li[rk + i]!
      if (a === 0) continue
      const ri = i * n
      for (let j = 0; j <= i; j++) theta[ri + j] = theta[ri + j]! + a * Li[rk + j]!
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) theta[j * n + i] = theta[i * n + j]!
  out.set(theta)
  return out
}

/** Partial correlations from a precision matrix (diagonal set to 1). */
export function partialCorrelation(theta: Float64Array, n: number, out: Float64Array = new Float64Array(n * n)): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = i === j ? 1 : -theta[i * n + j]! / Math.sqrt(theta[i * n + i]! * theta[j * n + j]!)
  }
  return out
}

/** Connected components of the graph with an edge where |p_ij| ≥ threshold, labelled 0, 1, … by lowest member. */
export function linkComponents(P: Float64Array, n: number, threshold: number, out: Int32Array = new Int32Array(n)): Int32Array {
  const parent = new Int32Array(n)
  for (let i = 0; i < n; i++) parent[i] = i
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!
      x = parent[x]!
    }
    return x
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(P[i * n + j]!) >= threshold) {
        const a = find(i)
        const b = find(j)
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b)
      }
    }
  }
  const names = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const root = find(i)
    if (!names.has(root)) names.set(root, names.size)
    out[i] = names.get(root)!
  }
  return out
}

/**
 * Θ = C_s⁻¹ of a window's shrunk correlation from the window's returns, by the Woodbury identity,
 * when the window is short (W + 1 well under n): O(n²·W) instead of O(n³). With Zᵀ the
 * standardised returns (n × W, a row per asset, so C = ZᵀZ off the diagonal),
 *   C_s = (1 − δ)·ZᵀZ + δρ̄·11ᵀ + D,  D = δ(1 − ρ̄)·I (+ (1 − δ) for a constant asset)
 *       = D + V·J·Vᵀ,  V = [√(1 − δ)·Zᵀ | √(δ|ρ̄|)·1],  J = diag(1, …, 1, sign ρ̄)
 *   Θ  = D⁻¹ − P·M⁻¹·Pᵀ,  P = D⁻¹V,  M = J + VᵀD⁻¹V  ((W + 1) × (W + 1), solved by LU).
 * C_s is positive definite whenever the ridge δ(1 − ρ̄) is, and M is then non-singular.
 */
export class ShrunkInverse {
  private readonly r: number
  /** Work buffers, made on the first inversion (a scanner that never uses them pays nothing). */
  private work: { P: Float64Array; V: Float64Array; K: Float64Array; M: Float64Array; pivot: Int32Array; inverse: Float64Array } | undefined

  constructor(
    readonly n: number,
    readonly window: number
  ) {
    this.r = window + 1
  }

  /** Whether Woodbury is the cheaper inverse here: n²·(W + 1)/2 + 2n·(W + 1)² against n³/2. */
  get worthwhile(): boolean {
    return this.r * (1 + (4 * this.r) / this.n) < this.n
  }

  /**
   * Θ into out (n × n) from Zt (n × W, RollingWindow.standardized) with shrinkage δ and mean
   * correlation ρ̄. Returns false, out untouched, when the ridge δ(1 − ρ̄) is too thin to invert
   * against: then invert the matrix (invertSpd names the asset that breaks it).
   */
  invert(Zt: Float64Array, shrinkage: number, mean: number, out: Float64Array): boolean {
    const { n, r, window: w } = this
    this.work ??= { P: new Float64Array(n * r), V: new Float64Array(n * r), K: new Float64Array(n * r), M: new Float64Array(r * r), pivot: new Int32Array(r), inverse: new Float64Array(n) }
    const { P, V, K, M, pivot, inverse } = this.work
    const ridge = shrinkage * (1 - mean)
    if (!(ridge > 1e-8)) return false
    const root = Math.sqrt(1 - shrinkage)
    const ones = Math.sqrt(shrinkage * Math.abs(mean))
    for (let i = 0; i < n; i++) {
      let moved = false
      for (let t = 0; t < w; t++) {
        const z = Zt[i * w + t]!
        if (z !== 0) moved = true
        V[i * r + t] = root * z
      }
      V[i * r + w] = ones
      const inv = 1 / (moved ? ridge : ridge + 1 - shrinkage)
      inverse[i] = inv
      for (let k = 0; k < r; k++) P[i * r + k] = inv * V[i * r + k]!
    }
    // M = J + Vᵀ·P (symmetric: the upper triangle, then mirrored).
    M.fill(0)
    for (let i = 0; i < n; i++) {
      const o = i * r
      for (let a = 0; a < r; a++) {
        const va = V[o + a]!
        if (va === 0) continue
        for (let b = a; b < r; b++) M[a * r + b] = M[a * r + b]! + va * P[o + b]!
      }
    }
    for (let a = 0; a < r; a++) {
      M[a * r + a] = M[a * r + a]! + (a === w && mean < 0 ? -1 : 1)
      for (let b = 0; b < a; b++) M[a * r + b] = M[b * r + a]!
    }
    if (!luFactor(M, r, pivot)) return false
    // Row i of K = P·M⁻¹ solves M·x = P[i,:]ᵀ (M is symmetric).
    for (let i = 0; i < n; i++) {
      K.set(P.subarray(i * r, i * r + r), i * r)
      luSolve(M, r, pivot, K, i * r)
    }
    // Θ_ij = [i = j]/d_i − P[i,:]·K[j,:], upper triangle then mirrored.
    for (let i = 0; i < n; i++) {
      const pi = i * r
      for (let j = i; j < n; j++) {
        const kj = j * r
        let s = 0
        for (let k = 0; k < r; k++) s += P[pi + k]! * K[kj + k]!
        out[i * n + j] = (i === j ? inverse[i]! : 0) - s
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i]!
    return true
  }
}

/** LU with partial pivoting of the r × r matrix A in place; false when A is singular to working precision. */
function luFactor(A: Float64Array, r: number, pivot: Int32Array): boolean {
  for (let c = 0; c < r; c++) {
    let best = c
    for (let i = c + 1; i < r; i++) if (Math.abs(A[i * r + c]!) > Math.abs(A[best * r + c]!)) best = i
    pivot[c] = best
    if (!(Math.abs(A[best * r + c]!) > 1e-300)) return false
    if (best !== c) for (let k = 0; k < r; k++) [A[c * r + k], A[best * r + k]] = [A[best * r + k]!, A[c * r + k]!]
    const d = A[c * r + c]!
    for (let i = c + 1; i < r; i++) {
      const f = (A[i * r + c] = A[i * r + c]! / d)
      if (f === 0) continue
      for (let k = c + 1; k < r; k++) A[i * r + k] = A[i * r + k]! - f * A[c * r + k]!
    }
  }
  return true
}

/** Solves A·x = b in place for b at x[offset …] with luFactor's factors. */
function luSolve(A: Float64Array, r: number, pivot: Int32Array, x: Float64Array, offset: number): void {
  for (let c = 0; c < r; c++) {
    const p = pivot[c]!
    if (p !== c) [x[offset + c], x[offset + p]] = [x[offset + p]!, x[offset + c]!]
  }
  for (let i = 1; i < r; i++) {
    let s = x[offset + i]!
    for (let k = 0; k < i; k++) s -= A[i * r + k]! * x[offset + k]!
    x[offset + i] = s
  }
  for (let i = r - 1; i >= 0; i--) {
    let s = x[offset + i]!
    for (let k = i + 1; k < r; k++) s -= A[i * r + k]! * x[offset + k]!
    x[offset + i] = s / A[i * r + i]!
  }
}
