// One cyclic-Jacobi rotation on a symmetric n × n matrix (row-major), shared by every lab that
// diagonalises a small correlation or covariance matrix. Callers keep their own sweep order and
// stopping rule (and so their exact arithmetic); this is only the step that zeroes a[p][q].

/**
 * Applies the rotation that zeroes a[p][q] (Golub & Van Loan Alg. 8.5.1, sym.schur2) as
 * a ← Jᵀ·a·J, and v ← v·J when eigenvectors are accumulated. a[p][q] must not be 0.
 */
export function jacobiRotate(a: Float64Array, n: number, p: number, q: number, v?: Float64Array): void {
  const apq = a[p * n + q]!
  const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq)
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
  const c = 1 / Math.sqrt(t * t + 1)
  const s = t * c
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p]!
    const akq = a[k * n + q]!
    a[k * n + p] = c * akp - s * akq
    a[k * n + q] = s * akp + c * akq
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k]!
    const aqk = a[q * n + k]!
    a[p * n + k] = c * apk - s * aqk
    a[q * n + k] = s * apk + c * aqk
  }
  if (!v) return
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!
    const vkq = v[k * n + q]!
    v[k * n + p] = c * vkp - s * vkq
    v[k * n + q] = s * vkp + c * vkq
  }
}
