import type { Rng } from '../../../engine/rng'
import { type Features, applyScaler, checkFeatures, checkK, fitScaler, labelMeans, sliceRows, sqDist } from './features'
import { kmeansPlusPlus, lloyd } from './kmeans'
import { bestPermutation, persistence } from './score'

// The jump model of the seed's report (L2085–2090, "Sparse Jump Model", Shu & Mulvey 2024):
//   min over s, μ of  Σ_t ‖x_t − μ_{s_t}‖² + λ Σ_{t≥2} 1(s_t ≠ s_{t−1})
// fitted by coordinate descent (Nystrup, Lindström & Madsen 2020): labels by dynamic programming
// for fixed centroids, centroids as label means for fixed labels, until the labels stop changing.
// Every feature weighs 1, as in the seed's formula; sparse-jump.ts adds the L1-bounded feature
// weights of Nystrup et al. 2021.

export interface JumpModelResult {
  labels: Int32Array
  /** k × F centroids. */
  centroids: Float64Array
  /** The objective: squared distances plus λ per switch. */
  objective: number
  switches: number
  iterations: number
}

export interface JumpModelOptions {
  /** Seeded starts (k-means++ then Lloyd); the lowest objective is kept. */
  restarts?: number
  maxIter?: number
}

/**
 * The labels minimising Σ‖x_t − μ_{s_t}‖² + λ·switches for fixed centroids (Viterbi on costs).
 * min_i (V_i + λ·1(i≠j)) = min(V_j, min_i V_i + λ), so each bar costs O(k).
 */
export function jumpLabels(f: Features, centroids: Float64Array, k: number, lambda: number): { labels: Int32Array; objective: number } {
  const { x, T, F } = f
  const back = new Int32Array(T * k) // previous state that bar t in state j came from
  let prev = new Float64Array(k)
  let cur = new Float64Array(k)
  for (let j = 0; j < k; j++) prev[j] = sqDist(x, 0, centroids, j, F)
  for (let t = 1; t < T; t++) {
    let minI = 0
    for (let i = 1; i < k; i++) if (prev[i]! < prev[minI]!) minI = i
    const jump = prev[minI]! + lambda
    for (let j = 0; j < k; j++) {
      const stay = prev[j]!
      // Ties keep the state: a switch must strictly pay for itself.
      const from = stay <= jump ? j : minI
      back[t * k + j] = from
      cur[j] = sqDist(x, t, centroids, j, F) + (from === j ? stay : jump)
    }
    ;[prev, cur] = [cur, prev]
  }
  let last = 0
  for (let j = 1; j < k; j++) if (prev[j]! < prev[last]!) last = j
  const labels = new Int32Array(T)
  labels[T - 1] = last
  for (let t = T - 1; t > 0; t--) labels[t - 1] = back[t * k + labels[t]!]!
  return { labels, objective: prev[last]! }
}

/**
 * Causal labels for fixed centroids: bar t's label is the end state of the cheapest path over
 * bars 0…t (the forward pass alone, no backtracking), so it never uses a later bar. This is the
 * online jump model's label, used to measure time to detection.
 */
export function jumpFilter(f: Features, centroids: Float64Array, k: number, lambda: number): Int32Array {
  const { x, T, F } = f
  const labels = new Int32Array(T)
  const v = new Float64Array(k)
  for (let t = 0; t < T; t++) {
    let minI = 0
    for (let i = 1; i < k; i++) if (v[i]! < v[minI]!) minI = i
    const jump = v[minI]! + (t === 0 ? 0 : lambda)
    let best = 0
    for (let j = 0; j < k; j++) {
      v[j] = sqDist(x, t, centroids, j, F) + Math.min(v[j]!, jump)
      if (v[j]! < v[best]!) best = j
    }
    labels[t] = best
  }
  return labels
}

/** Coordinate descent from given centroids (copied); each step can only lower the objective. */
export function fitJumpModelFrom(f: Features, k: number, lambda: number, init: Float64Array, maxIter = 100): JumpModelResult {
  const centroids = Float64Array.from(init)
  let labels: Int32Array = new Int32Array(0)
  let objective = Number.POSITIVE_INFINITY
  let iterations = 0
  while (iterations < maxIter) {
    iterations++
    const step = jumpLabels(f, centroids, k, lambda)
    const same = step.labels.length === labels.length && step.labels.every((s, t) => s === labels[t])
    labels = step.labels
    objective = step.objective
    if (same) break
    labelMeans(f, labels, k, centroids)
  }
  return { labels, centroids, objective, switches: persistence(labels).switches, iterations }
}

export function fitJumpModel(features: Features, k: number, lambda: number, rng: Rng, options: JumpModelOptions = {}): JumpModelResult {
  const f = checkFeatures(features)
  checkK(k, f.T)
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`lambda must be a finite number ≥ 0 (got ${lambda})`)
  const restarts = options.restarts ?? 10
  if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError(`restarts must be a positive integer (got ${restarts})`)
  let best: JumpModelResult | null = null
  for (let r = 0; r < restarts; r++) {
    // Start from a K-means solution, not raw k-means++ points: with a large λ the first DP pass
    // from two noisy single bars can put every bar in one state, and an unused centroid never moves.
    const start = lloyd(f, k, kmeansPlusPlus(f, k, rng)).centroids
    const run = fitJumpModelFrom(f, k, lambda, start, options.maxIter)
    if (best === null || run.objective < best.objective) best = run
  }
  return best!
}

/** Mean over the regimes present in `truth` of the share of their bars labelled correctly. */
export function balancedAccuracy(pred: Int32Array, truth: Int32Array, map: Int32Array, k: number): number {
  const hits = new Float64Array(k)
  const counts = new Float64Array(k)
  for (let t = 0; t < truth.length; t++) {
    counts[truth[t]!]!++
    if (map[pred[t]!] === truth[t]) hits[truth[t]!]!++
  }
  let sum = 0
  let present = 0
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) continue
    sum += hits[j]! / counts[j]!
    present++
  }
  return sum / present
}

export interface PenaltyScore {
  lambda: number
  /** Validation balanced accuracy of each walk-forward fold. */
  folds: number[]
  /** The score: their mean. */
  mean: number
  /** The tie-break: mean squared distance of each validation bar to the centroid of its true regime (lower is better). */
  loss: number
}

export interface PenaltySelection {
  lambda: number
  scores: PenaltyScore[]
  /** The grid values that share the best score (the choice is the one of lowest loss among them). */
  tied: number[]
}

export interface PenaltySearchOptions extends JumpModelOptions {
  /** Walk-forward folds after the first training block. */
  folds?: number
  /** Share of the bars in the first training block. */
  firstTrain?: number
  /** Clip each feature at ± this many training-block σ before z-scoring (fitScaler; Infinity: none). */
  clip?: number
}

/**
 * λ by walk-forward grid search (the seed: "grid search with walk-forward", L2090; §7.6: no
 * shuffled CV). Fold i trains on bars [0, cut_i) — features clipped and standardised with that
 * block's moments (fitScaler) — then labels the next block causally (jumpFilter over [0, cut_{i+1}), so the
 * validation labels use no later bar) and scores it against the true regimes with the label
 * map learnt on the training block (the validation block never chooses its own permutation).
 * The score is balanced accuracy (mean recall over the regimes present): plain accuracy rewards a
 * λ so large that the model never switches whenever one regime fills most of a validation block.
 * Highest mean score wins.
 * Why λ tied within one run: a run's training half is ~600 bars, so its validation blocks are
 * ~200 bars against regimes of 6–24 months — one regime or one change each. Every λ above the
 * one at which the causal filter stops switching inside the blocks gives the same labels, hence
 * the same score (seed 4: λ = 50 … 1000 all 0.667, a block with one regime scoring a model that
 * never switches 1.0). Labels cannot break such a tie, and the old rule (the middle of the tied
 * grid values) let the grid's spacing decide. The tied models still differ in their centroids,
 * fitted under different λ: the tie goes to the λ whose centroids sit closest to the validation
 * bars of each true regime, the validation loss Σ‖x_t − μ_{regime(t)}‖² per bar (continuous, so
 * only identical models still tie; then the smaller λ).
 */
export function selectJumpPenalty(
  raw: Features,
  truth: Int32Array,
  k: number,
  grid: readonly number[],
  rng: Rng,
  options: PenaltySearchOptions = {}
): PenaltySelection {
  checkFeatures(raw)
  if (truth.length !== raw.T) throw new RangeError(`truth has ${truth.length} labels, expected T = ${raw.T}`)
  if (grid.length === 0) throw new RangeError('grid must hold at least one λ')
  const folds = options.folds ?? 3
  const firstTrain = options.firstTrain ?? 0.5
  if (!(firstTrain > 0 && firstTrain < 1)) throw new RangeError(`firstTrain must be in (0, 1) (got ${firstTrain})`)
  const start = Math.floor(raw.T * firstTrain)
  const block = Math.floor((raw.T - start) / folds)
  if (block < 1 || start < k) throw new RangeError(`${raw.T} bars are too few for ${folds} folds after a ${start}-bar training block`)
  const scores: PenaltyScore[] = []
  for (const lambda of grid) {
    const accs: number[] = []
    let loss = 0
    let lossBars = 0
    for (let i = 0; i < folds; i++) {
      const cut = start + i * block
      const end = i === folds - 1 ? raw.T : cut + block
      const z = applyScaler(sliceRows(raw, 0, end), fitScaler(sliceRows(raw, 0, cut), options.clip ?? 3))
      const train = sliceRows(z, 0, cut)
      const model = fitJumpModel(train, k, lambda, rng, options)
      const map = bestPermutation(model.labels, truth.subarray(0, cut), k).map
      const online = jumpFilter(z, model.centroids, k, lambda)
      accs.push(balancedAccuracy(online.subarray(cut, end), truth.subarray(cut, end), map, k))
      // map: model state → true regime; its inverse names the centroid of each true regime.
      const centroidOf = new Int32Array(k)
      map.forEach((regime, state) => (centroidOf[regime] = state))
      for (let t = cut; t < end; t++) loss += sqDist(z.x, t, model.centroids, centroidOf[truth[t]!]!, z.F)
      lossBars += end - cut
    }
    scores.push({ lambda, folds: accs, mean: accs.reduce((a, b) => a + b, 0) / accs.length, loss: loss / lossBars })
  }
  const top = Math.max(...scores.map((s) => s.mean))
  const tied = scores.filter((s) => s.mean === top)
  const best = [...tied].sort((a, b) => a.loss - b.loss || a.lambda - b.lambda)[0]!
  return { lambda: best.lambda, scores, tied: tied.map((s) => s.lambda) }
}
