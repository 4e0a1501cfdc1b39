import { fitHmm, fitRvThreshold, hmmFilterStress, rvPStable, type GaussianHmm } from './baselines'
import type { EarlyWarningRule } from './early-warning'
import { DEFAULT_BOCPD, OnlineBocpd, fitBocpdReadout, type BocpdOptions } from './bocpd'
import { filterSeries, type RegimeFilterOptions } from './filter'
import { fitMarkovSwitching, hamiltonFilter, type MarkovSwitching } from './markov-switching'
import { F, FEATURE_WARMUP, Z_EPS, channelIndex, computeFeatures, fitStats, lastRowWindowZ, type FeatureStats } from './features'
import { linearPercentile } from '../numeric/order-statistic'

// Regime inference on any price series, anchored walk-forward (spec §5.6): at each refit bar k
// (start, start + every, …) the normaliser, classifier and OOD radius are fitted on bars
// [FEATURE_WARMUP, k) only, then used for bars [k, k + every). Every value at bar t uses
// closes ≤ t; the one bar of decision latency is the policy's (it reads bar t − 1).

/** Nelder–Mead evaluations that refine the first Markov-switching fit past where EM slows down. */
const MS_POLISH_EVALUATIONS = 400

export const CLASSIFIERS = ['rv_threshold', 'hmm', 'bocpd', 'markov_switching'] as const
export type BaselineClassifier = (typeof CLASSIFIERS)[number]

/**
 * What a classifier hands the strategy, per bar: P(stable) and an OOD distance with the radius
 * in force at that bar. NaN before the first fit. An SSM (ONNX) classifier returns the same.
 */
export interface RegimeInference {
  classifier: string
  pStable: Float64Array
  oodDistance: Float64Array
  oodRadius: Float64Array
  /** Bars at which the walk-forward refitted. */
  refits: Int32Array
  /** The model that produced it, when it came from the regime model (ONNX). */
  model?: { name: string; sha256: string; executionProvider: string }
  /** The regime model's early-warning rule: stress is called with it instead of P(stable) < p_flat. */
  earlyWarning?: EarlyWarningRule
}

export interface InferenceOptions {
  classifier: BaselineClassifier
  /** frozen_train: stats from the training split (leak-free); per_window_zscore: the book's (faithful). */
  normalisation: 'frozen_train' | 'per_window_zscore'
  start: number
  every: number
  seqLen: number
  hmmIterations: number
  /** Iterations of each later refit, warm-started from the previous fit. */
  hmmRefitIterations: number
  rvTemperature: number
  oodPercentile: number
  bocpd: BocpdOptions
  /** EM iterations of the first Markov-switching fit (then polished), and of each warm-started refit. */
  msIterations: number
  msRefitIterations: number
  /** True labels of the training bars, when known (synthetic): the rv threshold is then supervised. */
  labels?: ArrayLike<number>
}

export const DEFAULT_INFERENCE: Omit<InferenceOptions, 'classifier' | 'labels'> = {
  normalisation: 'frozen_train',
  start: 1000,
  every: 20,
  seqLen: 64,
  hmmIterations: 30,
  hmmRefitIterations: 3,
  rvTemperature: 0.25,
  oodPercentile: 99.9,
  bocpd: DEFAULT_BOCPD,
  msIterations: 100,
  msRefitIterations: 3
}

/** NumPy's default (linear) percentile, by selection (O(n), no sort). */
export function percentile(values: ArrayLike<number>, q: number): number {
  return linearPercentile(values, q)
}

/**
 * What every baseline shares at each refit bar k: the normaliser fitted on rows
 * [firstRow, k), and the OOD distance (the normalised row's length) with the radius (its
 * percentile over the training rows) for bars [k, k + every). It depends on the features and
 * the refit schedule only, so a comparison of several classifiers on one series builds it once.
 */
export interface WalkForwardFrame {
  firstRow: number
  refits: Int32Array
  /** Per refit: the normaliser in force (null with per-window z-scores, which need none). */
  stats: Array<FeatureStats | null>
  /** Per-window z-scored rows (faithful), else null. */
  windowZ: Float64Array | null
  oodDistance: Float64Array
  oodRadius: Float64Array
}

function rowNorm(z: Float64Array, t: number): number {
  let s = 0
  for (let c = 0; c < F; c++) s += z[t * F + c]! ** 2
  return Math.sqrt(s)
}

/** z of channel c at bar t under the refit's normaliser, as `normalise` computes it. */
function zAt(features: Float64Array, stats: FeatureStats, t: number, c: number): number {
  return (features[t * F + c]! - stats.mean[c]!) / (stats.std[c]! + Z_EPS)
}

/** The refit schedule, normalisers and OOD distance/radius of a walk-forward over n bars. */
export function walkForwardFrame(features: Float64Array, options: Pick<InferenceOptions, 'normalisation' | 'start' | 'every' | 'seqLen' | 'oodPercentile'>): WalkForwardFrame {
  const o = options
  const n = features.length / F
  if (!(o.start >= FEATURE_WARMUP + 2)) throw new RangeError(`walk-forward start must be ≥ ${FEATURE_WARMUP + 2} (got ${o.start})`)
  const windowZ = o.normalisation === 'per_window_zscore' ? lastRowWindowZ(features, o.seqLen) : null
  const firstRow = Math.max(FEATURE_WARMUP, windowZ ? o.seqLen - 1 : 0)
  const oodDistance = new Float64Array(n).fill(Number.NaN)
  const oodRadius = new Float64Array(n).fill(Number.NaN)
  const refits: number[] = []
  const stats: Array<FeatureStats | null> = []
  // the rows' lengths under the normaliser in force; with per-window z-scores they never change
  const norms = new Float64Array(n)
  if (windowZ) for (let t = firstRow; t < n; t++) norms[t] = rowNorm(windowZ, t)
  for (let k = o.start; k < n; k += o.every) {
    refits.push(k)
    const end = Math.min(n, k + o.every)
    const s = windowZ ? null : fitStats(features, firstRow, k)
    stats.push(s)
    if (s) {
      for (let t = firstRow; t < end; t++) {
        let sum = 0
        for (let c = 0; c < F; c++) sum += zAt(features, s, t, c) ** 2
        norms[t] = Math.sqrt(sum)
      }
    }
    const radius = percentile(norms.subarray(firstRow, k), o.oodPercentile)
    for (let t = k; t < end; t++) {
      oodDistance[t] = norms[t]!
      oodRadius[t] = radius
    }
  }
  return { firstRow, refits: Int32Array.from(refits), stats, windowZ, oodDistance, oodRadius }
}

/**
 * Walk-forward inference over a whole series; `features` and `frame` may be passed if already
 * computed (a comparison of several classifiers on one series shares them).
 */
export function walkForwardInference(closes: ArrayLike<number>, options: InferenceOptions, features = computeFeatures(closes), frame = walkForwardFrame(features, options)): RegimeInference {
  const n = closes.length
  const o = options
  const pStable = new Float64Array(n).fill(Number.NaN)
  const { firstRow, windowZ } = frame
  const vol = channelIndex('vol20')
  const returns = new Float64Array(n)
  for (let t = 0; t < n; t++) returns[t] = features[t * F]!
  const x = o.classifier === 'rv_threshold' ? new Float64Array(n) : null
  let hmm: GaussianHmm | null = null
  let ms: MarkovSwitching | null = null
  // BOCPD runs forward once: a refit changes the prior of new segments and the read-out
  // threshold, never the bars already absorbed.
  let bocpd: OnlineBocpd | null = null
  let absorbed = 1
  const schedule = frame.refits.length === 0 ? o.start >= n : frame.refits[0] === o.start && (frame.refits.length === 1 ? o.start + o.every >= n : frame.refits[1]! - o.start === o.every)
  if (frame.oodDistance.length !== n || !schedule) {
    throw new RangeError(`the walk-forward frame was built for another series or schedule (${frame.oodDistance.length} bars from ${frame.refits[0]}), not ${n} bars from ${o.start} every ${o.every}`)
  }
  for (let i = 0; i < frame.refits.length; i++) {
    const k = frame.refits[i]!
    const end = Math.min(n, k + o.every)
    if (x) {
      const stats = frame.stats[i]
      for (let t = firstRow; t < end; t++) x[t] = stats ? zAt(features, stats, t, vol) : windowZ![t * F + vol]!
      const fit = fitRvThreshold(x, firstRow, k, o.labels, o.rvTemperature)
      for (let t = k; t < end; t++) pStable[t] = rvPStable(x[t]!, fit)
    } else if (o.classifier === 'hmm') {
      hmm = hmm === null ? fitHmm(returns, 1, k, o.hmmIterations) : fitHmm(returns, 1, k, o.hmmRefitIterations, hmm)
      const stress = hmmFilterStress(hmm, returns, 1, end)
      for (let t = k; t < end; t++) pStable[t] = 1 - stress[t - 1]!
    } else if (o.classifier === 'bocpd') {
      const readout = fitBocpdReadout(returns, 1, k, o.labels)
      if (bocpd === null) bocpd = new OnlineBocpd(o.bocpd, readout.prior)
      else bocpd.setPrior(readout.prior)
      for (; absorbed < k; absorbed++) bocpd.step(returns[absorbed]!)
      for (let t = k; t < end; t++, absorbed++) {
        bocpd.step(returns[t]!)
        pStable[t] = 1 - bocpd.pVarianceAbove(readout.threshold)
      }
    } else {
      // bar 1 is the first return, so the regression's first observation (with its lag) is bar 2
      ms = ms === null ? fitMarkovSwitching(returns, 2, k, o.msIterations, undefined, MS_POLISH_EVALUATIONS) : fitMarkovSwitching(returns, 2, k, o.msRefitIterations, ms)
      const stress = new Float64Array(end - 2)
      hamiltonFilter(ms, returns, 2, end, stress)
      for (let t = k; t < end; t++) pStable[t] = 1 - stress[t - 2]!
    }
  }
  return { classifier: o.classifier, pStable, oodDistance: frame.oodDistance.slice(), oodRadius: frame.oodRadius.slice(), refits: frame.refits.slice() }
}

export interface SeriesRegimes {
  inference: RegimeInference
  /** 1 when P(stable) < pFlat, −1 before the first fit. */
  raw: Int8Array
  /** RegimeFilter over raw (spec §5.2). */
  filtered: Int8Array
}

/**
 * Regime inference on any price series (a lab's path, a user's CSV closes): walk-forward
 * baseline classifier, then the hysteresis. Unlabelled, so the rv threshold is two-means.
 */
export function inferSeriesRegimes(
  closes: ArrayLike<number>,
  options: Partial<Omit<InferenceOptions, 'labels'>> & { classifier: BaselineClassifier },
  filter: RegimeFilterOptions = { threshold: 3 },
  pFlat = 0.5
): SeriesRegimes {
  for (let t = 0; t < closes.length; t++) {
    const p = closes[t]!
    if (!(p > 0) || !Number.isFinite(p)) throw new RangeError(`price at bar ${t} must be a finite number > 0 (got ${p})`)
  }
  const o: InferenceOptions = { ...DEFAULT_INFERENCE, ...options }
  if (closes.length <= o.start) o.start = Math.max(FEATURE_WARMUP + 2, Math.min(o.start, closes.length - 1))
  const inference = walkForwardInference(closes, o)
  const raw = new Int8Array(closes.length)
  for (let t = 0; t < raw.length; t++) raw[t] = Number.isNaN(inference.pStable[t]!) ? -1 : inference.pStable[t]! < pFlat ? 1 : 0
  return { inference, raw, filtered: filterSeries(raw, filter) }
}
