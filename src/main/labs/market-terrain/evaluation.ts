// The reference strategy's own KPIs (seed L325, L423–425, L1569–1571; spec §1.3 step 8, §3.3):
//
// Surprise — "distance between forecast state and realised state (keep trending down)": the mean
//   over scored bars of the squared Mahalanobis distance per bar (state-path.ts `surprise`; lag 0
//   is the seed's circular loop, lag 1 scores the forecast against the next observation, §7.7).
//
// Flow Capture — "your PnL vs the return of the top decile along the predicted path": at each bar t
//   the top decile of the predicted path is the ⌈n/10⌉ assets with the largest positive predicted
//   net flow (flow-path.ts); its return over bar t + 1 is the equal-weight mean of their simple
//   returns (the seed's "cap-weighted" needs caps a price-only universe lacks). Flow Capture is the
//   strategy's annualised mean return minus the path's, over the same bars: > 0 means the book
//   earned more than simply holding where the flow was predicted to go.

/** Mean of the finite values of xs[from, to) (null when there is none). */
export const finiteMean = (xs: ArrayLike<number>, from = 0, to = xs.length): number | null => {
  let s = 0
  let k = 0
  for (let i = from; i < to; i++) {
    const x = xs[i]!
    if (Number.isFinite(x)) {
      s += x
      k++
    }
  }
  return k > 0 ? s / k : null
}

/** Mean Surprise over bars [from, to) (null when no bar was scored). */
export function meanSurprise(surprise: Float64Array, from: number, to: number): number | null {
  return finiteMean(surprise, from, to)
}

export interface FlowCaptureResult {
  /** Bars t (decision bars) where the path was defined and both returns are known. */
  bars: number
  /** Annualised mean simple return of the top-decile path, held one bar. */
  pathReturn: number | null
  /** Annualised mean simple return of the strategy over the same bars. */
  strategyReturn: number | null
  /** strategyReturn − pathReturn. */
  flowCapture: number | null
}

/** The path's top ⌈n/10⌉ assets at bar t by net flow, strictly positive flow only, ties to the lower index. */
export function topDecile(net: Float32Array, n: number, t: number): number[] {
  const size = Math.max(1, Math.ceil(n / 10))
  const candidates: number[] = []
  for (let i = 0; i < n; i++) if (net[t * n + i]! > 0) candidates.push(i)
  candidates.sort((a, b) => net[t * n + b]! - net[t * n + a]! || a - b)
  return candidates.slice(0, size)
}

/**
 * Flow Capture over decision bars [from, to − 1): equity[t] is the strategy's equity after bar t,
 * logReturns bar-major (n per bar), net the predicted net flow per bar and asset.
 */
export function flowCapture(equity: ArrayLike<number>, logReturns: Float64Array, net: Float32Array, n: number, from: number, to: number, barsPerYear: number): FlowCaptureResult {
  let path = 0
  let mine = 0
  let bars = 0
  for (let t = from; t + 1 < to; t++) {
    const top = topDecile(net, n, t)
    if (top.length === 0 || !(equity[t]! > 0)) continue
    let r = 0
    for (const i of top) r += Math.expm1(logReturns[(t + 1) * n + i]!)
    path += r / top.length
    mine += equity[t + 1]! / equity[t]! - 1
    bars++
  }
  if (bars === 0) return { bars, pathReturn: null, strategyReturn: null, flowCapture: null }
  const pathReturn = (path / bars) * barsPerYear
  const strategyReturn = (mine / bars) * barsPerYear
  return { bars, pathReturn, strategyReturn, flowCapture: strategyReturn - pathReturn }
}

export interface WindowStats {
  from: number
  to: number
  totalReturn: number | null
  sharpe: number | null
  maxDrawdown: number
}

/** Return, annualised Sharpe and max drawdown of the equity over bars [from, to) (earned from from − 1). */
export function windowStats(equity: ArrayLike<number>, from: number, to: number, barsPerYear: number): WindowStats {
  const start = Math.max(0, from - 1)
  let sum = 0
  let sq = 0
  let k = 0
  let peak = equity[start]!
  let maxDrawdown = 0
  for (let t = start + 1; t < to; t++) {
    const r = equity[t]! / equity[t - 1]! - 1
    sum += r
    sq += r * r
    k++
    peak = Math.max(peak, equity[t]!)
    maxDrawdown = Math.max(maxDrawdown, 1 - equity[t]! / peak)
  }
  const mean = k > 0 ? sum / k : 0
  const sd = k > 1 ? Math.sqrt(Math.max(0, (sq - k * mean * mean) / (k - 1))) : 0
  return { from, to, totalReturn: to > start ? equity[to - 1]! / equity[start]! - 1 : null, sharpe: sd > 0 ? (mean / sd) * Math.sqrt(barsPerYear) : null, maxDrawdown }
}
