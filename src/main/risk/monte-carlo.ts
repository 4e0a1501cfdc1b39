import { Generator, Xoshiro128 } from '../engine/rng'
import { fitGarch, meanSquare, type GarchParams } from './garch'
import { selectQuantileTail } from './sample'

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

/** VaR and ES of the scenarios' P&L by selection (the tail alone is sorted); reorders pnl. */
function lossQuantile(pnl: Float64Array, confidence: number): McResult {
  const { quantile, tailMean } = selectQuantileTail(pnl, 1 - confidence)
  return { var: -quantile, es: -tailMean, scenarios: pnl.length }
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
  const pnl = simulateJoint(l, n, v0, params, weights, o.horizon, o.scenarios, new Xoshiro128(o.seed))
  return { ...lossQuantile(pnl, o.confidence), params }
}

/** Rows (scenario × horizon step) of normals drawn and correlated at a time: 128 × 50 pods × 8 bytes stays in L2. */
const BLOCK_ROWS = 128

/**
 * The weighted P&L of `scenarios` joint paths, a block of scenarios at a time: the block's
 * normals are drawn in one fill (the same stream, scenario by scenario, step by step, pod by
 * pod), correlated by the Cholesky factor row by row of L (each row reused across the block
 * while it is in cache), then run through each pod's variance recursion. Every sum adds the
 * same terms in the same order as the scenario-at-a-time loop, so the P&L is bit-identical.
 */
function simulateJoint(
  l: Float64Array,
  n: number,
  v0: Float64Array,
  params: readonly GarchParams[],
  weights: ArrayLike<number>,
  horizon: number,
  scenarios: number,
  g: Xoshiro128
): Float64Array {
  const perBlock = Math.max(1, Math.floor(BLOCK_ROWS / horizon))
  const xi = new Float64Array(perBlock * horizon * n)
  const e = new Float64Array(perBlock * horizon * n)
  const v = new Float64Array(n)
  const omega = Float64Array.from(params, (p) => p.omega)
  const alpha = Float64Array.from(params, (p) => p.alpha)
  const beta = Float64Array.from(params, (p) => p.beta)
  const w = Float64Array.from(weights)
  const pnl = new Float64Array(scenarios)
  for (let first = 0; first < scenarios; first += perBlock) {
    const count = Math.min(perBlock, scenarios - first)
    const rows = count * horizon
    g.fillStandardNormal(xi, 0, rows * n)
    for (let i = 0; i < n; i++) {
      const li = i * n
      let row = 0
      // Four rows at once share each load of L's row (register blocking); each sum keeps its order.
      for (; row + 4 <= rows; row += 4) {
        const x0 = row * n
        const x1 = x0 + n
        const x2 = x1 + n
        const x3 = x2 + n
        let s0 = 0
        let s1 = 0
        let s2 = 0
        let s3 = 0
        for (let k = 0; k <= i; k++) {
          const lk = l[li + k]!
          s0 += lk * xi[x0 + k]!
          s1 += lk * xi[x1 + k]!
          s2 += lk * xi[x2 + k]!
          s3 += lk * xi[x3 + k]!
        }
        e[x0 + i] = s0
        e[x1 + i] = s1
        e[x2 + i] = s2
        e[x3 + i] = s3
      }
      for (; row < rows; row++) {
        const xr = row * n
        let sum = 0
        for (let k = 0; k <= i; k++) sum += l[li + k]! * xi[xr + k]!
        e[xr + i] = sum
      }
    }
    for (let b = 0; b < count; b++) {
      v.set(v0)
      let total = 0
      for (let h = 0; h < horizon; h++) {
        const er = (b * horizon + h) * n
        for (let i = 0; i < n; i++) {
          const x = Math.sqrt(v[i]!) * e[er + i]!
          total += w[i]! * x
          v[i] = omega[i]! + alpha[i]! * x * x + beta[i]! * v[i]!
        }
      }
      pnl[first + b] = total
    }
  }
  return pnl
}
