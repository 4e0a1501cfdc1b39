import { correlation } from './weights'

/**
 * Hierarchical risk parity (López de Prado 2016, "Building diversified portfolios that
 * outperform out of sample", §3): cluster the pods by correlation, order them so similar pods
 * sit together (quasi-diagonalisation), then split the ordered list in halves and share each
 * parent's weight between its halves in inverse proportion to their variances.
 */

/** One merge of the agglomeration, as scipy's linkage matrix row: clusters a < b at distance d; the result is cluster n + k. */
export interface Merge {
  a: number
  b: number
  distance: number
  size: number
}

/** d̃ᵢⱼ = ‖dᵢ − dⱼ‖ over the correlation distances dᵢⱼ = √(½(1 − ρᵢⱼ)) (the paper's step 1). */
export function hrpDistances(corr: Float64Array, n: number): Float64Array {
  const d = corr.map((rho) => Math.sqrt(Math.max(0, 0.5 * (1 - rho))))
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0
      for (let k = 0; k < n; k++) {
        const x = d[k * n + i]! - d[k * n + j]!
        s += x * x
      }
      out[i * n + j] = out[j * n + i] = Math.sqrt(s)
    }
  }
  return out
}

/**
 * Single-linkage agglomeration on a full distance matrix: the closest pair of live clusters
 * merges (ties: the lowest ids), and a merged cluster's distance to another is the smaller of
 * its parts'. Rows come out in scipy.cluster.hierarchy.linkage's shape and order.
 */
export function singleLinkage(dist: Float64Array, n: number): Merge[] {
  const size = 2 * n - 1
  const d = new Float64Array(size * size).fill(Infinity)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * size + j] = dist[i * n + j]!
  const live: number[] = Array.from({ length: n }, (_, i) => i)
  const sizes = new Int32Array(size).fill(1)
  const merges: Merge[] = []
  for (let k = 0; k < n - 1; k++) {
    let best = Infinity
    let bi = -1
    let bj = -1
    for (let x = 0; x < live.length; x++) {
      for (let y = x + 1; y < live.length; y++) {
        const i = live[x]!
        const j = live[y]!
        const v = d[i * size + j]!
        if (v < best) {
          best = v
          bi = i
          bj = j
        }
      }
    }
    const id = n + k
    sizes[id] = sizes[bi]! + sizes[bj]!
    merges.push({ a: Math.min(bi, bj), b: Math.max(bi, bj), distance: best, size: sizes[id]! })
    for (const other of live) {
      if (other === bi || other === bj) continue
      const v = Math.min(d[bi * size + other]!, d[bj * size + other]!)
      d[id * size + other] = d[other * size + id] = v
    }
    live.splice(live.indexOf(bj), 1)
    live.splice(live.indexOf(bi), 1)
    live.push(id)
  }
  return merges
}

/** The leaves in dendrogram order: each cluster expands to its first child's leaves, then its second's. */
export function quasiDiagonalOrder(merges: readonly Merge[], n: number): number[] {
  if (n === 1) return [0]
  const expand = (id: number): number[] => (id < n ? [id] : [...expand(merges[id - n]!.a), ...expand(merges[id - n]!.b)])
  return expand(2 * n - 2)
}

/** Variance of a cluster held in inverse-variance proportions (the paper's getClusterVar). */
function clusterVariance(cov: Float64Array, n: number, items: readonly number[]): number {
  let norm = 0
  for (const i of items) norm += 1 / cov[i * n + i]!
  const w = (i: number): number => 1 / cov[i * n + i]! / norm
  let v = 0
  for (const i of items) for (const j of items) v += w(i) * cov[i * n + j]! * w(j)
  return v
}

/** HRP weights (summing to 1) and the order and tree they came from. */
export function hrpWeights(cov: Float64Array, n: number): { weights: Float64Array; order: number[]; merges: Merge[] } {
  for (let i = 0; i < n; i++) if (!(cov[i * n + i]! > 0)) throw new RangeError(`hrp weights need every pod to have a non-zero volatility (pod ${i + 1} has none)`)
  const merges = singleLinkage(hrpDistances(correlation(cov, n), n), n)
  const order = quasiDiagonalOrder(merges, n)
  const w = new Float64Array(n).fill(1)
  // Recursive bisection, breadth-first as in the paper's getRecBipart.
  let clusters: number[][] = [order]
  while (clusters.length > 0) {
    const next: number[][] = []
    for (const c of clusters) {
      if (c.length <= 1) continue
      const half = c.length >> 1
      const left = c.slice(0, half)
      const right = c.slice(half)
      const vl = clusterVariance(cov, n, left)
      const vr = clusterVariance(cov, n, right)
      const alpha = 1 - vl / (vl + vr)
      for (const i of left) w[i]! *= alpha
      for (const i of right) w[i]! *= 1 - alpha
      next.push(left, right)
    }
    clusters = next
  }
  return { weights: w, order, merges }
}
