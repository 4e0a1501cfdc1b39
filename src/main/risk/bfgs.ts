/**
 * BFGS quasi-Newton minimisation (Nocedal & Wright 2006, Algorithm 6.1) with a backtracking
 * Armijo line search: deterministic, for smooth objectives with an analytic gradient on an
 * unbounded (reparametrised) space. A warm start may pass the previous inverse Hessian too,
 * so a rolling refit begins with the curvature it ended with.
 */
export interface BfgsOptions {
  /** Converged when every gradient component is below this… */
  gradientTol: number
  /** …or when an iteration lowers f by less than valueTol·max(1, |f|) (an optimum on a flat ridge, or at the edge of the space). */
  valueTol: number
  maxIterations: number
  /** Starting inverse Hessian (row-major n × n); the identity when absent. */
  inverseHessian?: Float64Array
}

export interface BfgsResult {
  x: Float64Array
  value: number
  inverseHessian: Float64Array
  iterations: number
  evaluations: number
  converged: boolean
}

/** `fg(x, grad)` returns f(x) and writes ∇f(x) into grad; a non-finite value marks x infeasible. */
export function bfgs(fg: (x: Float64Array, grad: Float64Array) => number, x0: ArrayLike<number>, o: BfgsOptions): BfgsResult {
  const n = x0.length
  const x = Float64Array.from(x0)
  const g = new Float64Array(n)
  const h = o.inverseHessian ? Float64Array.from(o.inverseHessian) : identity(n)
  const d = new Float64Array(n)
  const xNew = new Float64Array(n)
  const gNew = new Float64Array(n)
  const s = new Float64Array(n)
  const y = new Float64Array(n)
  const hy = new Float64Array(n)
  let f = fg(x, g)
  let evaluations = 1
  let iterations = 0
  let converged = false
  if (!Number.isFinite(f)) throw new Error('bfgs: the starting point is infeasible')
  for (; iterations < o.maxIterations; iterations++) {
    if (maxAbs(g) < o.gradientTol) {
      converged = true
      break
    }
    for (let i = 0; i < n; i++) {
      let v = 0
      for (let j = 0; j < n; j++) v -= h[i * n + j]! * g[j]!
      d[i] = v
    }
    let slope = dot(g, d)
    if (!(slope < 0)) {
      // Not a descent direction (curvature lost): restart from steepest descent.
      h.set(identity(n))
      for (let i = 0; i < n; i++) d[i] = -g[i]!
      slope = dot(g, d)
    }
    let step = 1
    let fNew = Infinity
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!
      fNew = fg(xNew, gNew)
      evaluations++
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope) break
      step *= 0.5
    }
    if (!(Number.isFinite(fNew) && fNew <= f + 1e-4 * step * slope)) break // no progress possible: at the optimum to rounding
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!
      y[i] = gNew[i]! - g[i]!
    }
    const sy = dot(s, y)
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      // H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, expanded.
      const rho = 1 / sy
      for (let i = 0; i < n; i++) {
        let v = 0
        for (let j = 0; j < n; j++) v += h[i * n + j]! * y[j]!
        hy[i] = v
      }
      const yhy = dot(y, hy)
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i * n + j] = h[i * n + j]! - rho * (hy[i]! * s[j]! + s[i]! * hy[j]!) + (rho * rho * yhy + rho) * s[i]! * s[j]!
        }
      }
    }
    const decrease = f - fNew
    x.set(xNew)
    g.set(gNew)
    f = fNew
    if (decrease <= o.valueTol * Math.max(1, Math.abs(f))) {
      converged = true
      iterations++
      break
    }
  }
  return { x, value: f, inverseHessian: h, iterations, evaluations, converged }
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n)
  for (let i = 0; i < n; i++) m[i * n + i] = 1
  return m
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (const v of a) m = Math.max(m, Math.abs(v))
  return m
}
