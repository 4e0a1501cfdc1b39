import { seriesAt, worstStep, type LimitPods, type LimitRule, type PortfolioLimits } from './limits'
import { pathSummary, weighted, type PathSummary } from './shocks'
import { correlation, covariance } from './weights'

/**
 * The numbers the Risk view's stress and limits tables read beside what shocks.ts and
 * limits.ts already give: which pod a scenario's loss came from, and what each limit measures
 * on today's book before any limit acts.
 */

/** The worst drawdown's window: equity peaks after step `peakAt` (−1: the start) and bottoms after step `troughAt`. */
export function drawdownWindow(r: ArrayLike<number>): { peakAt: number; troughAt: number; maxDrawdown: number } {
  let equity = 1
  let peak = 1
  let peakStep = -1
  let best = { peakAt: -1, troughAt: -1, maxDrawdown: 0 }
  for (let t = 0; t < r.length; t++) {
    equity *= 1 + r[t]!
    if (equity > peak) {
      peak = equity
      peakStep = t
    }
    const dd = 1 - equity / peak
    if (dd > best.maxDrawdown) best = { peakAt: peakStep, troughAt: t, maxDrawdown: dd }
  }
  return best
}

/**
 * The pod whose weighted returns summed most negative over the portfolio's worst drawdown
 * (steps peakAt+1 … troughAt), with that sum as its loss (a positive number); null when the
 * path never draws down or no pod lost over the window.
 */
export function worstPod(returns: readonly Float64Array[], weights: ArrayLike<number>): { pod: number; loss: number } | null {
  const { peakAt, troughAt } = drawdownWindow(weighted(returns, weights))
  if (troughAt < 0) return null
  let pod = -1
  let worst = 0
  returns.forEach((r, i) => {
    let s = 0
    for (let t = peakAt + 1; t <= troughAt; t++) s += weights[i]! * r[t]!
    if (s < worst) {
      worst = s
      pod = i
    }
  })
  return pod < 0 ? null : { pod, loss: -worst }
}

/** A scenario's path summary with its worst pod. */
export function scenarioSummary(returns: readonly Float64Array[], weights: ArrayLike<number>): PathSummary & { worstPod: { pod: number; loss: number } | null } {
  return { ...pathSummary(weighted(returns, weights)), worstPod: worstPod(returns, weights) }
}

/** Which constraint-event rule each limit logs. */
export const LIMIT_RULES: Record<keyof PortfolioLimits, LimitRule> = {
  maxPodWeight: 'pod_concentration',
  maxFamilyWeight: 'family_concentration',
  maxAssetClassWeight: 'asset_class_concentration',
  maxPosition: 'single_position',
  maxCorrelation: 'pod_correlation',
  maxGross: 'gross_exposure',
  maxNet: 'net_exposure',
  maxDrawdown: 'drawdown_stop'
}

/** A limit's measure on the book: its value (null: not measurable, as net or gross across units that differ, or no pod's position in fraction of equity) and the step it is worst at (null: not a per-step measure). */
export interface LimitValue {
  value: number | null
  at: number | null
}

/** What each limit measures on the book under `weights`, before any limit acts (the table's "value" column); the exposure limits at their worst step. */
export function limitValues(weights: readonly number[], pods: LimitPods): Record<keyof PortfolioLimits, LimitValue> {
  const n = weights.length
  const T = pods.returns[0]!.length
  const today = (value: number): LimitValue => ({ value, at: null })
  const largestGroup = (groupOf: readonly string[]): number => {
    const sums = new Map<string, number>()
    groupOf.forEach((g, i) => sums.set(g, (sums.get(g) ?? 0) + weights[i]!))
    return Math.max(...sums.values())
  }
  let maxCorrelation = 0
  if (n > 1) {
    const corr = correlation(covariance(pods.returns, 0, T), n)
    maxCorrelation = -Infinity
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) maxCorrelation = Math.max(maxCorrelation, corr[i * n + j]!)
  }
  const worst = (at: (t: number) => number): LimitValue => {
    const w = worstStep(T, at)
    return { value: w.value, at: w.t }
  }
  // Position and gross read leverage as a fraction of equity: only compound pods (gross only when every pod is one).
  const compound = weights.map((_, i) => pods.compound?.[i] ?? true)
  const positions = weights.flatMap((w, i) => (compound[i] ? [worstStep(T, (t) => w * seriesAt(pods.leverage[i]!, t))] : []))
  const largest = positions.length ? positions.reduce((a, b) => (b.value > a.value ? b : a)) : null
  const net = pods.net
  return {
    maxPodWeight: today(Math.max(...weights)),
    maxFamilyWeight: today(largestGroup(pods.labs)),
    maxAssetClassWeight: today(largestGroup(pods.assetClasses)),
    maxPosition: largest ? { value: largest.value, at: largest.t } : { value: null, at: null },
    maxCorrelation: today(maxCorrelation),
    maxGross: compound.every(Boolean) ? worst((t) => weights.reduce((s, w, i) => s + Math.abs(w) * seriesAt(pods.leverage[i]!, t), 0)) : { value: null, at: null },
    maxNet: net ? worst((t) => weights.reduce((s, w, i) => s + w * seriesAt(net[i]!, t), 0)) : { value: null, at: null },
    maxDrawdown: today(pathSummary(weighted(pods.returns, weights)).maxDrawdown)
  }
}
