import type { Rng } from '../../../engine/rng'
import { type Features, applyScaler, checkFeatures, fitScaler } from './features'
import { fitHmm, hmmFilter, hmmSmooth } from './hmm'
import { fitJumpModel, jumpFilter, jumpLabels, selectJumpPenalty } from './jump-model'
import { assignNearest, kmeans } from './kmeans'
import { type GroupingScore, bestPermutation, scoreGrouping } from './score'

// The grouping comparison: each method is fitted on one labelled series (the training seed),
// then scored on held-out series it never saw, with the label map and the feature moments
// learnt on the training series. What the lab's `grouping` output and comparison table show.

export type GroupingMethod = 'jump' | 'kmeans' | 'hmm'

export interface LabelledSeries {
  features: Features
  labels: Int32Array
}

export interface CompareOptions {
  k?: number
  /** λ grid for the jump model's walk-forward search. */
  lambdaGrid?: readonly number[]
  /** K-means restarts (the seed's report uses 100, L2142). */
  kmeansRestarts?: number
  /** Jump-model restarts per fit. */
  jumpRestarts?: number
  /** Clip each feature at ± this many training σ before z-scoring (the SJM reference code's 3; Infinity: none). */
  clip?: number
}

/** λ grid, unspecified in the seed: 0 (K-means with a DP) and a log-spaced range up to 1000. */
export const DEFAULT_LAMBDA_GRID = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const

export interface MethodComparison {
  method: GroupingMethod
  /** Per held-out series. */
  scores: GroupingScore[]
  meanAccuracy: number
  meanOnlineAccuracy: number
  /** Mean over series of the mean detection delay (series with no detection left out). */
  meanDelay: number
  meanFalseSwitches: number
  /** The jump penalty chosen on the training series (jump model only). */
  lambda?: number
}

const mean = (xs: number[]): number => {
  const ok = xs.filter((x) => Number.isFinite(x))
  return ok.length > 0 ? ok.reduce((a, b) => a + b, 0) / ok.length : Number.NaN
}

/** Training series joined end to end (one seam per series: at most one spurious switch each). */
export function joinSeries(series: readonly LabelledSeries[]): LabelledSeries {
  if (series.length === 0) throw new RangeError('at least one training series is needed')
  const F = series[0]!.features.F
  const T = series.reduce((a, s) => a + s.features.T, 0)
  const x = new Float64Array(T * F)
  const labels = new Int32Array(T)
  let at = 0
  series.forEach((s, i) => {
    if (s.features.F !== F) throw new RangeError(`train[${i}] has ${s.features.F} features, train[0] ${F}`)
    if (s.labels.length !== s.features.T) throw new RangeError(`train[${i}] has ${s.labels.length} labels for ${s.features.T} bars`)
    x.set(s.features.x, at * F)
    labels.set(s.labels, at)
    at += s.features.T
  })
  return { features: { x, T, F }, labels }
}

/**
 * `train` may be several series (training seeds), joined in the order given: the λ walk-forward
 * then trains on the earlier series and validates on the later ones.
 */
export function compareGrouping(trainSeries: LabelledSeries | readonly LabelledSeries[], heldOut: readonly LabelledSeries[], rng: Rng, options: CompareOptions = {}): MethodComparison[] {
  const train = Array.isArray(trainSeries) ? joinSeries(trainSeries) : (trainSeries as LabelledSeries)
  const k = options.k ?? 2
  const clip = options.clip ?? 3
  checkFeatures(train.features, 'train.features')
  heldOut.forEach((s, i) => {
    checkFeatures(s.features, `heldOut[${i}].features`)
    if (s.features.F !== train.features.F) throw new RangeError(`heldOut[${i}] has ${s.features.F} features, the training series ${train.features.F}`)
  })
  const scaler = fitScaler(train.features, clip)
  const z = applyScaler(train.features, scaler)
  const tests = heldOut.map((s) => ({ z: applyScaler(s.features, scaler), labels: s.labels }))
  const summarise = (method: GroupingMethod, scores: GroupingScore[], lambda?: number): MethodComparison => ({
    method,
    scores,
    meanAccuracy: mean(scores.map((s) => s.accuracy)),
    meanOnlineAccuracy: mean(scores.map((s) => s.onlineAccuracy)),
    meanDelay: mean(scores.map((s) => s.detection.meanDelay)),
    meanFalseSwitches: mean(scores.map((s) => s.detection.falseSwitches)),
    ...(lambda === undefined ? {} : { lambda })
  })

  const selection = selectJumpPenalty(train.features, train.labels, k, options.lambdaGrid ?? DEFAULT_LAMBDA_GRID, rng, { restarts: options.jumpRestarts ?? 4, clip })
  const jm = fitJumpModel(z, k, selection.lambda, rng, { restarts: options.jumpRestarts ?? 4 })
  const jmMap = bestPermutation(jm.labels, train.labels, k).map
  const jump = tests.map((t) => scoreGrouping(jumpLabels(t.z, jm.centroids, k, selection.lambda).labels, jumpFilter(t.z, jm.centroids, k, selection.lambda), t.labels, k, jmMap))

  const km = kmeans(z, k, rng, { restarts: options.kmeansRestarts ?? 100 })
  const kmMap = bestPermutation(km.labels, train.labels, k).map
  // K-means has no memory: its fitted and online labels are the same nearest-centroid labels.
  const kmeansScores = tests.map((t) => {
    const labels = assignNearest(t.z, km.centroids, k)
    return scoreGrouping(labels, labels, t.labels, k, kmMap)
  })

  const hmm = fitHmm(z, k, rng)
  const hmmMap = bestPermutation(hmmSmooth(z, hmm.model).labels, train.labels, k).map
  const hmmScores = tests.map((t) => scoreGrouping(hmmSmooth(t.z, hmm.model).labels, hmmFilter(t.z, hmm.model).labels, t.labels, k, hmmMap))

  return [summarise('jump', jump, selection.lambda), summarise('kmeans', kmeansScores), summarise('hmm', hmmScores)]
}
