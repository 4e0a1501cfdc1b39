import type { LimitRule, PortfolioLimits } from './limits'
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
  maxDrawdown: 'drawdown_stop'
}

export interface MeasuredPods {
  labs: readonly string[]
  assetClasses: readonly string[]
  leverage: readonly number[]
  returns: readonly Float64Array[]
}

/** What each limit measures on the book under `weights`, before any limit acts (the table's "value" column). */
export function limitValues(weights: readonly number[], pods: MeasuredPods): Record<keyof PortfolioLimits, number> {
  const n = weights.length
  const largestGroup = (groupOf: readonly string[]): number => {
    const sums = new Map<string, number>()
    groupOf.forEach((g, i) => sums.set(g, (sums.get(g) ?? 0) + weights[i]!))
    return Math.max(...sums.values())
  }
  let maxCorrelation = 0
  if (n > 1) {
    const corr = correlation(covariance(pods.returns, 0, pods.returns[0]!.length), n)
    maxCorrelation = -Infinity
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) maxCorrelation = Math.max(maxCorrelation, corr[i * n + j]!)
  }
  return {
    maxPodWeight: Math.max(...weights),
    maxFamilyWeight: largestGroup(pods.labs),
    maxAssetClassWeight: largestGroup(pods.assetClasses),
    maxPosition: Math.max(...weights.map((w, i) => w * pods.leverage[i]!)),
    maxCorrelation,
    maxGross: weights.reduce((s, w, i) => s + Math.abs(w) * pods.leverage[i]!, 0),
    maxDrawdown: pathSummary(weighted(pods.returns, weights)).maxDrawdown
  }
}
