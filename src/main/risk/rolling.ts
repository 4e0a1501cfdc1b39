import { fitGarch, meanSquare, type GarchFit, type GarchParams } from './garch'
import { mean, SortedWindow, sortedCdf, sortedQuantile, sortedTailMean } from './sample'
import { normCdf, normPdf, normQuantile } from './special'
import { Generator } from '../engine/rng'

/**
 * Rolling one-day VaR and ES over a whole return history, with no look-ahead: the forecast
 * for day t reads returns r[t − window, t) only. Outputs have length n + 1: index t < window is
 * NaN, index n is the forecast for the day after the last return (the "latest" figure).
 * Losses are positive fractions of equity. `pit[t]` is the forecast distribution's cdf at the
 * realised r[t], defined so that a breach (r[t] < −VaR[t]) is exactly pit[t] < 1 − confidence;
 * the ES backtest reads it.
 */
export interface RollingForecast {
  var: Float64Array
  es: Float64Array
  pit: Float64Array
}

export interface RollingOptions {
  confidence: number
  window: number
}

export const EWMA_LAMBDA = 0.94 // RiskMetrics (1996) daily decay

function emptyForecast(n: number): RollingForecast {
  return { var: new Float64Array(n + 1).fill(NaN), es: new Float64Array(n + 1).fill(NaN), pit: new Float64Array(n + 1).fill(NaN) }
}

function checkOptions(r: ArrayLike<number>, o: RollingOptions): void {
  if (!(o.confidence > 0 && o.confidence < 1)) throw new RangeError(`confidence must be in (0, 1) (got ${o.confidence})`)
  if (!Number.isInteger(o.window) || o.window < 10) throw new RangeError(`window must be a whole number ≥ 10 (got ${o.window})`)
  if (r.length < o.window) throw new RangeError(`the history has ${r.length} returns, fewer than the window of ${o.window}`)
}

/** Historical simulation: the empirical quantile and tail mean of the window. */
export function rollingHistorical(r: ArrayLike<number>, o: RollingOptions): RollingForecast {
  checkOptions(r, o)
  return slidingScaled(r, r, null, o)
}

/**
 * σₜ × the quantile and tail mean of z over the window [t − window, t), the window kept sorted
 * as it slides (σ ≡ 1 when `variance` is null: plain historical simulation).
 */
function slidingScaled(r: ArrayLike<number>, z: ArrayLike<number>, variance: Float64Array | null, o: RollingOptions): RollingForecast {
  const n = r.length
  const p = 1 - o.confidence
  const out = emptyForecast(n)
  const w = new SortedWindow(o.window)
  w.fill(z, 0, o.window)
  for (let t = o.window; t <= n; t++) {
    if (t > o.window) {
      w.remove(z[t - 1 - o.window]!)
      w.add(z[t - 1]!)
    }
    fhsStep(out, t, variance ? Math.sqrt(variance[t]!) : 1, w, p, t < n ? r[t]! : undefined)
  }
  return out
}

/** Cornish–Fisher expansion of the normal quantile z for skewness s and excess kurtosis k (Zangari 1996). */
export function cornishFisherZ(z: number, s: number, k: number): number {
  const z2 = z * z
  return z + ((z2 - 1) * s) / 6 + ((z2 * z - 3 * z) * k) / 24 - ((2 * z2 * z - 5 * z) * s * s) / 36
}

/**
 * E[cf(Z) | Z ≤ c] in closed form, from the normal's partial moments ∫₋∞ᶜ zᵏφ: the Cornish–Fisher
 * ES integrates the expanded quantile over the tail, (1/p)∫₀ᵖ cf(Φ⁻¹(u)) du.
 */
export function cornishFisherTailMean(c: number, s: number, k: number, p: number): number {
  return (normPdf(c) / p) * (-1 - (c * s) / 6 + ((1 - c * c) * k) / 24 - ((1 - 2 * c * c) * s * s) / 36)
}

/** Whether the expansion is increasing in z: cf′(z) = az² + bz + c with a ≥ 0 and b² ≤ 4ac (Maillard 2012). */
export function cornishFisherMonotone(s: number, k: number): boolean {
  const a = k / 8 - (s * s) / 6
  const b = s / 3
  const c = 1 - k / 8 + (5 * s * s) / 36
  return a >= 0 && b * b <= 4 * a * c
}

/**
 * The window's (skewness, excess kurtosis), shrunk towards (0, 0) along their ray to the edge
 * of the expansion's domain of validity when they lie outside it: beyond the domain the
 * expanded quantile is not monotone and ES could fall below VaR (a lone spike in a quiet
 * window does this). Inside the domain — most windows of real returns — nothing changes.
 */
export function cornishFisherShape(s: number, k: number): [number, number] {
  if (cornishFisherMonotone(s, k)) return [s, k]
  let lo = 0
  let hi = 1
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi)
    if (cornishFisherMonotone(mid * s, mid * k)) lo = mid
    else hi = mid
  }
  return [lo * s, lo * k]
}

/** The z with cornishFisherZ(z) = y, by bisection on [−12, 12] (the expansion is monotone on the shape cornishFisherShape gives). */
function invertCornishFisher(y: number, s: number, k: number): number {
  let lo = -12
  let hi = 12
  for (let i = 0; i < 64; i++) {
    const mid = 0.5 * (lo + hi)
    if (cornishFisherZ(mid, s, k) < y) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}

/**
 * Parametric VaR/ES from the window's mean and standard deviation (n − 1): Gaussian, or with
 * the Cornish–Fisher correction for the window's skewness and excess kurtosis.
 */
export function rollingParametric(r: ArrayLike<number>, o: RollingOptions, cornishFisher: boolean): RollingForecast {
  checkOptions(r, o)
  const n = r.length
  const p = 1 - o.confidence
  const z = normQuantile(p)
  const out = emptyForecast(n)
  const window = new SlidingMoments(r, o.window, cornishFisher)
  for (let t = o.window; t <= n; t++) {
    const m = window.at(t)
    const [s, k] = cornishFisher ? cornishFisherShape(m.skew, m.exKurt) : [0, 0]
    out.var[t] = -(m.mean + m.std * cornishFisherZ(z, s, k))
    out.es[t] = -(m.mean + m.std * cornishFisherTailMean(z, s, k, p))
    if (t < n) {
      if (m.std > 0) {
        const y = (r[t]! - m.mean) / m.std
        out.pit[t] = normCdf(cornishFisher ? invertCornishFisher(y, s, k) : y)
      } else out.pit[t] = degeneratePit(r[t]! - m.mean, 0.5)
    }
  }
  return out
}

/**
 * The window's mean, standard deviation (n − 1), skewness and excess kurtosis (as `moments`) in
 * O(1) a step: power sums of r − c with the shift c the window's mean at the last exact pass,
 * redone once a window so rounding cannot drift (the shift keeps the sums free of the
 * cancellation raw power sums suffer). The shape moments are summed only when asked for.
 */
class SlidingMoments {
  private shift = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private s4 = 0
  private last = -1

  constructor(
    private readonly r: ArrayLike<number>,
    private readonly window: number,
    private readonly shape: boolean
  ) {}

  /** Moments of r[t − window, t); calls must come with t rising by one. */
  at(t: number): { mean: number; std: number; skew: number; exKurt: number } {
    const w = this.window
    const r = this.r
    if (this.last < 0 || (t - w) % w === 0 || t !== this.last + 1) {
      this.shift = mean(r, t - w, t)
      this.s1 = this.s2 = this.s3 = this.s4 = 0
      for (let i = t - w; i < t; i++) this.enter(r[i]! - this.shift)
    } else {
      this.enter(r[t - 1]! - this.shift)
      this.leave(r[t - 1 - w]! - this.shift)
    }
    this.last = t
    const a = this.s1 / w
    const m2 = Math.max(0, this.s2 / w - a * a)
    const variance = Math.max(0, (this.s2 - (this.s1 * this.s1) / w) / (w - 1))
    const out = { mean: this.shift + a, std: Math.sqrt(variance), skew: 0, exKurt: 0 }
    if (this.shape) {
      const m3 = this.s3 / w - 3 * a * (this.s2 / w) + 2 * a * a * a
      const m4 = this.s4 / w - 4 * a * (this.s3 / w) + 6 * a * a * (this.s2 / w) - 3 * a * a * a * a
      // Denominators that underflow (a window of near-zero returns) leave the shape moments at 0, as in `moments`.
      const d3 = m2 ** 1.5
      const d4 = m2 * m2
      out.skew = d3 > 0 ? m3 / d3 : 0
      out.exKurt = d4 > 0 ? m4 / d4 - 3 : 0
    }
    return out
  }

  private enter(d: number): void {
    const d2 = d * d
    this.s1 += d
    this.s2 += d2
    if (this.shape) {
      this.s3 += d2 * d
      this.s4 += d2 * d2
    }
  }

  private leave(d: number): void {
    const d2 = d * d
    this.s1 -= d
    this.s2 -= d2
    if (this.shape) {
      this.s3 -= d2 * d
      this.s4 -= d2 * d2
    }
  }
}

/** Filtered historical simulation: σₜ × the empirical quantile and tail mean of the window's standardised returns z = r/σ. */
function fhsStep(out: RollingForecast, t: number, sigma: number, z: SortedWindow, p: number, realised: number | undefined): void {
  const q = z.quantile(p)
  out.var[t] = -sigma * q
  out.es[t] = -sigma * z.tailMean(q)
  if (realised !== undefined) out.pit[t] = sigma > 0 ? z.cdf(realised / sigma) : degeneratePit(realised, z.cdf(0))
}

/** The PIT under a forecast with no spread (a window of constant returns): a point mass at the centre. */
const degeneratePit = (fromCentre: number, atCentre: number): number => (fromCentre < 0 ? 0 : fromCentre > 0 ? 1 : atCentre)

const standardise = (x: number, variance: number): number => (variance > 0 ? x / Math.sqrt(variance) : 0)

/**
 * FHS with EWMA volatility (Hull & White 1998; Barone-Adesi et al. 1999): σ²ₜ₊₁ = λσ²ₜ + (1 − λ)r²ₜ,
 * started from the first window's mean square (data before the first forecast), run once
 * through the history so each z is fixed when it enters the window.
 */
export function rollingFhsEwma(r: ArrayLike<number>, o: RollingOptions, lambda = EWMA_LAMBDA): RollingForecast {
  checkOptions(r, o)
  const n = r.length
  const variance = new Float64Array(n + 1)
  variance[0] = meanSquare(r, 0, o.window)
  for (let t = 0; t < n; t++) variance[t + 1] = lambda * variance[t]! + (1 - lambda) * r[t]! * r[t]!
  const z = new Float64Array(n)
  for (let t = 0; t < n; t++) z[t] = standardise(r[t]!, variance[t]!)
  return slidingScaled(r, z, variance, o)
}

export interface GarchRollingOptions extends RollingOptions {
  /** Refit the GARCH every this many days (warm-started); between refits the fitted model filters on. */
  refitEvery: number
}

export interface GarchPath {
  /** σ²ₜ, the one-day-ahead variance forecast for day t (NaN before the first forecast). */
  variance: Float64Array
  /** The parameters in force at the last forecast day. */
  last: GarchParams
  fits: number
  evaluations: number
}

/**
 * The rolling GARCH filter shared by FHS-GARCH and Monte Carlo: at each refit day t the model
 * is fitted on r[t − window, t) (warm-started from the previous fit) and the window re-filtered
 * from its backcast; in between, the recursion moves on one day with the same parameters. The
 * window's standardised returns z = r/σ are kept sorted, all under the parameters in force;
 * `onDay(t, σ²ₜ, z)` sees each forecast day in order.
 */
export function garchFilter(r: ArrayLike<number>, o: GarchRollingOptions, onDay?: (t: number, variance: number, z: SortedWindow) => void): GarchPath {
  checkOptions(r, o)
  if (!Number.isInteger(o.refitEvery) || o.refitEvery < 1) throw new RangeError(`refitEvery must be a whole number ≥ 1 (got ${o.refitEvery})`)
  const n = r.length
  const variance = new Float64Array(n + 1).fill(NaN)
  const z = new Float64Array(n)
  const w = new SortedWindow(o.window)
  let current: GarchParams = { omega: 0, alpha: 0, beta: 0 }
  let previous: GarchFit | undefined
  let fits = 0
  let evaluations = 0
  let v = 0
  for (let t = o.window; t <= n; t++) {
    const from = t - o.window
    if ((t - o.window) % o.refitEvery === 0) {
      const backcast = meanSquare(r, from, t)
      // A window of zero returns (a pod flat all along) has nothing to fit: its variance is 0.
      if (backcast > 0) {
        const fit = fitGarch(r, from, t, previous)
        current = fit.params
        previous = fit
        fits++
        evaluations += fit.evaluations
      }
      v = backcast
      for (let s = from; s < t; s++) {
        z[s] = standardise(r[s]!, v)
        v = current.omega + current.alpha * r[s]! * r[s]! + current.beta * v
      }
      w.fill(z, from, t)
    } else {
      const x = r[t - 1]!
      z[t - 1] = standardise(x, v)
      v = current.omega + current.alpha * x * x + current.beta * v
      w.remove(z[from - 1]!)
      w.add(z[t - 1]!)
    }
    variance[t] = v
    onDay?.(t, v, w)
  }
  return { variance, last: current, fits, evaluations }
}

/** FHS with GARCH(1,1) volatility fitted by MLE on the window (Barone-Adesi, Giannopoulos & Vosper 1999). */
export function rollingFhsGarch(r: ArrayLike<number>, o: GarchRollingOptions): RollingForecast & { path: GarchPath } {
  const n = r.length
  const p = 1 - o.confidence
  const out = emptyForecast(n)
  const path = garchFilter(r, o, (t, v, w) => fhsStep(out, t, Math.sqrt(v), w, p, t < n ? r[t]! : undefined))
  return { ...out, path }
}

/**
 * Monte Carlo from the fitted GARCH: each day's one-day scenarios are σₜ·ε over one seeded set
 * of standard normals (common random numbers: a day's figure moves with the model, never with
 * the sampler), sorted once; VaR and ES are the scenarios' quantile and tail mean.
 */
export function rollingMonteCarlo(r: ArrayLike<number>, o: GarchRollingOptions & { scenarios: number; seed: number }): RollingForecast & { path: GarchPath } {
  const n = r.length
  const p = 1 - o.confidence
  const out = emptyForecast(n)
  const eps = standardNormals(o.scenarios, o.seed).sort()
  const q = sortedQuantile(eps, eps.length, p)
  const tail = sortedTailMean(eps, eps.length, q)
  const path = garchFilter(r, o, (t, v) => {
    const sigma = Math.sqrt(v)
    out.var[t] = -sigma * q
    out.es[t] = -sigma * tail
    if (t < n) out.pit[t] = sigma > 0 ? sortedCdf(eps, eps.length, r[t]! / sigma) : degeneratePit(r[t]!, 0.5)
  })
  return { ...out, path }
}

/** `count` standard normals from NumPy's default_rng(seed) stream (PCG64, ziggurat), bit for bit. */
export function standardNormals(count: number, seed: number): Float64Array {
  return new Generator(seed).standardNormalArray(count)
}
