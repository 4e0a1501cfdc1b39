import type { ConstraintEvent } from '../engine/kernel'
import { pathSummary, weighted } from './shocks'
import { correlation, covariance } from './weights'

/**
 * The portfolio's limits, each with the action taken when it binds, applied in a fixed order
 * (concentration by pod, by lab family, by asset class; single position; correlation between
 * pods; gross exposure; net exposure; then the drawdown stop over the history) so that runs stay
 * comparable. Every binding limit is a constraint event in the kernel's shape (step, rule,
 * message, the weights before and after), logged at the step it binds: the last step for the
 * weight limits on today's book; for the exposure limits (single position, gross, net), which
 * read the pods' books at every step, the step where the exposure is worst — the cut that holds
 * it there holds it at every step; the breach step for the drawdown stop.
 */
export type LimitRule = 'pod_concentration' | 'family_concentration' | 'asset_class_concentration' | 'single_position' | 'pod_correlation' | 'gross_exposure' | 'net_exposure' | 'drawdown_stop'

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
  /** Largest |Σ weight × net exposure| in fraction of equity; only where every pod's unit is a fraction of equity. */
  maxNet?: number
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
  maxNet: 1,
  maxDrawdown: 0.2
}

/** A per-step series of a pod, or one number that holds at every step. */
export type PodSeries = number | ArrayLike<number>
export const seriesAt = (s: PodSeries, t: number): number => (typeof s === 'number' ? s : s[t]!)

export interface LimitPods {
  labs: readonly string[]
  assetClasses: readonly string[]
  /** Each pod's gross leverage (its book's gross notional over its equity) per step of the returns' calendar. */
  leverage: readonly PodSeries[]
  /**
   * Whether each pod's leverage is a fraction of its equity (a compound ledger); an additive
   * ledger's |positions| are lots or notional. The single-position limit reads only these pods,
   * the gross limit only a book where every pod is one. Default: every pod.
   */
  compound?: readonly boolean[]
  /** Each pod's signed net exposure in fraction of its equity per step; null where some pod's unit is not a fraction of equity (no net limit then). */
  net?: readonly PodSeries[] | null
  returns: readonly Float64Array[]
}

/** The step where a weighted exposure is largest in absolute value, and that value (ties: the earliest step). */
export function worstStep(T: number, at: (t: number) => number): { t: number; value: number; over: (cap: number) => { steps: number; first: number | null } } {
  let t = 0
  let value = -Infinity
  for (let k = 0; k < T; k++) {
    const v = Math.abs(at(k))
    if (v > value) {
      value = v
      t = k
    }
  }
  const over = (cap: number): { steps: number; first: number | null } => {
    let steps = 0
    let first: number | null = null
    for (let k = 0; k < T; k++) {
      if (Math.abs(at(k)) > cap + 1e-12) {
        steps++
        first ??= k
      }
    }
    return { steps, first }
  }
  return { t, value, over }
}

export interface LimitReport {
  events: LimitEvent[]
  weights: number[]
  /** Cash left by scaling (1 − Σ weights). */
  cash: number
  /** The gross exposure under the final weights at its worst step, summed over the pods in fraction of equity. */
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
  const compound = (i: number): boolean => pods.compound?.[i] ?? true
  const allCompound = weights.every((_, i) => compound(i))
  let w = weights.slice()
  // A weight limit binds on today's book: logged at the last step.
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
    // Per pod, its weight × leverage at its worst step; a pod over the cap there is cut to hold it there (so at every step).
    const cap = limits.maxPosition
    for (let i = 0; i < n; i++) {
      if (!compound(i)) continue
      const worst = worstStep(T, (t) => w[i]! * seriesAt(pods.leverage[i]!, t))
      if (worst.value <= cap + 1e-12) continue
      const { steps, first } = worst.over(cap)
      const after = w.slice()
      after[i] = (w[i]! * cap) / worst.value
      events.push({ t: worst.t, rule: 'single_position', action: 'scale_to_cash', message: `pod #${i + 1} exposure ${worst.value.toFixed(3)} of equity at step ${worst.t} over ${cap} (over at ${steps} of ${T} steps, first at step ${first}): weight ${w[i]!.toFixed(4)} → ${after[i]!.toFixed(4)}, the rest in cash`, before: w, after })
      w = after
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
  const grossAt = (x: readonly number[], t: number): number => x.reduce((s, v, i) => (compound(i) ? s + Math.abs(v) * seriesAt(pods.leverage[i]!, t) : s), 0)
  const scaleAll = (rule: 'gross_exposure' | 'net_exposure', what: string, cap: number, at: (x: readonly number[], t: number) => number): void => {
    const worst = worstStep(T, (t) => at(w, t))
    if (worst.value <= cap + 1e-12) return
    const { steps, first } = worst.over(cap)
    const scale = cap / worst.value
    events.push({ t: worst.t, rule, action: 'scale_to_cash', message: `${what} ${worst.value.toFixed(3)} at step ${worst.t} over ${cap} (over at ${steps} of ${T} steps, first at step ${first}): every weight × ${scale.toFixed(4)}, the rest in cash`, before: w, after: w.map((x) => x * scale) })
    w = w.map((x) => x * scale)
  }
  if (limits.maxGross !== undefined && allCompound) scaleAll('gross_exposure', 'gross exposure', limits.maxGross, grossAt)
  const net = pods.net
  if (limits.maxNet !== undefined && net) scaleAll('net_exposure', 'net exposure', limits.maxNet, (x, t) => x.reduce((s, v, i) => s + v * seriesAt(net[i]!, t), 0))
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
  return { events, weights: w, cash: 1 - w.reduce((a, b) => a + b, 0), gross: worstStep(T, (t) => grossAt(w, t)).value, path: { totalReturn: path.totalReturn, maxDrawdown: path.maxDrawdown, stoppedAt } }
}
