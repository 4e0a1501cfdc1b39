import { nelderMead } from '../numeric/nelder-mead'

// A two-regime Markov-switching regression on returns (Hamilton 1989; Hamilton 1994, ch. 22):
//   r_t = c[s_t] + φ·r_{t−1} + σ[s_t]·ε_t,  s_t a two-state Markov chain,
// with a switching intercept and variance and a common autoregressive term — statsmodels'
// MarkovRegression(k_regimes=2, exog=r_{t−1}, switching_exog=False, switching_variance=True).
// Fitted by maximum likelihood (EM, as statsmodels starts); read out causally by Hamilton's
// filter, so the value at bar t uses returns ≤ t. State 1 is the high-variance (stress) one.

export interface MarkovSwitching {
  /** P(s_t = 0 | s_{t−1} = 0) and P(s_t = 1 | s_{t−1} = 1). */
  p00: number
  p11: number
  c: [number, number]
  phi: number
  sigma2: [number, number]
  logLikelihood: number
}

const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI)

/**
 * Hamilton's filter over bars [from, to) (from ≥ 1: each bar needs the return before it),
 * starting from the chain's stationary distribution. Writes P(s_t = 1 | r ≤ t) for each bar
 * into `stress` (index t − from) when given; returns the log-likelihood of those bars.
 */
export function hamiltonFilter(m: Omit<MarkovSwitching, 'logLikelihood'>, r: ArrayLike<number>, from: number, to: number, stress?: Float64Array): number {
  if (from < 1) throw new RangeError(`hamiltonFilter starts at bar ≥ 1 (got ${from})`)
  const q01 = 1 - m.p00
  const q10 = 1 - m.p11
  // stationary P(s = 1)
  let p1 = q01 / (q01 + q10)
  const s0 = Math.sqrt(m.sigma2[0])
  const s1 = Math.sqrt(m.sigma2[1])
  let ll = 0
  for (let t = from; t < to; t++) {
    const predicted1 = (1 - p1) * q01 + p1 * m.p11
    const prev = r[t - 1]!
    const z0 = (r[t]! - m.c[0] - m.phi * prev) / s0
    const z1 = (r[t]! - m.c[1] - m.phi * prev) / s1
    const l0 = (1 - predicted1) * Math.exp(-0.5 * z0 * z0 - LOG_SQRT_TWO_PI) / s0
    const l1 = predicted1 * Math.exp(-0.5 * z1 * z1 - LOG_SQRT_TWO_PI) / s1
    const total = l0 + l1
    if (total > 0) {
      p1 = l1 / total
      ll += Math.log(total)
    } else {
      // both densities underflowed: an outlier far beyond either regime; keep the prediction
      p1 = predicted1
      ll += Math.log(Number.MIN_VALUE)
    }
    if (stress) stress[t - from] = p1
  }
  return ll
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x))
const logit = (p: number): number => Math.log(p / (1 - p))
const VAR_FLOOR = 1e-12
const P_FLOOR = 1e-6

type Params = Omit<MarkovSwitching, 'logLikelihood'>

/**
 * One EM step (Hamilton's filter, Kim's smoother, then the closed-form M-step: transition
 * probabilities from the smoothed pairs; intercepts and the common φ by weighted least squares
 * with weights P(s_t = j | all)/σ_j²; variances from the weighted residuals). Returns the new
 * parameters and the log-likelihood of the old ones. Scratch arrays are the caller's.
 */
function emStep(m: Params, r: ArrayLike<number>, from: number, to: number, filtered: Float64Array, smoothed: Float64Array): { next: Params; logLikelihood: number } {
  const n = to - from
  const ll = hamiltonFilter(m, r, from, to, filtered)
  const q01 = 1 - m.p00
  // Kim smoother for P(s_t = 1 | r ≤ T), and the expected transition counts on the way back
  smoothed[n - 1] = filtered[n - 1]!
  let n00 = 0
  let n01 = 0
  let n10 = 0
  let n11 = 0
  for (let i = n - 2; i >= 0; i--) {
    const f1 = filtered[i]!
    const f0 = 1 - f1
    const pred1 = f0 * q01 + f1 * m.p11
    const pred0 = 1 - pred1
    const g1 = smoothed[i + 1]!
    const g0 = 1 - g1
    const r0 = pred0 > 0 ? g0 / pred0 : 0
    const r1 = pred1 > 0 ? g1 / pred1 : 0
    const x00 = f0 * m.p00 * r0
    const x01 = f0 * q01 * r1
    const x10 = f1 * (1 - m.p11) * r0
    const x11 = f1 * m.p11 * r1
    n00 += x00
    n01 += x01
    n10 += x10
    n11 += x11
    smoothed[i] = Math.min(1, Math.max(0, x10 + x11))
  }
  // weighted least squares for (c₀, c₁, φ)
  let a0 = 0, a1 = 0, b0 = 0, b1 = 0, y0 = 0, y1 = 0, xx = 0, xy = 0
  for (let i = 0; i < n; i++) {
    const t = from + i
    const x = r[t - 1]!
    const y = r[t]!
    const w1 = smoothed[i]! / m.sigma2[1]
    const w0 = (1 - smoothed[i]!) / m.sigma2[0]
    a0 += w0
    a1 += w1
    b0 += w0 * x
    b1 += w1 * x
    y0 += w0 * y
    y1 += w1 * y
    xx += (w0 + w1) * x * x
    xy += (w0 + w1) * x * y
  }
  const det = xx - (b0 * b0) / a0 - (b1 * b1) / a1
  const phi = det > 0 ? (xy - (b0 * y0) / a0 - (b1 * y1) / a1) / det : m.phi
  const c: [number, number] = [(y0 - phi * b0) / a0, (y1 - phi * b1) / a1]
  let s0 = 0, s1 = 0, g0sum = 0, g1sum = 0
  for (let i = 0; i < n; i++) {
    const t = from + i
    const g1 = smoothed[i]!
    const e0 = r[t]! - c[0] - phi * r[t - 1]!
    const e1 = r[t]! - c[1] - phi * r[t - 1]!
    s0 += (1 - g1) * e0 * e0
    s1 += g1 * e1 * e1
    g0sum += 1 - g1
    g1sum += g1
  }
  const clampP = (p: number): number => Math.min(1 - P_FLOOR, Math.max(P_FLOOR, p))
  const next: Params = {
    p00: clampP(n00 / (n00 + n01)),
    p11: clampP(n11 / (n10 + n11)),
    c,
    phi,
    sigma2: [Math.max(s0 / g0sum, VAR_FLOOR), Math.max(s1 / g1sum, VAR_FLOOR)]
  }
  return { next: Number.isFinite(next.c[0] + next.c[1] + next.phi + next.p00 + next.p11) ? next : m, logLikelihood: ll }
}

/**
 * Maximum-likelihood fit on bars [from, to): EM from a deterministic start (the sample mean,
 * φ = 0, variances 0.5× and 2× the sample's, sticky transitions 0.97) or warm-started from
 * `start` for `iterations` steps; a first fit (`polish` > 0) then refines the optimum with
 * that many Nelder–Mead evaluations of the exact likelihood, since EM crawls near the top.
 * States are ordered so that state 1 has the larger variance.
 */
export function fitMarkovSwitching(r: ArrayLike<number>, from: number, to: number, iterations = 100, start?: MarkovSwitching, polish = 0): MarkovSwitching {
  const n = to - from
  if (from < 1) throw new RangeError(`fitMarkovSwitching starts at bar ≥ 1 (got ${from})`)
  if (n < 20) throw new RangeError(`fitMarkovSwitching needs at least 20 returns (got ${n})`)
  let m: Params
  if (start) m = start
  else {
    let mean = 0
    for (let t = from; t < to; t++) mean += r[t]!
    mean /= n
    let variance = 0
    for (let t = from; t < to; t++) variance += (r[t]! - mean) ** 2
    variance /= n
    if (!(variance > 0)) throw new RangeError('fitMarkovSwitching needs returns that vary')
    m = { p00: 0.97, p11: 0.97, c: [mean, mean], phi: 0, sigma2: [0.5 * variance, 2 * variance] }
  }
  const filtered = new Float64Array(n)
  const smoothed = new Float64Array(n)
  let previous = -Infinity
  for (let it = 0; it < iterations; it++) {
    const { next, logLikelihood } = emStep(m, r, from, to, filtered, smoothed)
    m = next
    if (Math.abs(logLikelihood - previous) <= 1e-10 * Math.abs(logLikelihood)) break
    previous = logLikelihood
  }
  if (polish > 0) m = polishByNelderMead(m, r, from, to, polish)
  const ordered: Params = m.sigma2[0] <= m.sigma2[1] ? m : { c: [m.c[1], m.c[0]], phi: m.phi, sigma2: [m.sigma2[1], m.sigma2[0]], p00: m.p11, p11: m.p00 }
  return { ...ordered, logLikelihood: hamiltonFilter(ordered, r, from, to) }
}

function polishByNelderMead(m: Params, r: ArrayLike<number>, from: number, to: number, evaluations: number): Params {
  const sd = Math.sqrt(0.5 * (m.sigma2[0] + m.sigma2[1]))
  const model = (x: Float64Array): Params => ({
    c: [x[0]! * sd, x[1]! * sd],
    phi: x[2]!,
    sigma2: [Math.exp(2 * x[3]!) * sd * sd, Math.exp(2 * x[4]!) * sd * sd],
    p00: logistic(x[5]!),
    p11: logistic(x[6]!)
  })
  const x0 = [m.c[0] / sd, m.c[1] / sd, m.phi, 0.5 * Math.log(m.sigma2[0] / sd ** 2), 0.5 * Math.log(m.sigma2[1] / sd ** 2), logit(m.p00), logit(m.p11)]
  const fit = nelderMead((x) => -hamiltonFilter(model(x), r, from, to), x0, { step: [0.02, 0.02, 0.01, 0.02, 0.02, 0.1, 0.1], maxEvaluations: evaluations, fTolerance: 1e-9, xTolerance: 1e-8 })
  return model(fit.x)
}

/** statsmodels' parameter vector (p[0->0], p[1->0], const[0], const[1], x1, sigma2.0, sigma2.1) as a model. */
export function fromStatsmodelsParams(p: readonly number[]): Omit<MarkovSwitching, 'logLikelihood'> {
  return { p00: p[0]!, p11: 1 - p[1]!, c: [p[2]!, p[3]!], phi: p[4]!, sigma2: [p[5]!, p[6]!] }
}
