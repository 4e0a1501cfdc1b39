// Baseline regime classifiers (spec §4.9 [REC]): a realised-volatility threshold and a
// two-state Gaussian HMM on returns. Both output P(stable) per bar from data ≤ that bar.

/** A fitted realised-vol rule: stress when vol > threshold, softened by a logistic. */
export interface RvThreshold {
  threshold: number
  /** Logistic temperature in vol units: P(stable) = σ((threshold − x)/temperature). */
  temperature: number
  /** How the threshold was chosen. */
  fit: 'supervised' | 'two_means'
}

/**
 * Fits the threshold on the training rows [from, to). With labels of both classes: the
 * candidate (a training value) maximising balanced accuracy (Youden's J). Without: 1-D
 * two-means (Lloyd from the min/max, 50 rounds), threshold at the midpoint of the centres.
 */
export function fitRvThreshold(vol: ArrayLike<number>, from: number, to: number, labels?: ArrayLike<number>, temperatureFraction = 0.25): RvThreshold {
  const xs: number[] = []
  const ys: number[] = []
  for (let t = from; t < to; t++) {
    const x = vol[t]!
    if (!Number.isFinite(x)) continue
    xs.push(x)
    ys.push(labels ? labels[t]! : 0)
  }
  if (xs.length < 2) throw new RangeError(`fitRvThreshold needs at least 2 finite training values (got ${xs.length})`)
  const temperature = Math.max(temperatureFraction * stdOf(xs), 1e-12)
  const pos = ys.filter((y) => y === 1).length
  const neg = ys.length - pos
  if (labels && pos > 0 && neg > 0) return { threshold: youdenThreshold(xs, ys, pos, neg), temperature, fit: 'supervised' }
  const { lo, hi } = twoMeansCentres(xs)
  return { threshold: (lo + hi) / 2, temperature, fit: 'two_means' }
}

/**
 * The training value t maximising Youden's J = TPR − FPR of "stress when x > t" (the first
 * such value upward; equal values move together). Each class's values are sorted on their
 * own (typed-array sorts, no comparator) and swept upward in one merge: O(n log n) with a
 * small constant, which matters because the walk-forward refits this on a growing window.
 */
function youdenThreshold(xs: readonly number[], ys: readonly number[], pos: number, neg: number): number {
  const stress = new Float64Array(pos)
  const calm = new Float64Array(neg)
  let ip = 0
  let ic = 0
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] === 1) stress[ip++] = xs[i]!
    else calm[ic++] = xs[i]!
  }
  stress.sort()
  calm.sort()
  // sweep thresholds upward: after passing value v, predicting stress for x > v
  let tp = pos
  let fp = neg
  let best = -Infinity
  let threshold = Math.min(stress[0]!, calm[0]!)
  ip = 0
  ic = 0
  while (ip < pos || ic < neg) {
    const v = ic >= neg || (ip < pos && stress[ip]! <= calm[ic]!) ? stress[ip]! : calm[ic]!
    while (ip < pos && stress[ip] === v) {
      ip++
      tp--
    }
    while (ic < neg && calm[ic] === v) {
      ic++
      fp--
    }
    const j = tp / pos - fp / neg
    if (j > best) {
      best = j
      threshold = v
    }
  }
  return threshold
}

/** 1-D two-means (Lloyd from the min and the max, at most 50 rounds): the two cluster centres. */
export function twoMeansCentres(xs: readonly number[]): { lo: number; hi: number } {
  // a loop, not Math.min(...xs): spreading a long series overflows the call stack
  let lo = Infinity
  let hi = -Infinity
  for (const x of xs) {
    if (x < lo) lo = x
    if (x > hi) hi = x
  }
  for (let round = 0; round < 50; round++) {
    const mid = (lo + hi) / 2
    let sl = 0
    let nl = 0
    let sh = 0
    let nh = 0
    for (const x of xs) {
      if (x <= mid) {
        sl += x
        nl++
      } else {
        sh += x
        nh++
      }
    }
    if (nl === 0 || nh === 0) break
    lo = sl / nl
    hi = sh / nh
  }
  return { lo, hi }
}

export function rvPStable(x: number, fit: RvThreshold): number {
  if (!Number.isFinite(x)) return Number.NaN
  return 1 / (1 + Math.exp((x - fit.threshold) / fit.temperature))
}

function stdOf(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length)
}

/** Two-state Gaussian HMM. State 0 = stable (lower variance), 1 = stress, after fitting. */
export interface GaussianHmm {
  pi: [number, number]
  /** A[i][j] = P(s_{t+1} = j | s_t = i). */
  A: [[number, number], [number, number]]
  mean: [number, number]
  variance: [number, number]
  logLikelihood: number
}

const VAR_FLOOR = 1e-12

function density(x: number, mean: number, variance: number): number {
  return Math.exp(-((x - mean) ** 2) / (2 * variance)) / Math.sqrt(2 * Math.PI * variance)
}

/**
 * Deterministic start: both states at the sample mean, variances 0.5× and 2× the sample
 * variance, sticky transitions 0.98, π = (0.5, 0.5). No randomness, so a refit is reproducible.
 */
export function initialHmm(r: ArrayLike<number>, from: number, to: number): GaussianHmm {
  let m = 0
  for (let t = from; t < to; t++) m += r[t]!
  m /= to - from
  let v = 0
  for (let t = from; t < to; t++) v += (r[t]! - m) ** 2
  v = Math.max(v / (to - from), VAR_FLOOR)
  return { pi: [0.5, 0.5], A: [[0.98, 0.02], [0.02, 0.98]], mean: [m, m], variance: [0.5 * v, 2 * v], logLikelihood: Number.NaN }
}

/**
 * Baum–Welch (scaled forward–backward, Rabiner 1989) for a fixed number of iterations on
 * r[from, to); states are then ordered so that state 1 has the larger variance (stress).
 */
export function fitHmm(r: ArrayLike<number>, from: number, to: number, iterations = 30, start?: GaussianHmm): GaussianHmm {
  const n = to - from
  if (n < 10) throw new RangeError(`fitHmm needs at least 10 returns (got ${n})`)
  let h = start ?? initialHmm(r, from, to)
  const alpha = new Float64Array(n * 2)
  const beta = new Float64Array(n * 2)
  const scale = new Float64Array(n)
  const b = new Float64Array(n * 2)
  for (let it = 0; it < iterations; it++) {
    for (let t = 0; t < n; t++) for (let k = 0; k < 2; k++) b[t * 2 + k] = Math.max(density(r[from + t]!, h.mean[k]!, h.variance[k]!), 1e-300)
    let ll = 0
    for (let t = 0; t < n; t++) {
      let s = 0
      for (let j = 0; j < 2; j++) {
        const prior = t === 0 ? h.pi[j]! : alpha[(t - 1) * 2]! * h.A[0][j]! + alpha[(t - 1) * 2 + 1]! * h.A[1][j]!
        alpha[t * 2 + j] = prior * b[t * 2 + j]!
        s += alpha[t * 2 + j]!
      }
      scale[t] = s
      alpha[t * 2] = alpha[t * 2]! / s
      alpha[t * 2 + 1] = alpha[t * 2 + 1]! / s
      ll += Math.log(s)
    }
    beta[(n - 1) * 2] = 1
    beta[(n - 1) * 2 + 1] = 1
    for (let t = n - 2; t >= 0; t--) {
      for (let i = 0; i < 2; i++) {
        let s = 0
        for (let j = 0; j < 2; j++) s += h.A[i]![j]! * b[(t + 1) * 2 + j]! * beta[(t + 1) * 2 + j]!
        beta[t * 2 + i] = s / scale[t + 1]!
      }
    }
    const gammaSum = [0, 0]
    const gammaX = [0, 0]
    const xi = [[0, 0], [0, 0]]
    const gammaFrom = [0, 0]
    const g0 = [0, 0]
    for (let t = 0; t < n; t++) {
      for (let k = 0; k < 2; k++) {
        const g = alpha[t * 2 + k]! * beta[t * 2 + k]!
        if (t === 0) g0[k] = g
        gammaSum[k]! += g
        gammaX[k]! += g * r[from + t]!
        if (t < n - 1) gammaFrom[k]! += g
      }
      if (t < n - 1) {
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) xi[i]![j]! += (alpha[t * 2 + i]! * h.A[i]![j]! * b[(t + 1) * 2 + j]! * beta[(t + 1) * 2 + j]!) / scale[t + 1]!
      }
    }
    const mean: [number, number] = [gammaX[0]! / gammaSum[0]!, gammaX[1]! / gammaSum[1]!]
    const variance: [number, number] = [0, 0]
    for (let t = 0; t < n; t++) {
      for (let k = 0; k < 2; k++) variance[k]! += alpha[t * 2 + k]! * beta[t * 2 + k]! * (r[from + t]! - mean[k]!) ** 2
    }
    for (let k = 0; k < 2; k++) variance[k] = Math.max(variance[k]! / gammaSum[k]!, VAR_FLOOR)
    const row = (i: number): [number, number] => [xi[i]![0]! / gammaFrom[i]!, xi[i]![1]! / gammaFrom[i]!]
    const g0s = g0[0]! + g0[1]!
    h = { pi: [g0[0]! / g0s, g0[1]! / g0s], A: [row(0), row(1)], mean, variance, logLikelihood: ll }
    if (!Number.isFinite(mean[0]) || !Number.isFinite(mean[1])) throw new Error(`fitHmm diverged at iteration ${it}`)
  }
  return h.variance[0] <= h.variance[1] ? h : swapStates(h)
}

function swapStates(h: GaussianHmm): GaussianHmm {
  return {
    pi: [h.pi[1], h.pi[0]],
    A: [[h.A[1][1], h.A[1][0]], [h.A[0][1], h.A[0][0]]],
    mean: [h.mean[1], h.mean[0]],
    variance: [h.variance[1], h.variance[0]],
    logLikelihood: h.logLikelihood
  }
}

/**
 * Forward filter P(s_t = stress | r_from … r_t) for t in [from, to): filtering, never
 * smoothing, so the value at t uses no return after t. `prior` is P(stress) before `from`.
 */
export function hmmFilterStress(h: GaussianHmm, r: ArrayLike<number>, from: number, to: number, prior = h.pi[1]): Float64Array {
  const out = new Float64Array(Math.max(0, to - from))
  let p1 = prior
  for (let t = from; t < to; t++) {
    const pred1 = (1 - p1) * h.A[0][1] + p1 * h.A[1][1]
    const l0 = (1 - pred1) * density(r[t]!, h.mean[0], h.variance[0])
    const l1 = pred1 * density(r[t]!, h.mean[1], h.variance[1])
    const s = l0 + l1
    p1 = s > 0 ? l1 / s : pred1
    out[t - from] = p1
  }
  return out
}
