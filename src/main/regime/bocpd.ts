import { gammaP, logGamma } from '../numeric/special'
import { twoMeansCentres } from './baselines'

// Bayesian online change-point detection (Adams & MacKay 2007, "Bayesian Online Changepoint
// Detection", arXiv:0710.3742) on returns, with a Normal–Gamma prior on each segment's mean and
// precision (Student-t predictive) and a constant hazard. It detects changes, not regimes; the
// regime read-out is P(the current segment's variance exceeds a calm/stress threshold),
// averaged over the run-length posterior. Every value at bar t uses returns ≤ t.

/** Normal–Gamma prior of a new segment: μ ~ N(mu0, σ²/kappa0), 1/σ² ~ Gamma(alpha0, rate beta0). */
export interface BocpdPrior {
  mu0: number
  kappa0: number
  alpha0: number
  beta0: number
}

export interface BocpdOptions {
  /** Expected segment length λ; the hazard is 1/λ per bar. */
  hazardRunLength: number
  /** Run lengths kept; the longest bucket absorbs the tail, so memory and time are O(this). */
  maxRunLength: number
}

export const DEFAULT_BOCPD: BocpdOptions = { hazardRunLength: 250, maxRunLength: 400 }

/** The run-length posterior and each run length's sufficient statistics, stepped one return at a time. */
export class OnlineBocpd {
  private readonly prob: Float64Array
  private readonly mu: Float64Array
  private readonly kappa: Float64Array
  private readonly alpha: Float64Array
  private readonly beta: Float64Array
  private readonly logPred: Float64Array
  private active = 1
  private prior: BocpdPrior
  private readonly hazard: number

  constructor(options: BocpdOptions, prior: BocpdPrior) {
    if (!(options.hazardRunLength > 1)) throw new RangeError(`BOCPD hazard run length must be > 1 bar (got ${options.hazardRunLength})`)
    if (!(options.maxRunLength >= 2) || !Number.isInteger(options.maxRunLength)) throw new RangeError(`BOCPD max run length must be a whole number ≥ 2 (got ${options.maxRunLength})`)
    checkPrior(prior)
    const size = options.maxRunLength + 1
    this.prob = new Float64Array(size)
    this.mu = new Float64Array(size)
    this.kappa = new Float64Array(size)
    this.alpha = new Float64Array(size)
    this.beta = new Float64Array(size)
    this.logPred = new Float64Array(size)
    this.hazard = 1 / options.hazardRunLength
    this.prior = prior
    this.prob[0] = 1
    this.setStats(0, prior)
  }

  /** A refit: new segments start from this prior; segments already running keep their statistics. */
  setPrior(prior: BocpdPrior): void {
    checkPrior(prior)
    this.prior = prior
  }

  /** Absorbs one return. */
  step(x: number): void {
    const n = this.active
    let maxLog = -Infinity
    for (let r = 0; r < n; r++) {
      const nu = 2 * this.alpha[r]!
      const scale = Math.sqrt((this.beta[r]! * (this.kappa[r]! + 1)) / (this.alpha[r]! * this.kappa[r]!))
      const z = (x - this.mu[r]!) / scale
      const lp = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(scale) - ((nu + 1) / 2) * Math.log1p((z * z) / nu)
      this.logPred[r] = lp
      if (this.prob[r]! > 0 && lp > maxLog) maxLog = lp
    }
    if (!Number.isFinite(maxLog)) throw new RangeError(`BOCPD cannot absorb ${x}: no run length gives it a finite density`)
    // Growth r → r + 1, from the longest run down so each bucket is read before it is
    // overwritten. Runs longer than the last bucket are pruned: their growth is dropped (their
    // change-point mass still counts) and the posterior is renormalised.
    const last = this.prob.length - 1
    let changeMass = 0
    let total = 0
    for (let r = n - 1; r >= 0; r--) {
      const w = this.prob[r]! * Math.exp(this.logPred[r]! - maxLog)
      changeMass += w * this.hazard
      if (r === last) continue
      const k = this.kappa[r]!
      const m = this.mu[r]!
      const grow = w * (1 - this.hazard)
      this.prob[r + 1] = grow
      this.mu[r + 1] = (k * m + x) / (k + 1)
      this.kappa[r + 1] = k + 1
      this.alpha[r + 1] = this.alpha[r]! + 0.5
      this.beta[r + 1] = this.beta[r]! + (k * (x - m) ** 2) / (2 * (k + 1))
      total += grow
    }
    this.prob[0] = changeMass
    this.setStats(0, this.prior)
    total += changeMass
    this.active = Math.min(n + 1, last + 1)
    for (let r = 0; r < this.active; r++) this.prob[r] = this.prob[r]! / total
  }

  /** P(the current segment's variance > threshold | returns so far). */
  pVarianceAbove(threshold: number): number {
    let p = 0
    for (let r = 0; r < this.active; r++) {
      const w = this.prob[r]!
      if (w < 1e-12) continue
      // σ² > v ⇔ precision < 1/v; precision ~ Gamma(α, rate β) ⇒ P = P_lower(α, β/v)
      p += w * gammaP(this.alpha[r]!, this.beta[r]! / threshold)
    }
    return Math.min(1, Math.max(0, p))
  }

  /** The most probable run length (bars since the last change point). */
  mostProbableRunLength(): number {
    let best = 0
    for (let r = 1; r < this.active; r++) if (this.prob[r]! > this.prob[best]!) best = r
    return best
  }

  /** A copy of the run-length posterior (for tests and views). */
  runLengthPosterior(): Float64Array {
    return this.prob.slice(0, this.active)
  }

  private setStats(r: number, p: BocpdPrior): void {
    this.mu[r] = p.mu0
    this.kappa[r] = p.kappa0
    this.alpha[r] = p.alpha0
    this.beta[r] = p.beta0
  }
}

function checkPrior(p: BocpdPrior): void {
  if (!Number.isFinite(p.mu0)) throw new RangeError(`BOCPD prior mean must be finite (got ${p.mu0})`)
  for (const [name, v] of [['kappa0', p.kappa0], ['alpha0', p.alpha0], ['beta0', p.beta0]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`BOCPD prior ${name} must be a finite number > 0 (got ${v})`)
  }
}

/** What a walk-forward refit hands BOCPD: the new-segment prior and the variance that separates calm from stress. */
export interface BocpdReadout {
  prior: BocpdPrior
  threshold: number
}

/** Bars of the rolling variance that the unsupervised threshold is found on. */
const ROLLING_BARS = 20

/**
 * Fits the read-out on returns [from, to). With labels of both classes the threshold is the
 * geometric mean of the calm and the stressed returns' variances; without, it is where 1-D
 * two-means splits the log of the 20-bar rolling variance. A new segment's prior is centred on
 * the training mean with its variance at the threshold (α₀ = 2, so E[σ²] = β₀), so that a
 * fresh segment starts undecided and a few bars of evidence settle it.
 */
export function fitBocpdReadout(r: ArrayLike<number>, from: number, to: number, labels?: ArrayLike<number>): BocpdReadout {
  const n = to - from
  if (n < ROLLING_BARS * 2) throw new RangeError(`BOCPD needs at least ${ROLLING_BARS * 2} training returns (got ${n})`)
  let mean = 0
  for (let t = from; t < to; t++) mean += r[t]!
  mean /= n
  let threshold = Number.NaN
  if (labels) {
    const sum = [0, 0]
    const count = [0, 0]
    for (let t = from; t < to; t++) {
      const k = labels[t] === 1 ? 1 : 0
      sum[k]! += (r[t]! - mean) ** 2
      count[k]!++
    }
    if (count[0]! > 1 && count[1]! > 1) threshold = Math.sqrt((sum[0]! / count[0]!) * (sum[1]! / count[1]!))
  }
  if (!(threshold > 0)) threshold = twoMeansSplit(r, from, to, mean)
  return { prior: { mu0: mean, kappa0: 1, alpha0: 2, beta0: threshold }, threshold }
}

function twoMeansSplit(r: ArrayLike<number>, from: number, to: number, mean: number): number {
  const logVar: number[] = []
  let s = 0
  for (let t = from; t < to; t++) {
    s += (r[t]! - mean) ** 2
    if (t - from >= ROLLING_BARS) s -= (r[t - ROLLING_BARS]! - mean) ** 2
    if (t - from >= ROLLING_BARS - 1) logVar.push(Math.log(Math.max(s / ROLLING_BARS, 1e-300)))
  }
  const { lo, hi } = twoMeansCentres(logVar)
  return Math.exp((lo + hi) / 2)
}
