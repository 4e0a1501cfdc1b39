// Derivative-free minimisation for small, smooth problems (a handful of parameters, likelihoods
// that are cheap to evaluate): the Nelder–Mead simplex with the adaptive coefficients of Gao and
// Han (2012), which keep it converging as the dimension grows. Deterministic: same start, same
// function, same path.

export interface NelderMeadOptions {
  /** Initial step per coordinate (absolute); the start simplex is x0 + step·eᵢ. */
  step?: number | readonly number[]
  maxEvaluations?: number
  /** Stop when the simplex's function values spread less than this (absolute). */
  fTolerance?: number
  /** …and its vertices lie within this distance of the best (max-norm). */
  xTolerance?: number
}

export interface NelderMeadResult {
  x: Float64Array
  value: number
  evaluations: number
  converged: boolean
}

/** Minimises f from x0. Non-finite values count as +∞, so a bad region is simply avoided. */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length
  if (n < 1) throw new RangeError('nelderMead needs at least one parameter')
  const maxEvaluations = options.maxEvaluations ?? 200 * n
  const fTol = options.fTolerance ?? 1e-10
  const xTol = options.xTolerance ?? 1e-10
  const alpha = 1
  const beta = 1 + 2 / n
  const gamma = 0.75 - 1 / (2 * n)
  const delta = 1 - 1 / n
  let evaluations = 0
  const value = (x: Float64Array): number => {
    evaluations++
    const v = f(x)
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY
  }
  const simplex: Float64Array[] = []
  const values = new Float64Array(n + 1)
  for (let i = 0; i <= n; i++) {
    const x = Float64Array.from(x0)
    if (i > 0) {
      const s = options.step === undefined ? (x[i - 1] !== 0 ? 0.05 * Math.abs(x[i - 1]!) : 0.00025) : typeof options.step === 'number' ? options.step : options.step[i - 1]!
      x[i - 1] = x[i - 1]! + s
    }
    simplex.push(x)
    values[i] = value(x)
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i)
  const centroid = new Float64Array(n)
  const trial = (from: Float64Array, towards: Float64Array, t: number): Float64Array => {
    const x = new Float64Array(n)
    for (let j = 0; j < n; j++) x[j] = from[j]! + t * (towards[j]! - from[j]!)
    return x
  }
  let converged = false
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]! || a - b)
    const best = order[0]!
    const worst = order[n]!
    const secondWorst = order[n - 1]!
    let spread = 0
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(simplex[order[i]!]![j]! - simplex[best]![j]!))
    if (values[worst]! - values[best]! <= fTol && spread <= xTol) {
      converged = true
      break
    }
    centroid.fill(0)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[order[i]!]![j]! / n
    const xr = trial(centroid, simplex[worst]!, -alpha)
    const fr = value(xr)
    if (fr < values[best]!) {
      const xe = trial(centroid, simplex[worst]!, -alpha * beta)
      const fe = value(xe)
      if (fe < fr) [simplex[worst], values[worst]] = [xe, fe]
      else [simplex[worst], values[worst]] = [xr, fr]
      continue
    }
    if (fr < values[secondWorst]!) {
      ;[simplex[worst], values[worst]] = [xr, fr]
      continue
    }
    const outside = fr < values[worst]!
    const xc = outside ? trial(centroid, xr, gamma) : trial(centroid, simplex[worst]!, gamma)
    const fc = value(xc)
    if (fc <= (outside ? fr : values[worst]!)) {
      ;[simplex[worst], values[worst]] = [xc, fc]
      continue
    }
    for (let i = 1; i <= n; i++) {
      const k = order[i]!
      simplex[k] = trial(simplex[best]!, simplex[k]!, delta)
      values[k] = value(simplex[k]!)
    }
  }
  let best = 0
  for (let i = 1; i <= n; i++) if (values[i]! < values[best]!) best = i
  return { x: simplex[best]!, value: values[best]!, evaluations, converged }
}
