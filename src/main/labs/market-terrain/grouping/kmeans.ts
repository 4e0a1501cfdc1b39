import type { Rng } from '../../../engine/rng'
import { type Features, checkFeatures, checkK, labelMeans, sqDist } from './features'

export interface KMeansResult {
  /** Cluster of each bar, 0 … k−1. */
  labels: Int32Array
  /** k × F centroids, row-major. */
  centroids: Float64Array
  /** Sum of squared distances of each bar to its centroid. */
  inertia: number
  /** Lloyd iterations of the kept restart. */
  iterations: number
}

export interface KMeansOptions {
  /** Independent k-means++ starts; the lowest inertia is kept (the seed's report uses 100, L2142). */
  restarts?: number
  maxIter?: number
}

/** Lloyd's algorithm from given centroids (copied): assign, re-centre, until no label changes. */
export function lloyd(f: Features, k: number, init: Float64Array, maxIter = 300): KMeansResult {
  const { x, T, F } = f
  if (init.length !== k * F) throw new RangeError(`init centroids have ${init.length} values, expected k·F = ${k * F}`)
  const centroids = Float64Array.from(init)
  const labels = new Int32Array(T).fill(-1)
  let iterations = 0
  for (; iterations < maxIter; iterations++) {
    let changed = false
    for (let t = 0; t < T; t++) {
      let best = 0
      let bestD = Number.POSITIVE_INFINITY
      for (let j = 0; j < k; j++) {
        const d = sqDist(x, t, centroids, j, F)
        if (d < bestD) [best, bestD] = [j, d]
      }
      if (labels[t] !== best) {
        labels[t] = best
        changed = true
      }
    }
    if (!changed) break
    labelMeans(f, labels, k, centroids)
  }
  let inertia = 0
  for (let t = 0; t < T; t++) inertia += sqDist(x, t, centroids, labels[t]!, F)
  return { labels, centroids, inertia, iterations }
}

/** k-means++ seeding (Arthur & Vassilvitskii 2007): each next centre drawn with probability ∝ D². */
export function kmeansPlusPlus(f: Features, k: number, rng: Rng): Float64Array {
  const { x, T, F } = f
  const centroids = new Float64Array(k * F)
  const first = Math.min(T - 1, Math.floor(rng.nextDouble() * T))
  centroids.set(x.subarray(first * F, first * F + F), 0)
  const d2 = new Float64Array(T)
  for (let t = 0; t < T; t++) d2[t] = sqDist(x, t, centroids, 0, F)
  for (let j = 1; j < k; j++) {
    let total = 0
    for (let t = 0; t < T; t++) total += d2[t]!
    let pick = T - 1
    if (total > 0) {
      let r = rng.nextDouble() * total
      for (let t = 0; t < T; t++) {
        r -= d2[t]!
        if (r < 0) {
          pick = t
          break
        }
      }
    } else pick = Math.min(T - 1, Math.floor(rng.nextDouble() * T)) // every bar sits on a centre already
    centroids.set(x.subarray(pick * F, pick * F + F), j * F)
    for (let t = 0; t < T; t++) d2[t] = Math.min(d2[t]!, sqDist(x, t, centroids, j, F))
  }
  return centroids
}

/** K-means with `restarts` seeded k-means++ starts; deterministic for a given rng state. */
export function kmeans(features: Features, k: number, rng: Rng, options: KMeansOptions = {}): KMeansResult {
  const f = checkFeatures(features)
  checkK(k, f.T)
  const restarts = options.restarts ?? 10
  if (!Number.isInteger(restarts) || restarts < 1) throw new RangeError(`restarts must be a positive integer (got ${restarts})`)
  let best: KMeansResult | null = null
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(f, k, kmeansPlusPlus(f, k, rng), options.maxIter)
    if (best === null || run.inertia < best.inertia) best = run
  }
  return best!
}

/** Nearest-centroid label of every bar (how fitted centroids label new, held-out bars). */
export function assignNearest(f: Features, centroids: Float64Array, k: number): Int32Array {
  const labels = new Int32Array(f.T)
  for (let t = 0; t < f.T; t++) {
    let bestD = Number.POSITIVE_INFINITY
    for (let j = 0; j < k; j++) {
      const d = sqDist(f.x, t, centroids, j, f.F)
      if (d < bestD) [labels[t], bestD] = [j, d]
    }
  }
  return labels
}
