import type { ConstraintEvent } from '../engine/kernel'
import { pathSummary, weighted } from './shocks'
import { correlation, covariance } from './weights'

/**
 * The portfolio's limits, each with the action taken when it binds, applied in a fixed order
 * (concentration by pod, by lab family, by asset class; single position; correlation between
 * pods; gross exposure; then the drawdown stop over the history) so that runs stay comparable.
 * Every binding limit is a constraint event in the kernel's shape (step, rule, message, the
 * weights before and after), logged at the step it binds: the last step for limits on today's
 * book, the breach step for the drawdown stop.
 */
export type LimitRule = 'pod_concentration' | 'family_concentration' | 'asset_class_concentration' | 'single_position' | 'pod_correlation' | 'gross_exposure' | 'drawdown_stop'

export type LimitEvent = Omit<ConstraintEvent, 'rule'> & { rule: LimitRule; action: 'cap_and_redistribute' | 'cap_pair' | 'scale_to_cash' | 'flatten' }

export interface PortfolioLimits {
  /** Largest weight of one pod. */
  maxPodWeight?: number
  /** Largest summed weight of the pods of one lab. */
  maxFamilyWeight?: number
  /** Largest summed weight of one asset class. */
  maxAssetClassWeight?: number
  /** Largest exposure of one pod's book in portfolio equity: weight × the pod's gross leverage. */
  maxPosition?: number
  /** Pods correlated above this hold together no more than maxPodWeight (or, without it, their larger weight). */
  maxCorrelation?: number
  /** Largest gross exposure Σ weight × gross leverage; above it every weight is scaled down and the rest held in cash. */
  maxGross?: number
  /** Drawdown of the portfolio at which it goes flat for the rest of the history. */
  maxDrawdown?: number
}

export const DEFAULT_LIMITS: Required<PortfolioLimits> = {
  maxPodWeight: 0.4,
  maxFamilyWeight: 0.6,
  maxAssetClassWeight: 0.6,
  maxPosition: 1,
  maxCorrelation: 0.9,
  maxGross: 2,
  maxDrawdown: 0.2
}

export interface LimitPods {
  labs: readonly string[]
  assetClasses: readonly string[]
  /** Each pod's gross leverage today (its book's gross notional over its equity). */
  leverage: readonly number[]
  returns: readonly Float64Array[]
}

export interface LimitReport {
  events: LimitEvent[]
  weights: number[]
  /** Cash left by scaling (1 − Σ weights). */
  cash: number
  gross: number
  /** The portfolio path under the final weights with the drawdown stop applied. */
  path: { totalReturn: number; maxDrawdown: number; stoppedAt: number | null }
}

/**
 * Caps the weights of the pods in each group at `cap`, handing the excess to the pods outside
 * capped groups in proportion to their weights (so the sum stays 1 where it can), until no group
 * is over; when every pod is capped the excess goes to cash.
 */
function capGroups(w: number[], groupOf: readonly string[], cap: number): { after: number[]; capped: string[] } {
  const after = w.slice()
  const capped = new Set<string>()
  for (let round = 0; round < groupOf.length + 1; round++) {
    const sums = new Map<string, number>()
    groupOf.forEach((g, i) => sums.set(g, (sums.get(g) ?? 0) + after[i]!))
    const over = [...sums].filter(([, s]) => s > cap + 1e-12)
    if (over.length === 0) break
    let excess = 0
    for (const [g, s] of over) {
      capped.add(g)
      groupOf.forEach((h, i) => {
        if (h === g) after[i] = (after[i]! * cap) / s
      })
      excess += s - cap
    }
    const free = groupOf.map((g, i) => (capped.has(g) ? 0 : after[i]!))
    const room = free.reduce((a, b) => a + b, 0)
    if (room > 0) free.forEach((f, i) => (after[i]! += (excess * f) / room))
  }
  return { after, capped: [...capped] }
}

export function applyLimits(weights: readonly number[], pods: LimitPods, limits: PortfolioLimits): LimitReport {
  const n = weights.length
  const T = pods.returns[0]!.length
  const last = T - 1
  const events: LimitEvent[] = []
  let w = weights.slice()
  const log = (rule: LimitRule, action: LimitEvent['action'], message: string, after: number[]): void => {
    events.push({ t: last, rule, action, message, before: w, after })
    w = after
  }
  const group = (rule: LimitRule, what: string, groupOf: readonly string[], cap: number | undefined): void => {
    if (cap === undefined) return
    const { after, capped } = capGroups(w, groupOf, cap)
    if (capped.length) log(rule, 'cap_and_redistribute', `${what} ${capped.join(', ')} over ${cap}: capped, the excess spread over the others`, after)
  }
  group('pod_concentration', 'pod', w.map((_, i) => `#${i + 1}`), limits.maxPodWeight)
  group('family_concentration', 'lab', pods.labs, limits.maxFamilyWeight)
  group('asset_class_concentration', 'asset class', pods.assetClasses, limits.maxAssetClassWeight)
  if (limits.maxPosition !== undefined) {
    const cap = limits.maxPosition
    const over = w.map((x, i) => ({ i, exposure: x * pods.leverage[i]! })).filter((p) => p.exposure > cap + 1e-12)
    if (over.length) {
      const after = w.map((x, i) => (x * pods.leverage[i]! > cap ? cap / pods.leverage[i]! : x))
      log('single_position', 'scale_to_cash', `pod ${over.map((p) => `#${p.i + 1} (${p.exposure.toFixed(3)})`).join(', ')} over ${cap} of equity: weight cut, the rest in cash`, after)
    }
  }
  if (limits.maxCorrelation !== undefined) {
    const corr = correlation(covariance(pods.returns, 0, T), n)
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const c = corr[i * n + j]!
        const cap = limits.maxPodWeight ?? Math.max(w[i]!, w[j]!)
        const pair = w[i]! + w[j]!
        if (c > limits.maxCorrelation && pair > cap + 1e-12) {
          const after = w.slice()
          after[i] = (w[i]! * cap) / pair
          after[j] = (w[j]! * cap) / pair
          log('pod_correlation', 'cap_pair', `pods #${i + 1} and #${j + 1} correlate ${c.toFixed(3)} > ${limits.maxCorrelation}: held together to ${cap}, the rest in cash`, after)
        }
      }
    }
  }
  const grossOf = (x: readonly number[]): number => x.reduce((s, v, i) => s + Math.abs(v) * pods.leverage[i]!, 0)
  if (limits.maxGross !== undefined && grossOf(w) > limits.maxGross + 1e-12) {
    const scale = limits.maxGross / grossOf(w)
    log('gross_exposure', 'scale_to_cash', `gross exposure ${grossOf(w).toFixed(3)} over ${limits.maxGross}: every weight × ${scale.toFixed(4)}, the rest in cash`, w.map((x) => x * scale))
  }
  // The drawdown stop over the history under the final weights: flat from the step after it binds.
  const r = weighted(pods.returns, w)
  let stoppedAt: number | null = null
  if (limits.maxDrawdown !== undefined) {
    let equity = 1
    let peak = 1
    for (let t = 0; t < T; t++) {
      equity *= 1 + r[t]!
      peak = Math.max(peak, equity)
      if (1 - equity / peak >= limits.maxDrawdown) {
        stoppedAt = t
        r.fill(0, t + 1)
        events.push({ t, rule: 'drawdown_stop', action: 'flatten', message: `drawdown ${(1 - equity / peak).toFixed(4)} reached ${limits.maxDrawdown} at step ${t}: the portfolio goes flat`, before: w, after: w.map(() => 0) })
        break
      }
    }
  }
  const path = pathSummary(r)
  return { events, weights: w, cash: 1 - w.reduce((a, b) => a + b, 0), gross: grossOf(w), path: { totalReturn: path.totalReturn, maxDrawdown: path.maxDrawdown, stoppedAt } }
}
