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
