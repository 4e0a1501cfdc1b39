import { twoMeansCentres } from '../regime/baselines'
import { covariance } from './weights'

/**
 * User-defined shocks applied to the pods' return matrix (one Float64Array per pod, one step
 * calendar), the portfolio path they give under fixed weights, and the reverse question: the
 * smallest shock of one kind whose path breaches a loss limit.
 *   corr=ρ    correlations pulled towards one: C(ρ) = (1 − ρ)·C + ρ·11ᵀ, every pod keeping its
 *             mean and volatility (the standardised returns mapped through L(ρ)·L(0)⁻¹, so the
 *             shocked sample correlation is C(ρ) exactly);
 *   vol=k     every pod's deviations from its mean scaled by k;
 *   regime=n  n more steps of the stress regime after the history: the steps whose trailing
 *             20-step portfolio volatility falls in the upper of two means, replayed in order.
 * The loss of a path is its maximum drawdown (peak to trough, fraction of equity).
 */
export type Shock = { kind: 'corr'; level: number } | { kind: 'vol'; factor: number } | { kind: 'regime'; steps: number }
export type ShockKind = Shock['kind']

/** Cholesky factor of a positive semi-definite matrix; a pivot ≤ tol·scale leaves its column zero. */
export function semidefiniteCholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n)
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2
    const pivot = d > 1e-12 * Math.max(1, a[j * n + j]!) ? Math.sqrt(d) : 0
    l[j * n + j] = pivot
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!
      l[i * n + j] = pivot > 0 ? s / pivot : 0
    }
  }
  return l
}

function meansAndVols(returns: readonly Float64Array[]): { mean: Float64Array; vol: Float64Array; corr: Float64Array } {
  const n = returns.length
  const T = returns[0]!.length
  const cov = covariance(returns, 0, T)
  const mean = Float64Array.from(returns, (r) => r.reduce((a, b) => a + b, 0) / T)
  const vol = Float64Array.from({ length: n }, (_, i) => Math.sqrt(cov[i * n + i]!))
  const corr = new Float64Array(n * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) corr[i * n + j] = i === j ? 1 : vol[i]! > 0 && vol[j]! > 0 ? cov[i * n + j]! / (vol[i]! * vol[j]!) : 0
  return { mean, vol, corr }
}

function correlationShock(returns: readonly Float64Array[], level: number): Float64Array[] {
  const n = returns.length
  const T = returns[0]!.length
  const { mean, vol, corr } = meansAndVols(returns)
  const target = corr.map((c) => (1 - level) * c + level)
  const l0 = semidefiniteCholesky(corr, n)
  const l1 = semidefiniteCholesky(target, n)
  const out = returns.map(() => new Float64Array(T))
  const z = new Float64Array(n)
  const y = new Float64Array(n)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) z[i] = vol[i]! > 0 ? (returns[i]![t]! - mean[i]!) / vol[i]! : 0
    // y = L(0)⁻¹ z by forward substitution; a zero pivot (a pod spanned by the others) contributes nothing new.
    for (let i = 0; i < n; i++) {
      let s = z[i]!
      for (let k = 0; k < i; k++) s -= l0[i * n + k]! * y[k]!
      y[i] = l0[i * n + i]! > 0 ? s / l0[i * n + i]! : 0
    }
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k <= i; k++) s += l1[i * n + k]! * y[k]!
      out[i]![t] = mean[i]! + vol[i]! * s
    }
  }
  return out
}

/** The steps of the stress regime: trailing 20-step volatility of the weighted returns in the upper two-means cluster. */
export function stressRegimeSteps(portfolio: Float64Array, window = 20): number[] {
  const T = portfolio.length
  if (T < window + 2) throw new RangeError(`a forced regime needs at least ${window + 2} returns to find the stress regime (got ${T})`)
  const rv: number[] = []
  for (let t = window - 1; t < T; t++) {
    let s = 0
    for (let k = t - window + 1; k <= t; k++) s += portfolio[k]! ** 2
    rv.push(Math.sqrt(s / window))
  }
  const { lo, hi } = twoMeansCentres(rv)
  const cut = (lo + hi) / 2
  const steps: number[] = []
  rv.forEach((v, i) => v > cut && steps.push(i + window - 1))
  return steps.length ? steps : [rv.indexOf(Math.max(...rv)) + window - 1]
}

export function weighted(returns: readonly Float64Array[], weights: ArrayLike<number>): Float64Array {
  const T = returns[0]!.length
  const r = new Float64Array(T)
  returns.forEach((x, i) => {
    for (let t = 0; t < T; t++) r[t]! += weights[i]! * x[t]!
  })
  return r
}

/** The pods' returns under a shock (a forced regime appends its steps after the history). */
export function applyShock(returns: readonly Float64Array[], weights: ArrayLike<number>, shock: Shock): Float64Array[] {
  switch (shock.kind) {
    case 'corr':
      if (!(shock.level >= 0 && shock.level <= 1)) throw new RangeError(`corr must be a level in [0, 1] (got ${shock.level})`)
      return correlationShock(returns, shock.level)
    case 'vol': {
      if (!(shock.factor >= 0) || !Number.isFinite(shock.factor)) throw new RangeError(`vol must be a factor ≥ 0 (got ${shock.factor})`)
      const { mean } = meansAndVols(returns)
      return returns.map((r, i) => r.map((x) => mean[i]! + shock.factor * (x - mean[i]!)))
    }
    case 'regime': {
      if (!Number.isInteger(shock.steps) || shock.steps < 0) throw new RangeError(`regime must be a whole number of steps ≥ 0 (got ${shock.steps})`)
      const stress = stressRegimeSteps(weighted(returns, weights))
      const T = returns[0]!.length
      return returns.map((r) => {
        const out = new Float64Array(T + shock.steps)
        out.set(r)
        for (let k = 0; k < shock.steps; k++) out[T + k] = r[stress[k % stress.length]!]!
        return out
      })
    }
  }
}

export interface PathSummary {
  totalReturn: number
  maxDrawdown: number
  worstStep: number
  /** Step of the trough of the maximum drawdown. */
  troughAt: number
}

export function pathSummary(r: ArrayLike<number>): PathSummary {
  let equity = 1
  let peak = 1
  let maxDrawdown = 0
  let troughAt = 0
  let worstStep = 0
  for (let t = 0; t < r.length; t++) {
    equity *= 1 + r[t]!
    peak = Math.max(peak, equity)
    const dd = 1 - equity / peak
    if (dd > maxDrawdown) {
      maxDrawdown = dd
      troughAt = t
    }
    worstStep = Math.min(worstStep, r[t]!)
  }
  return { totalReturn: equity - 1, maxDrawdown, worstStep: -worstStep, troughAt }
}

export const shockedLoss = (returns: readonly Float64Array[], weights: ArrayLike<number>, shock: Shock): number =>
  pathSummary(weighted(applyShock(returns, weights, shock), weights)).maxDrawdown

export interface ReverseStress {
  kind: ShockKind
  /** The smallest shock of this kind that breaches the limit; null when none up to `searched` does. */
  shock: number | null
  loss: number | null
  searched: number
  /** True when the unshocked portfolio already breaches the limit. */
  alreadyBreached: boolean
}

const MAX_VOL_FACTOR = 50

/**
 * The smallest shock of one kind whose maximum drawdown reaches `limit`: a scan (corr in steps
 * of 0.05, vol over a geometric grid to ×50) finds the first grid point that breaches, then
 * bisection between it and the point before, to 1e-9; a forced regime, whose drawdown can only
 * grow with its length, by integer bisection up to the history's length.
 */
export function reverseStress(returns: readonly Float64Array[], weights: ArrayLike<number>, kind: ShockKind, limit: number): ReverseStress {
  if (!(limit > 0 && limit < 1)) throw new RangeError(`the loss limit must be a fraction in (0, 1) (got ${limit})`)
  const at = (x: number): number => shockedLoss(returns, weights, kind === 'corr' ? { kind, level: x } : kind === 'vol' ? { kind, factor: x } : { kind, steps: x })
  const none = (searched: number): ReverseStress => ({ kind, shock: null, loss: null, searched, alreadyBreached: false })
  const identity = kind === 'corr' ? 0 : kind === 'vol' ? 1 : 0
  if (at(identity) >= limit) return { kind, shock: identity, loss: at(identity), searched: identity, alreadyBreached: true }
  if (kind === 'regime') {
    const max = returns[0]!.length
    if (at(max) < limit) return none(max)
    let lo = 0
    let hi = max
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (at(mid) >= limit) hi = mid
      else lo = mid
    }
    return { kind, shock: hi, loss: at(hi), searched: max, alreadyBreached: false }
  }
  const grid = kind === 'corr' ? Array.from({ length: 21 }, (_, i) => i / 20) : Array.from({ length: 65 }, (_, i) => MAX_VOL_FACTOR ** (i / 64))
  const first = grid.findIndex((x) => at(x) >= limit)
  if (first < 0) return none(grid[grid.length - 1]!)
  let lo = grid[first - 1]!
  let hi = grid[first]!
  while (hi - lo > 1e-9) {
    const mid = (lo + hi) / 2
    if (at(mid) >= limit) hi = mid
    else lo = mid
  }
  return { kind, shock: hi, loss: at(hi), searched: grid[grid.length - 1]!, alreadyBreached: false }
}

/** Parses `corr=1`, `vol=2`, `regime=20`. */
export function parseShock(text: string): Shock {
  const m = /^(corr|vol|regime)=(.+)$/.exec(text)
  if (!m) throw new RangeError(`--shock must be corr=LEVEL, vol=FACTOR or regime=STEPS (got ${JSON.stringify(text)})`)
  const v = Number(m[2])
  const shock: Shock = m[1] === 'corr' ? { kind: 'corr', level: v } : m[1] === 'vol' ? { kind: 'vol', factor: v } : { kind: 'regime', steps: v }
  // Validate now, on an empty check, so a bad value fails before anything runs.
  if (shock.kind === 'corr' && !(v >= 0 && v <= 1)) throw new RangeError(`--shock corr must be a level in [0, 1] (got ${JSON.stringify(m[2])})`)
  if (shock.kind === 'vol' && !(v >= 0 && Number.isFinite(v))) throw new RangeError(`--shock vol must be a factor ≥ 0 (got ${JSON.stringify(m[2])})`)
  if (shock.kind === 'regime' && !(/^\d+$/.test(m[2]!) && v <= 1_000_000)) throw new RangeError(`--shock regime must be a whole number of steps up to 1000000 (got ${JSON.stringify(m[2])})`)
  return shock
}
