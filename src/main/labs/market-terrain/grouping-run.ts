import { Xoshiro128 } from '../../engine/rng'
import { type Features, type LabelledSeries, type MethodComparison, applyScaler, compareGrouping, fitHmm, fitJumpModel, fitScaler, hmmFilter, hmmSmooth, jumpFilter, jumpLabels, kmeans, persistence } from './grouping'

// The regime grouping read off a path (spec §2, issue 17 §5): the jump model, K-means and the
// Gaussian HMM on the state features the strategy reads — risk, momentum, mean correlation and
// the vol term ratio, all from bars ≤ t. In the lab they are fitted on the first train_share of
// the readable bars (λ by walk-forward on those bars only) and scored on the rest against the
// simulator's true regimes; on a user's file, with no true regimes, they are fitted on the whole
// file and report their own regimes and switch counts.

export const GROUPING_FEATURES = ['risk', 'momentum', 'mean correlation', 'vol term ratio'] as const

/** λ for a file without true regimes to select it on ([proposal]: the value the held-out study selects at 1σ separation, grouping/held-out.test.ts). */
export const UNSUPERVISED_LAMBDA = 50

/** Seed of the grouping's own stream (restarts, k-means++): fixed, so the same path gives the same table. */
const GROUPING_SEED = 17

export interface FeatureColumns {
  risk: Float64Array
  momentum: Float64Array
  meanCorrelation: Float64Array
  termRatio: Float64Array
}

/** Rows [from, to) of the feature columns as a T × 4 matrix. */
export function groupingFeatures(c: FeatureColumns, from: number, to: number): Features {
  const F = GROUPING_FEATURES.length
  const x = new Float64Array((to - from) * F)
  for (let t = from; t < to; t++) {
    const r = (t - from) * F
    x[r] = c.risk[t]!
    x[r + 1] = c.momentum[t]!
    x[r + 2] = c.meanCorrelation[t]!
    x[r + 3] = c.termRatio[t]!
  }
  return { x, T: to - from, F }
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null)

/** grouping.clip_sigma: 0 means z-score only (no clipping). */
const clipOption = (sigma: number): number => (sigma > 0 ? sigma : Number.POSITIVE_INFINITY)

function methodRow(m: MethodComparison) {
  const s = m.scores[0]!
  return {
    method: m.method,
    accuracy: s.accuracy,
    online_accuracy: s.onlineAccuracy,
    persistence: { switches: s.persistence.switches, mean_run_length: s.persistence.meanRunLength },
    online_switches: s.onlinePersistence.switches,
    mean_time_to_detection: finite(s.detection.meanDelay),
    detected: s.detection.detected,
    true_changes: s.detection.changes,
    false_switches: s.detection.falseSwitches,
    ...(m.lambda === undefined ? {} : { lambda: m.lambda })
  }
}

export type GroupingRow = ReturnType<typeof methodRow>

export interface GroupingBlock {
  features: readonly string[]
  train_bars: [number, number]
  test_bars: [number, number]
  methods: GroupingRow[]
}

/**
 * Fits on bars [from, cut) and scores on [cut, to) against `truth`, cut = from + ⌊share·(to − from)⌋.
 * Null when either side is too short to fit two regimes (fewer than 40 bars).
 */
export function groupingAgainstTruth(c: FeatureColumns, truth: ArrayLike<number>, from: number, to: number, trainShare: number, kmeansRestarts: number, clip = 3): GroupingBlock | null {
  const cut = from + Math.floor((to - from) * trainShare)
  if (cut - from < 40 || to - cut < 40) return null
  const labels = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => truth[a + i]!)
  const out = compareGrouping({ features: groupingFeatures(c, from, cut), labels: labels(from, cut) }, [{ features: groupingFeatures(c, cut, to), labels: labels(cut, to) }], new Xoshiro128(GROUPING_SEED), { kmeansRestarts, clip: clipOption(clip) })
  return { features: GROUPING_FEATURES, train_bars: [from, cut], test_bars: [cut, to], methods: out.map(methodRow) }
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length

/** One method over the held-out seeds: means per seed, and detection pooled over every true change. */
function heldOutRow(m: MethodComparison, seeds: readonly number[]) {
  const s = m.scores
  let delay = 0
  let detected = 0
  let changes = 0
  for (const x of s) {
    for (const d of x.detection.delays) if (d >= 0) delay += d
    detected += x.detection.detected
    changes += x.detection.changes
  }
  return {
    method: m.method,
    accuracy: meanOf(s.map((x) => x.accuracy)),
    online_accuracy: meanOf(s.map((x) => x.onlineAccuracy)),
    persistence: { switches: meanOf(s.map((x) => x.persistence.switches)), mean_run_length: meanOf(s.map((x) => x.persistence.meanRunLength)) },
    online_switches: meanOf(s.map((x) => x.onlinePersistence.switches)),
    /** Bars from a true change to the online label's agreement, over every change caught on every held-out seed. */
    mean_time_to_detection: detected > 0 ? delay / detected : null,
    detected,
    true_changes: changes,
    false_switches: meanOf(s.map((x) => x.detection.falseSwitches)),
    ...(m.lambda === undefined ? {} : { lambda: m.lambda }),
    per_seed: s.map((x, i) => ({ seed: seeds[i]!, accuracy: x.accuracy, online_accuracy: x.onlineAccuracy, switches: x.persistence.switches, mean_time_to_detection: finite(x.detection.meanDelay), false_switches: x.detection.falseSwitches }))
  }
}

export interface HeldOutBlock {
  /** The run's own seed first, then grouping.train_seeds: the series the models are fitted on, in order. */
  train_seeds: number[]
  seeds: number[]
  /** Bars of each universe read (the readable bars, the same for every seed). */
  bars: [number, number]
  methods: ReturnType<typeof heldOutRow>[]
}

/**
 * Fit on the training seeds' universes (joined in order, so the λ walk-forward trains on earlier
 * seeds and validates on later ones), score on each held-out seed's universe with the training
 * label maps and feature scaling; report each method averaged over the held-out seeds.
 */
export function groupingOnHeldOutSeeds(train: readonly (LabelledSeries & { seed: number })[], heldOut: readonly (LabelledSeries & { seed: number })[], bars: [number, number], kmeansRestarts: number, clip = 3): HeldOutBlock {
  const out = compareGrouping(train, heldOut, new Xoshiro128(GROUPING_SEED), { kmeansRestarts, clip: clipOption(clip) })
  const seeds = heldOut.map((h) => h.seed)
  return { train_seeds: train.map((t) => t.seed), seeds, bars, methods: out.map((m) => heldOutRow(m, seeds)) }
}

export interface UnsupervisedGrouping {
  method: 'jump' | 'kmeans' | 'hmm'
  /** Fitted (in-sample) regime per bar, in the order of the bars given. */
  labels: Int32Array
  /** Causal regime per bar (bar t from bars ≤ t with the fitted model). */
  online: Int32Array
  switches: number
  onlineSwitches: number
  lambda?: number
}

/**
 * Regimes of a series with no truth: each method fitted on all of it (clipped and standardised
 * with the whole series' moments: an in-sample description, not a forecast), labels numbered by mean risk — 0 the
 * calmer regime, 1 the riskier — so the methods' labels can be compared with each other.
 */
export function groupingUnsupervised(c: FeatureColumns, from: number, to: number, kmeansRestarts: number, clip = 3): UnsupervisedGrouping[] {
  const k = 2
  const raw = groupingFeatures(c, from, to)
  const z = applyScaler(raw, fitScaler(raw, clipOption(clip)))
  const rng = new Xoshiro128(GROUPING_SEED)
  // Label 0 = the regime whose bars have the lower mean risk (so "1" reads risk_off on every method).
  const byRisk = (labels: Int32Array): Int32Array => {
    const sum = [0, 0]
    const count = [0, 0]
    labels.forEach((s, i) => {
      sum[s]! += c.risk[from + i]!
      count[s]!++
    })
    const m = sum.map((x, j) => (count[j]! > 0 ? x / count[j]! : Number.POSITIVE_INFINITY))
    return m[0]! <= m[1]! ? Int32Array.of(0, 1) : Int32Array.of(1, 0)
  }
  const row = (method: UnsupervisedGrouping['method'], fitted: Int32Array, online: Int32Array, lambda?: number): UnsupervisedGrouping => {
    const map = byRisk(fitted)
    const labels = fitted.map((s) => map[s]!)
    const on = online.map((s) => map[s]!)
    return { method, labels, online: on, switches: persistence(labels).switches, onlineSwitches: persistence(on).switches, ...(lambda === undefined ? {} : { lambda }) }
  }
  const jm = fitJumpModel(z, k, UNSUPERVISED_LAMBDA, rng, { restarts: 4 })
  const km = kmeans(z, k, rng, { restarts: kmeansRestarts })
  const hmm = fitHmm(z, k, rng)
  return [
    row('jump', jumpLabels(z, jm.centroids, k, UNSUPERVISED_LAMBDA).labels, jumpFilter(z, jm.centroids, k, UNSUPERVISED_LAMBDA), UNSUPERVISED_LAMBDA),
    row('kmeans', km.labels, km.labels),
    row('hmm', hmmSmooth(z, hmm.model).labels, hmmFilter(z, hmm.model).labels)
  ]
}

