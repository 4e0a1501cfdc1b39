// Watersheds by Ward hierarchical clustering of the correlation distance d_ij = √(2(1 − ρ_ij))
// (Mantegna 1999), with the nearest-neighbour-chain algorithm (Müllner 2011, "Modern
// hierarchical, agglomerative clustering algorithms", Fig. 4): O(n²) time, so it can run every
// bar for hundreds of assets. The output matches scipy.cluster.hierarchy.linkage(method='ward'):
// merges sorted by height, relabelled so cluster n + k is the one made by the k-th merge.

export interface WardTree {
  /** n − 1 merges, scipy's Z layout: [left id, right id, height, size] per merge. */
  readonly Z: Float64Array
  readonly n: number
}

/** Reusable buffers for one n (nothing is allocated per call beyond the returned tree). */
export class WardClusterer {
  private readonly d2: Float64Array
  private readonly size: Float64Array
  private readonly alive: Int32Array
  private readonly chain: Int32Array
  private readonly mergeA: Int32Array
  private readonly mergeB: Int32Array
  private readonly mergeH: Float64Array
  private readonly order: Int32Array
  private readonly parent: Int32Array
  private readonly label: Int32Array

  constructor(readonly n: number) {
    this.d2 = new Float64Array(n * n)
    this.size = new Float64Array(n)
    this.alive = new Int32Array(n)
    this.chain = new Int32Array(n)
    this.mergeA = new Int32Array(Math.max(0, n - 1))
    this.mergeB = new Int32Array(Math.max(0, n - 1))
    this.mergeH = new Float64Array(Math.max(0, n - 1))
    this.order = new Int32Array(Math.max(0, n - 1))
    this.parent = new Int32Array(2 * n)
    this.label = new Int32Array(2 * n)
  }

  /** The Ward tree of a correlation matrix (row-major n × n). */
  fromCorrelation(C: Float64Array, out?: WardTree): WardTree {
    const { n, d2 } = this
    for (let i = 0; i < n * n; i++) d2[i] = Math.max(0, 2 * (1 - C[i]!))
    return this.fromSquaredDistances(out)
  }

  /**
   * The n × n buffer of squared distances 2(1 − ρ) that fromDistances clusters: a caller that
   * already passes over the correlation (RollingCorrelation.correlation) fills it on the way.
   */
  get distances(): Float64Array {
    return this.d2
  }

  /** The Ward tree of the squared distances written into `distances` (consumed: the merges overwrite it). */
  fromDistances(out?: WardTree): WardTree {
    return this.fromSquaredDistances(out)
  }

  /** The Ward tree of a squared-distance matrix already in the buffer (fromCorrelation fills it). */
  private fromSquaredDistances(out?: WardTree): WardTree {
    const { n, d2, size, alive, chain, mergeA, mergeB, mergeH } = this
    size.fill(1)
    // The active clusters in increasing order: scans skip merged slots without testing them, and
    // visit candidates in the same order as a full scan would (ties resolve the same way).
    for (let i = 0; i < n; i++) alive[i] = i
    let count = n
    let length = 0
    for (let merges = 0; merges < n - 1; merges++) {
      if (length === 0) chain[length++] = alive[0]!
      for (;;) {
        const a = chain[length - 1]!
        const previous = length >= 2 ? chain[length - 2]! : -1
        // Nearest active neighbour of a; ties go to the previous chain element (keeps the chain reducible).
        const row = a * n
        let b = previous
        let best = previous >= 0 ? d2[row + previous]! : Number.POSITIVE_INFINITY
        for (let t = 0; t < count; t++) {
          const x = alive[t]!
          const d = d2[row + x]!
          if (d < best && x !== a) {
            best = d
            b = x
          }
        }
        if (b === previous) {
          length -= 2
          // Lance–Williams for Ward on squared distances; the merged cluster keeps slot b.
          const na = size[a]!
          const nb = size[b]!
          const rowB = b * n
          for (let t = 0; t < count; t++) {
            const k = alive[t]!
            if (k === a || k === b) continue
            const nk = size[k]!
            const d = ((na + nk) * d2[row + k]! + (nb + nk) * d2[rowB + k]! - nk * best) / (na + nb + nk)
            d2[rowB + k] = d
            d2[k * n + b] = d
          }
          // Drop a from the active list, keeping the order.
          let t = 0
          while (alive[t] !== a) t++
          alive.copyWithin(t, t + 1, count)
          count--
          size[b] = na + nb
          mergeA[merges] = a
          mergeB[merges] = b
          mergeH[merges] = Math.sqrt(Math.max(0, best))
          break
        }
        chain[length++] = b
      }
    }
    return this.label_(out)
  }

  /** Sorts merges by height (stable) and gives clusters scipy's ids with a union-find. */
  private label_(out?: WardTree): WardTree {
    const { n, mergeA, mergeB, mergeH, order, parent, label } = this
    const m = n - 1
    for (let k = 0; k < m; k++) order[k] = k
    // Insertion sort is stable and the merges arrive nearly sorted.
    for (let k = 1; k < m; k++) {
      const x = order[k]!
      let j = k - 1
      while (j >= 0 && mergeH[order[j]!]! > mergeH[x]!) {
        order[j + 1] = order[j]!
        j--
      }
      order[j + 1] = x
    }
    for (let i = 0; i < 2 * n; i++) {
      parent[i] = i
      label[i] = i
    }
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]!]!
        x = parent[x]!
      }
      return x
    }
    const Z = out?.Z.length === 4 * m ? out.Z : new Float64Array(4 * m)
    // label[root] is the scipy id of the cluster whose union-find root is root.
    for (let k = 0; k < m; k++) {
      const e = order[k]!
      const ra = find(mergeA[e]!)
      const rb = find(mergeB[e]!)
      const la = label[ra]!
      const lb = label[rb]!
      Z[4 * k] = Math.min(la, lb)
      Z[4 * k + 1] = Math.max(la, lb)
      Z[4 * k + 2] = mergeH[e]!
      parent[ra] = rb
      label[rb] = n + k
      Z[4 * k + 3] = (la < n ? 1 : Z[4 * (la - n) + 3]!) + (lb < n ? 1 : Z[4 * (lb - n) + 3]!)
    }
    return { Z, n }
  }
}

/**
 * Leaf order of the dendrogram, left branch first (scipy.cluster.hierarchy.leaves_list).
 * `scratch` (≥ n) is the depth-first stack; pass one to allocate nothing.
 */
export function leafOrder(tree: WardTree, out: Int32Array = new Int32Array(tree.n), scratch: Int32Array = new Int32Array(tree.n)): Int32Array {
  const { Z, n } = tree
  if (n === 1) {
    out[0] = 0
    return out
  }
  // The stack never holds more than n ids: each pop of a merge pushes two, and there are n − 1 merges.
  const stack = scratch
  let top = 0
  stack[top++] = 2 * n - 2
  let k = 0
  while (top > 0) {
    const id = stack[--top]!
    if (id < n) out[k++] = id
    else {
      stack[top++] = Z[4 * (id - n) + 1]!
      stack[top++] = Z[4 * (id - n)]!
    }
  }
  return out
}

/**
 * Cuts the tree into at most k clusters (scipy fcluster criterion 'maxclust': undo the top
 * k − 1 merges), labelled 0, 1, … in the order they first appear along the leaf order, so the
 * heatmap's blocks read top to bottom. `scratch` (≥ 4n) holds each node's cluster root and the
 * roots' names; pass one to allocate nothing.
 */
export function cutTree(tree: WardTree, k: number, order: Int32Array, out: Int32Array = new Int32Array(tree.n), scratch: Int32Array = new Int32Array(4 * tree.n)): Int32Array {
  const { Z, n } = tree
  if (n === 1) {
    out[0] = 0
    return out
  }
  // scratch[id]: the cluster root of node id; scratch[2n + root]: the root's name.
  const root = scratch
  const names = 2 * n
  // Merges n + keep … 2n − 2 are undone. Top down, a node under an undone merge roots its own
  // cluster, any other node shares its parent's root.
  const keep = Math.max(0, n - Math.max(1, k))
  root[2 * n - 2] = keep === n - 1 ? 2 * n - 2 : -1
  for (let id = 2 * n - 2; id >= n; id--) {
    const m = id - n
    const cut = m >= keep
    const left = Z[4 * m]!
    const right = Z[4 * m + 1]!
    root[left] = cut ? left : root[id]!
    root[right] = cut ? right : root[id]!
  }
  scratch.fill(-1, names, names + 2 * n)
  let count = 0
  for (let r = 0; r < n; r++) {
    const leaf = order[r]!
    const cluster = names + root[leaf]!
    if (scratch[cluster] === -1) scratch[cluster] = count++
    out[leaf] = scratch[cluster]!
  }
  return out
}
