import { Generator, Xoshiro128 } from '../engine/rng'
import { fitGarch, meanSquare, type GarchParams } from './garch'
import { sortedQuantile, sortedTailMean } from './sample'

/**
 * Monte Carlo VaR and ES over an h-step horizon from fitted GARCH(1,1) models: scenarios are
 * paths of the fitted recursion driven by seeded standard normals (PCG64 through the engine's
 * Generator, NumPy-identical), so the horizon's volatility clustering is simulated rather than
 * scaled by √h. Losses are positive fractions of equity.
 */
export interface McResult {
  var: number
  es: number
  scenarios: number
}

function lossQuantile(pnl: Float64Array, confidence: number): McResult {
  pnl.sort()
  const q = sortedQuantile(pnl, pnl.length, 1 - confidence)
  return { var: -q, es: -sortedTailMean(pnl, pnl.length, q), scenarios: pnl.length }
}

/** One series: paths of `horizon` steps from variance `v0` (the forecast for the next step). */
export function monteCarloHorizon(params: GarchParams, v0: number, o: { confidence: number; horizon: number; scenarios: number; seed: number }): McResult {
  const g = new Generator(o.seed)
  const pnl = new Float64Array(o.scenarios)
  for (let s = 0; s < o.scenarios; s++) {
    let v = v0
    let total = 0
    for (let h = 0; h < o.horizon; h++) {
      const x = Math.sqrt(v) * g.standardNormal()
      total += x
      v = params.omega + params.alpha * x * x + params.beta * v
    }
    pnl[s] = total
  }
  return lossQuantile(pnl, o.confidence)
}

/** Lower Cholesky factor of a symmetric positive-definite n × n matrix; null when it is not. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!
      if (i === j) {
        if (!(s > 0)) return null
        l[i * n + i] = Math.sqrt(s)
      } else l[i * n + j] = s / l[j * n + j]!
    }
  }
  return l
}

/**
 * The portfolio of pods: each pod's GARCH(1,1) fitted on its last `window` returns, the
 * correlation of their standardised returns over that window, and `scenarios` joint paths
 * (correlated normals through its Cholesky factor, each pod's own variance recursion) of the
 * weighted sum. A correlation that is not positive definite (more pods than days, or pods
 * moving together exactly) is shrunk towards the identity until it is.
 */
export function monteCarloPods(
  returns: readonly Float64Array[],
  weights: ArrayLike<number>,
  o: { confidence: number; window: number; horizon: number; scenarios: number; seed: number }
): McResult & { params: GarchParams[] } {
  const n = returns.length
  const T = returns[0]!.length
  const from = T - o.window
  if (from < 0) throw new RangeError(`the history has ${T} returns, fewer than the window of ${o.window}`)
  const params: GarchParams[] = []
  const v0 = new Float64Array(n)
  const z = returns.map(() => new Float64Array(o.window))
  returns.forEach((r, i) => {
    const backcast = meanSquare(r, from, T)
    const p = backcast > 0 ? fitGarch(r, from, T).params : { omega: 0, alpha: 0, beta: 0 }
    let v = backcast
    for (let t = from; t < T; t++) {
      z[i]![t - from] = v > 0 ? r[t]! / Math.sqrt(v) : 0
      v = p.omega + p.alpha * r[t]! * r[t]! + p.beta * v
    }
    params.push(p)
    v0[i] = v
  })
  const corr = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sij = 0
      let sii = 0
      let sjj = 0
      for (let t = 0; t < o.window; t++) {
        sij += z[i]![t]! * z[j]![t]!
        sii += z[i]![t]! * z[i]![t]!
        sjj += z[j]![t]! * z[j]![t]!
      }
      corr[i * n + j] = corr[j * n + i] = i === j ? 1 : sii > 0 && sjj > 0 ? sij / Math.sqrt(sii * sjj) : 0
    }
  }
  let l = cholesky(corr, n)
  for (let shrink = 0.01; !l && shrink <= 1; shrink *= 2) l = cholesky(corr.map((c, k) => (k % (n + 1) === 0 ? 1 : c * (1 - shrink))), n)
  if (!l) throw new Error('the pods’ correlation could not be made positive definite')
  // xoshiro128**, the engine's fast generator: the joint draw needs no NumPy parity, and its
  // normals cost half PCG64's ziggurat here (measured in bench/risk.ts's process).
  const g = new Xoshiro128(o.seed)
  const xi = new Float64Array(n)
  const v = new Float64Array(n)
  const pnl = new Float64Array(o.scenarios)
  for (let s = 0; s < o.scenarios; s++) {
    v.set(v0)
    let total = 0
    for (let h = 0; h < o.horizon; h++) {
      for (let i = 0; i < n; i++) xi[i] = g.standardNormal()
      for (let i = 0; i < n; i++) {
        let e = 0
        for (let k = 0; k <= i; k++) e += l[i * n + k]! * xi[k]!
        const x = Math.sqrt(v[i]!) * e
        total += weights[i]! * x
        const p = params[i]!
        v[i] = p.omega + p.alpha * x * x + p.beta * v[i]!
      }
    }
    pnl[s] = total
  }
  return { ...lossQuantile(pnl, o.confidence), params }
}
