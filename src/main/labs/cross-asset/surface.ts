import type { Surface } from '../../engine/kernel'
import { fma } from '../../engine/rng/fma'
import { npMean } from '../common/numpy'
import { jacobiRotate } from '../common/jacobi'

// The observed surface (book ch.9 §5.4; notebook CELL 4 and its FIX): per step a 4 × 4
// covariance of the last roll_window returns, its correlation matrix and three coupling
// summaries — avg_corr, top_eig_share, eq_rates_corr. Operation order follows NumPy and the
// OpenBLAS it calls, so the faithful numbers are the notebook's to the bit where that is
// possible (np.linalg.eigvalsh is LAPACK's dsyevd; a Jacobi solver agrees to ~1e−16).

/** Rows below which the notebook's covariance is 1e−6·I (CELL 4). */
export const MIN_ROWS = 5
const WARMUP_VARIANCE = 1e-6
const EIG_FLOOR = 1e-12
const DIAG_JITTER = 1e-12

const SPLITTER = 134217729 // 2^27 + 1: Veltkamp's split, as engine/rng/fma.ts
// outside these magnitudes the split or the product's error term needs fma()'s rescaling
const SPLIT_MAX = 2 ** 995
const PRODUCT_MIN = 2 ** -960

/**
 * Correctly rounded a·b + c for a = ah + al, b = bh + bl split beforehand: engine/rng/fma.ts's
 * algorithm (Dekker's product, Knuth's sum, Boldo–Melquiond's round-to-odd at a tie) with the
 * splits hoisted out of the covariance's inner loop. A correctly rounded result is unique, so
 * this equals fma(a, b, c) bit for bit; edge magnitudes go to fma() itself.
 */
function fmaSplit(a: number, ah: number, al: number, b: number, bh: number, bl: number, c: number): number {
  const p = a * b
  const ap = Math.abs(p)
  if (!(ap >= PRODUCT_MIN && ap <= SPLIT_MAX) || !Number.isFinite(c) || Math.abs(a) > SPLIT_MAX || Math.abs(b) > SPLIT_MAX) return fma(a, b, c)
  const pl = ah * bh - p + ah * bl + al * bh + al * bl
  const s = p + c
  const sv = s - p
  const sl = p - (s - sv) + (c - sv)
  const v = sl + pl
  const res = s + v
  const vv = v - sl
  const vl = sl - (v - vv) + (pl - vv)
  if (vl === 0) return res
  const rv = res - s
  const err = s - (res - rv) + (v - rv)
  if (err === 0 || res + 2 * err - res !== 2 * err) return res // not a tie
  return fma(a, b, c)
}

/**
 * np.cov(X.T, ddof=1) of rows lo … hi (inclusive) of the row-major returns (n × A), into out (A × A),
 * replayed as NumPy 2 and OpenBLAS do it: the mean of each column summed in row order (the
 * transposed copy is Fortran-ordered, so the reduction runs along the rows one by one), the
 * deviations, X·Xᵀ by dsyrk (each entry a sequential fused multiply-add over the rows, as the
 * Haswell dgemm kernel accumulates), then times 1/(n − 1). `dev` holds 3·n·A scratch: the
 * deviations and their Veltkamp halves.
 */
export function rollingCovariance(rets: Float64Array, A: number, lo: number, hi: number, out: Float64Array, mean: Float64Array, dev: Float64Array): void {
  const n = hi - lo + 1
  if (n < MIN_ROWS) {
    identity(out, A, WARMUP_VARIANCE)
    return
  }
  for (let j = 0; j < A; j++) {
    let s = 0
    for (let k = lo; k <= hi; k++) s += rets[k * A + j]!
    mean[j] = s / n
  }
  // deviations and their Veltkamp halves, row-major: [d, hi, lo] per entry
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < A; j++) {
      const d = rets[(lo + k) * A + j]! - mean[j]!
      const t = SPLITTER * d
      const h = t - (t - d)
      const at = 3 * (k * A + j)
      dev[at] = d
      dev[at + 1] = h
      dev[at + 2] = d - h
    }
  }
  const scale = 1 / (n - 1)
  for (let i = 0; i < A; i++) {
    for (let j = i; j < A; j++) {
      let s = 0
      for (let k = 0, a = 3 * i, b = 3 * j; k < n; k++, a += 3 * A, b += 3 * A) s = fmaSplit(dev[a]!, dev[a + 1]!, dev[a + 2]!, dev[b]!, dev[b + 1]!, dev[b + 2]!, s)
      const v = s * scale
      out[i * A + j] = v
      out[j * A + i] = v
    }
  }
}

/**
 * The corrected estimator: an exponentially weighted mean and covariance updated with each new
 * return (West's incremental form): δ = r − μ, μ += (1 − λ)·δ, S = λ·(S + (1 − λ)·δδᵀ).
 */
export class EwmaCovariance {
  readonly mean: Float64Array
  readonly cov: Float64Array
  private readonly delta: Float64Array
  count = 0

  constructor(
    readonly A: number,
    readonly lambda: number
  ) {
    this.mean = new Float64Array(A)
    this.cov = new Float64Array(A * A)
    this.delta = new Float64Array(A)
  }

  push(rets: Float64Array, row: number): void {
    const { A, lambda, mean, cov, delta } = this
    if (this.count === 0) {
      for (let j = 0; j < A; j++) mean[j] = rets[row * A + j]!
      this.count = 1
      return
    }
    const w = 1 - lambda
    for (let j = 0; j < A; j++) {
      delta[j] = rets[row * A + j]! - mean[j]!
      mean[j] = mean[j]! + w * delta[j]!
    }
    for (let i = 0; i < A; i++) for (let j = 0; j < A; j++) cov[i * A + j] = lambda * (cov[i * A + j]! + w * delta[i]! * delta[j]!)
    this.count++
  }

  /** The covariance the summaries read: 1e−6·I until MIN_ROWS returns were seen, as the notebook's warm-up. */
  writeTo(out: Float64Array): void {
    if (this.count < MIN_ROWS) identity(out, this.A, WARMUP_VARIANCE)
    else out.set(this.cov)
  }
}

function identity(out: Float64Array, A: number, v: number): void {
  out.fill(0)
  for (let i = 0; i < A; i++) out[i * A + i] = v
}

/** corr = clip(cov/(d dᵀ), −1, 1), unit diagonal, d = √(diag(cov) + jitter): CELL 4 uses jitter 0, its FIX 1e−12. */
export function correlationOf(cov: Float64Array, A: number, jitter: number, out: Float64Array): void {
  for (let i = 0; i < A; i++) {
    const di = Math.sqrt(cov[i * A + i]! + jitter)
    for (let j = 0; j < A; j++) {
      const dj = Math.sqrt(cov[j * A + j]! + jitter)
      const c = cov[i * A + j]! / (di * dj)
      out[i * A + j] = i === j ? 1.0 : Math.max(-1.0, Math.min(1.0, c))
    }
  }
}

/**
 * Eigenvalues of a symmetric n × n matrix (row-major), ascending, by cyclic Jacobi rotations
 * (n is 4 here; converges to the last bits). np.linalg.eigvalsh returns them ascending too.
 */
export function symmetricEigenvalues(matrix: Float64Array, n: number, out: Float64Array, scratch: Float64Array = new Float64Array(n * n)): void {
  const a = scratch
  a.set(matrix.subarray(0, n * n))
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!
    if (off === 0) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p * n + q] === 0) continue
        jacobiRotate(a, n, p, q)
        a[p * n + q] = 0
        a[q * n + p] = 0
      }
    }
  }
  for (let i = 0; i < n; i++) out[i] = a[i * n + i]!
  out.subarray(0, n).sort()
}

/** The three coupling summaries of one covariance, and the scratch they are computed in. */
export class CouplingSummaries {
  avgCorr = 0
  topEigShare = 0
  eqRatesCorr = 0
  readonly corr: Float64Array
  private readonly off: Float64Array
  private readonly eig: Float64Array
  private readonly scratch: Float64Array

  constructor(readonly A: number) {
    this.corr = new Float64Array(A * A)
    this.off = new Float64Array(A * (A - 1))
    this.eig = new Float64Array(A)
    this.scratch = new Float64Array(A * A)
  }

  /**
   * faithful (CELL 4): avg_corr = np.mean of the signed off-diagonal correlations (row-major),
   * top_eig_share = max/Σ of eigvalsh(cov) clipped at 1e−12, eq_rates_corr from the FIX's
   * correlation (d = √(diag + 1e−12)). corrected: avg_corr = mean |off-diagonal|, and the top
   * share of the correlation matrix.
   */
  compute(cov: Float64Array, onCorrelation: boolean): void {
    const { A, corr, off, eig } = this
    correlationOf(cov, A, 0, corr)
    let k = 0
    for (let i = 0; i < A; i++) for (let j = 0; j < A; j++) if (i !== j) off[k++] = onCorrelation ? Math.abs(corr[i * A + j]!) : corr[i * A + j]!
    this.avgCorr = npMean(off, 0, k)
    symmetricEigenvalues(onCorrelation ? corr : cov, A, eig, this.scratch)
    let sum = 0
    let max = Number.NEGATIVE_INFINITY
    for (let i = 0; i < A; i++) {
      const w = Math.max(eig[i]!, EIG_FLOOR)
      sum += w
      if (w > max) max = w
    }
    this.topEigShare = max / sum
    const d0 = Math.sqrt(cov[0]! + DIAG_JITTER)
    const d1 = Math.sqrt(cov[A + 1]! + DIAG_JITTER)
    this.eqRatesCorr = Math.max(-1.0, Math.min(1.0, cov[1]! / (d0 * d1)))
  }
}

/** What the surface at a step is built from: the observed covariances and their summaries per step. */
export interface ObservedPath {
  cov: Float64Array
  avgCorr: Float64Array
  topEigShare: Float64Array
  eqRatesCorr: Float64Array
  stressLevel: Float64Array
}

/**
 * The observed correlation matrix at step t as a kernel Surface: asset × asset, drawn as a
 * heatmap, with the chapter's coupling summaries of that step as its features (the notebook's
 * "macro coupling telemetry" plot: stress_level, avg_corr, top_eig_share, eq_rates_corr).
 */
export function observedSurface(m: ObservedPath, t: number, assets: readonly string[], config: { corrections: { estimator: string; summaries: string } }): Surface {
  const A = assets.length
  const values = new Float64Array(A * A)
  correlationOf(m.cov.subarray(t * A * A, (t + 1) * A * A), A, 0, values)
  const axis = (name: string) => ({ name, unit: 'asset', labels: [...assets] })
  const onCorrelation = config.corrections.summaries === 'correlation_abs'
  return {
    name: config.corrections.estimator === 'ewma' ? 'Observed cross-asset correlation (EWMA)' : 'Observed cross-asset correlation (rolling window)',
    unit: 'correlation',
    features: [
      {
        name: 'avg_corr',
        unit: 'correlation',
        description: onCorrelation ? 'mean |off-diagonal correlation| (corrected)' : 'mean of the 12 signed off-diagonal correlations (the notebook’s)',
        value: m.avgCorr[t]!
      },
      {
        name: 'top_eig_share',
        unit: 'share',
        description: onCorrelation ? 'largest eigenvalue of the correlation over their sum (corrected)' : 'largest eigenvalue of the covariance over their sum: “one trade” (the notebook’s)',
        value: m.topEigShare[t]!
      },
      { name: 'eq_rates_corr', unit: 'correlation', description: 'equity–rates correlation: the hedge proxy', value: m.eqRatesCorr[t]! },
      { name: 'stress_level', unit: 'level', description: 'logistic of the latent stress factor, in (0, 1)', value: m.stressLevel[t]! }
    ],
    axes: [axis('asset'), axis('versus')],
    values
  }
}
