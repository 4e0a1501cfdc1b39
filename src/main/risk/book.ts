import { hrpWeights } from './hrp'
import { correlation, covariance, equalWeights, fixedWeights, inverseVolWeights, riskContributions, riskParityWeights, volTargetWeights, type WeightScheme } from './weights'

/**
 * A portfolio of pods held through time: target weights by a scheme, set on a rebalancing
 * cadence from the returns seen so far (never later ones), drifting with each pod's returns in
 * between, and a cost in basis points on every unit of equity traded at a rebalance — the first
 * allocation from cash included. Equity starts at 1; what vol-target weights leave unallocated
 * (or borrow) sits in cash at a zero return.
 */
export interface BookOptions {
  scheme: WeightScheme
  /** For `fixed`: one per pod, summing to 1. */
  fixed?: readonly number[] | undefined
  /** For `vol-target`: the target volatility per step. */
  volTarget?: number | undefined
  /** Trailing returns the estimated schemes read at each rebalance. */
  window: number
  /** Steps between rebalances (1 = every step). */
  rebalanceEvery: number
  costBps: number
}

/**
 * Estimated schemes need some history: until this many returns exist, and while a pod shows no
 * volatility over the window (a strategy still flat), a rebalance holds equal weights — a
 * covariance that says nothing about a pod's risk cannot weigh it.
 */
export const MIN_HISTORY = 20

export interface PortfolioBook {
  /** Equity after each step, index 0 the starting equity 1 (length T + 1). */
  equity: Float64Array
  /** Each pod's cumulative P&L in units of the starting equity (length T + 1, starting at 0). */
  podPnl: Float64Array[]
  /** Cumulative rebalancing cost in units of the starting equity (length T + 1). */
  cost: Float64Array
  /** Each pod's holding as a fraction of equity at the start of step t, after any rebalance (length T). */
  exposure: Float64Array[]
  /** Σ|holding| / equity at the start of each step (length T). */
  gross: Float64Array
  /** The steps at which the book rebalanced. */
  rebalances: Int32Array
  /** Units of equity traded over the whole history. */
  turnover: number
  /** The target weights of the last rebalance. */
  weights: Float64Array
}

/** The scheme's target weights from returns [from, to). */
export function targetWeights(returns: readonly Float64Array[], from: number, to: number, o: Pick<BookOptions, 'scheme' | 'fixed' | 'volTarget'>): Float64Array {
  const n = returns.length
  if (o.scheme === 'fixed') return fixedWeights(o.fixed ?? [], n)
  if (o.scheme === 'equal' || to - from < MIN_HISTORY) return equalWeights(n)
  const cov = covariance(returns, from, to)
  for (let i = 0; i < n; i++) if (!(cov[i * n + i]! > 0)) return equalWeights(n)
  switch (o.scheme) {
    case 'inverse-vol':
      return inverseVolWeights(cov, n)
    case 'vol-target':
      return volTargetWeights(cov, n, o.volTarget ?? NaN)
    case 'risk-parity':
      return riskParityWeights(cov, n)
    case 'hrp':
      return hrpWeights(cov, n).weights
  }
}

export function simulateBook(returns: readonly Float64Array[], o: BookOptions): PortfolioBook {
  const n = returns.length
  const T = returns[0]?.length ?? 0
  if (n === 0 || T === 0) throw new RangeError('a portfolio needs at least one pod with at least one return')
  if (!(Number.isInteger(o.rebalanceEvery) && o.rebalanceEvery >= 1)) throw new RangeError(`the rebalancing cadence must be a whole number of steps ≥ 1 (got ${o.rebalanceEvery})`)
  if (!(o.costBps >= 0)) throw new RangeError(`the cost must be ≥ 0 basis points (got ${o.costBps})`)
  const rate = o.costBps / 10_000
  const equity = new Float64Array(T + 1)
  const cost = new Float64Array(T + 1)
  const podPnl = Array.from({ length: n }, () => new Float64Array(T + 1))
  const exposure = Array.from({ length: n }, () => new Float64Array(T))
  const gross = new Float64Array(T)
  const holding = new Float64Array(n)
  const rebalances: number[] = []
  let value = 1
  let turnover = 0
  let weights: Float64Array = new Float64Array(n)
  equity[0] = 1
  for (let t = 0; t < T; t++) {
    let paid = 0
    if (t % o.rebalanceEvery === 0) {
      try {
        weights = targetWeights(returns, Math.max(0, t - o.window), t, o)
      } catch (error) {
        throw new RangeError(`rebalancing at step ${t}: ${(error as Error).message}`)
      }
      // The cost is paid from equity first, then the new equity is allocated: traded = Σ|wᵢV′ − hᵢ|
      // with V′ = V − rate·traded, by fixed-point passes: a contraction by about rate·Σ|wᵢ| ≪ 1 per pass.
      let traded = 0
      for (let pass = 0; pass < 50; pass++) {
        const after = value - rate * traded
        let next = 0
        for (let i = 0; i < n; i++) next += Math.abs(weights[i]! * after - holding[i]!)
        const settled = next === traded
        traded = next
        if (settled) break
      }
      paid = rate * traded
      value -= paid
      for (let i = 0; i < n; i++) holding[i] = weights[i]! * value
      turnover += traded
      rebalances.push(t)
    }
    let g = 0
    for (let i = 0; i < n; i++) {
      exposure[i]![t] = holding[i]! / value
      g += Math.abs(holding[i]!)
    }
    gross[t] = g / value
    let pnl = 0
    for (let i = 0; i < n; i++) {
      const p = holding[i]! * returns[i]![t]!
      holding[i]! += p
      podPnl[i]![t + 1] = podPnl[i]![t]! + p
      pnl += p
    }
    value += pnl
    cost[t + 1] = cost[t]! + paid
    equity[t + 1] = value
  }
  return { equity, podPnl, cost, exposure, gross, rebalances: Int32Array.from(rebalances), turnover, weights }
}

export interface BookSummary {
  totalReturn: number
  podPnl: number[]
  totalCost: number
  turnover: number
  rebalances: number
  volatility: number
  maxDrawdown: number
  /** Correlation between pods' returns over the whole calendar (row-major rows). */
  correlation: number[][]
  /** Each pod's share of portfolio variance at the last weights, over the trailing window. */
  riskContributions: number[]
  weights: number[]
}

export function summariseBook(returns: readonly Float64Array[], book: PortfolioBook, window: number): BookSummary {
  const n = returns.length
  const T = returns[0]!.length
  let peak = 1
  let maxDrawdown = 0
  let mean = 0
  const r = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    r[t] = book.equity[t + 1]! / book.equity[t]! - 1
    mean += r[t]!
    peak = Math.max(peak, book.equity[t + 1]!)
    maxDrawdown = Math.max(maxDrawdown, 1 - book.equity[t + 1]! / peak)
  }
  mean /= T
  let ss = 0
  for (let t = 0; t < T; t++) ss += (r[t]! - mean) ** 2
  const corr = correlation(covariance(returns, 0, T), n)
  const trailing = covariance(returns, Math.max(0, T - window), T)
  return {
    totalReturn: book.equity[T]! - 1,
    podPnl: book.podPnl.map((p) => p[T]!),
    totalCost: book.cost[T]!,
    turnover: book.turnover,
    rebalances: book.rebalances.length,
    volatility: T > 1 ? Math.sqrt(ss / (T - 1)) : 0,
    maxDrawdown,
    correlation: Array.from({ length: n }, (_, i) => Array.from(corr.subarray(i * n, (i + 1) * n))),
    riskContributions: Array.from(riskContributions(book.weights, trailing, n)),
    weights: Array.from(book.weights)
  }
}
