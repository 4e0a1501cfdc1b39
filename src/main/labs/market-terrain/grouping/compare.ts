import type { Rng } from '../../../engine/rng'
import { type Features, checkFeatures, standardise } from './features'
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

/** Standardises `f` with the moments of `train` (no held-out statistics leak into the scale). */
function scaleLike(train: Features, f: Features): Features {
  const joined = new Float64Array(train.x.length + f.x.length)
  joined.set(train.x)
  joined.set(f.x, train.x.length)
  const z = standardise({ x: joined, T: train.T + f.T, F: f.F }, train.T)
  return { x: z.x.subarray(train.x.length), T: f.T, F: f.F }
}

export function compareGrouping(train: LabelledSeries, heldOut: readonly LabelledSeries[], rng: Rng, options: CompareOptions = {}): MethodComparison[] {
  const k = options.k ?? 2
  checkFeatures(train.features, 'train.features')
  heldOut.forEach((s, i) => {
    checkFeatures(s.features, `heldOut[${i}].features`)
    if (s.features.F !== train.features.F) throw new RangeError(`heldOut[${i}] has ${s.features.F} features, the training series ${train.features.F}`)
  })
  const z = standardise(train.features)
  const tests = heldOut.map((s) => ({ z: scaleLike(train.features, s.features), labels: s.labels }))
  const summarise = (method: GroupingMethod, scores: GroupingScore[], lambda?: number): MethodComparison => ({
    method,
    scores,
    meanAccuracy: mean(scores.map((s) => s.accuracy)),
    meanOnlineAccuracy: mean(scores.map((s) => s.onlineAccuracy)),
    meanDelay: mean(scores.map((s) => s.detection.meanDelay)),
    meanFalseSwitches: mean(scores.map((s) => s.detection.falseSwitches)),
    ...(lambda === undefined ? {} : { lambda })
  })

  const selection = selectJumpPenalty(train.features, train.labels, k, options.lambdaGrid ?? DEFAULT_LAMBDA_GRID, rng, { restarts: options.jumpRestarts ?? 4 })
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
