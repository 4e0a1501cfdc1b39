// Anchored walk-forward of the reference strategy's state boundary (spec §1.3 evaluation, §7.6:
// walk-forward, never shuffled CV). The bars after the warm-up are cut into a first training
// window and `folds` test windows; before test window k the boundary — the forecast-risk z above
// which the state reads risk_off — is chosen from RISK_Z_GRID on every bar before it (anchored:
// the training window grows), and the run trades that boundary through window k. The choice
// scores each boundary by the Sharpe of the state-matched class baskets held one bar (equal
// weight over the held baskets, no cost, no gate): a selection score only — what the folds report
// is the run's own equity through the kernel's risk gate and costs.

/** Boundaries tried at each fold ([proposal]: 0 to 2σ in half-σ steps, the seed's 80th percentile ≈ 0.84σ inside). */
export const RISK_Z_GRID = [0, 0.5, 1, 1.5, 2] as const

export interface WalkForwardFold {
  /** Training bars [trainFrom, testFrom) and test bars [testFrom, testTo). */
  trainFrom: number
  testFrom: number
  testTo: number
  threshold: number
  /** Selection score of the chosen boundary on its training bars (annualised). */
  trainScore: number | null
}

export interface WalkForwardPlan {
  /** The boundary the run trades at each bar. */
  threshold: Float64Array
  folds: WalkForwardFold[]
}

export interface SelectionInputs {
  bars: number
  /** First bar the state is read. */
  from: number
  /** Forecast risk per bar and the term-structure stress flag. */
  forecastRisk: Float64Array
  termStress: Uint8Array
  /** Class per asset and the per-bar basket weights (bar-major, n per bar), and basket returns (K per bar). */
  classOf: ArrayLike<number>
  basket: Float64Array
  basketReturn: Float64Array
  classes: number
  /** Which classes each state holds: [risk_on, risk_off]. */
  holds: readonly [readonly boolean[], readonly boolean[]]
  barsPerYear: number
}

/** Annualised Sharpe of the one-bar signal returns of boundary θ over decision bars [a, b). */
export function signalSharpe(x: SelectionInputs, theta: number, a: number, b: number): number | null {
  const n = x.classOf.length
  const K = x.classes
  const live = new Uint8Array(K)
  let sum = 0
  let sq = 0
  let count = 0
  for (let t = a; t < b && t + 1 < x.bars; t++) {
    const off = x.forecastRisk[t]! > theta || x.termStress[t] === 1 ? 1 : 0
    const holds = x.holds[off]!
    live.fill(0)
    for (let i = 0; i < n; i++) if (x.basket[t * n + i] !== 0) live[x.classOf[i]!] = 1
    let r = 0
    let held = 0
    for (let c = 0; c < K; c++) {
      if (!holds[c] || !live[c]) continue
      r += x.basketReturn[(t + 1) * K + c]!
      held++
    }
    if (held > 0) r /= held
    sum += r
    sq += r * r
    count++
  }
  if (count < 2) return null
  const mean = sum / count
  const sd = Math.sqrt(Math.max(0, (sq - count * mean * mean) / (count - 1)))
  return sd > 0 ? (mean / sd) * Math.sqrt(x.barsPerYear) : null
}

/** Fold cuts: the first test window starts at from + share·(bars − from); the rest split evenly. */
export function anchoredCuts(bars: number, from: number, folds: number, firstTrainShare: number): number[] {
  if (folds === 0 || bars - from < 2 * (folds + 1)) return []
  const start = from + Math.floor((bars - from) * firstTrainShare)
  const block = Math.floor((bars - start) / folds)
  if (block < 1) return []
  return Array.from({ length: folds + 1 }, (_, k) => (k === folds ? bars : start + k * block))
}

export function planWalkForward(x: SelectionInputs, folds: number, firstTrainShare: number, prior: number): WalkForwardPlan {
  const threshold = new Float64Array(x.bars).fill(prior)
  const cuts = anchoredCuts(x.bars, x.from, folds, firstTrainShare)
  const out: WalkForwardFold[] = []
  for (let k = 0; k + 1 < cuts.length; k++) {
    const testFrom = cuts[k]!
    const testTo = cuts[k + 1]!
    // Decisions at bars < testFrom − 1 earn by testFrom − 1 at the latest: nothing of the test window is read.
    let best = prior
    let bestScore: number | null = null
    for (const theta of RISK_Z_GRID) {
      const s = signalSharpe(x, theta, x.from, testFrom - 1)
      if (s !== null && (bestScore === null || s > bestScore)) [best, bestScore] = [theta, s]
    }
    threshold.fill(best, testFrom, testTo)
    out.push({ trainFrom: x.from, testFrom, testTo, threshold: best, trainScore: bestScore })
  }
  return { threshold, folds: out }
}
