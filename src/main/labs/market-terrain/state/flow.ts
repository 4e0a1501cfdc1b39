// The Flow Predictor and the One-Way map (seed L298, L370, L647–745; spec §1.1, §1.5, §8).
//
// Conductance of edge (i, j) = |ρ_ij| · h_ij · min(l_i, l_j):
//  - |ρ|, not ρ: the seed's exits under stress run along negative edges too ("when tech crashes,
//    where does that energy go? Bonds?", L824), so the magnitude of the coupling is the channel;
//    `sign: 'positive'` keeps only positive edges for a caller who wants co-movement channels.
//  - h_ij: edge hardness as given (N × N), or sqrt(h_i·h_j) from node hardness (N): a channel is
//    as settled as both its ends, and the geometric mean is zero when either end is.
//  - min(l_i, l_j): a flow needs depth on both sides; the thinner side is the bottleneck.
//
// Flow model: electrical flow (Doyle & Snell 1984). A unit of capital is injected at the
// stressed node; every other node j can hold capital through a conductance g_j = γ·l_j·a_j to
// "ground" (its capacity to absorb, scaled by an optional attractiveness a_j such as a low-risk /
// strengthening-momentum score, L298). Potentials solve (L + diag(g)) v = e_s with the source's
// own grounding removed (a forced break: the stressed node cannot keep the money). Why this model
// and not a one-step random walk: the current is the expected net flow of the absorbing random
// walk on the same conductances, it spreads over multi-hop paths, and it conserves capital exactly
// (Σ_j absorbed_j = 1, the seed's "sedimentation / conservation", spec §1.1) — a property the
// tests check.

export interface ConductanceInput {
  /** N × N correlation, row-major. */
  corr: Float64Array
  /** N × N edge hardness or N node hardness, each ≥ 0. */
  hardness: Float64Array
  /** N liquidity values ≥ 0 (e.g. ADV in common units). */
  liquidity: Float64Array
  sign?: 'absolute' | 'positive'
}

function sizeOf(corr: Float64Array): number {
  const N = Math.round(Math.sqrt(corr.length))
  if (N * N !== corr.length || N < 2) throw new RangeError(`corr must be N × N with N ≥ 2 (got ${corr.length} values)`)
  return N
}

/** N × N conductances, zero diagonal. */
export function conductance(input: ConductanceInput): Float64Array {
  const { corr, hardness, liquidity } = input
  const N = sizeOf(corr)
  if (liquidity.length !== N) throw new RangeError(`liquidity has ${liquidity.length} values, expected N = ${N}`)
  const edgeHardness = hardness.length === N * N
  if (!edgeHardness && hardness.length !== N) throw new RangeError(`hardness must have N = ${N} or N × N = ${N * N} values (got ${hardness.length})`)
  for (let i = 0; i < N; i++) {
    if (!(liquidity[i]! >= 0)) throw new RangeError(`liquidity[${i}] must be ≥ 0 (got ${liquidity[i]})`)
  }
  for (let i = 0; i < hardness.length; i++) if (!(hardness[i]! >= 0)) throw new RangeError(`hardness[${i}] must be ≥ 0 (got ${hardness[i]})`)
  const G = new Float64Array(N * N)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j) continue
      const r = corr[i * N + j]!
      if (!(r >= -1 && r <= 1)) throw new RangeError(`corr[${i}][${j}] must be in [−1, 1] (got ${r})`)
      if (r !== corr[j * N + i]) throw new RangeError(`corr must be symmetric (corr[${i}][${j}] = ${r}, corr[${j}][${i}] = ${corr[j * N + i]})`)
      const w = input.sign === 'positive' ? Math.max(r, 0) : Math.abs(r)
      const h = edgeHardness ? hardness[i * N + j]! : Math.sqrt(hardness[i]! * hardness[j]!)
      G[i * N + j] = w * h * Math.min(liquidity[i]!, liquidity[j]!)
    }
  }
  return G
}

/** Lower Cholesky factor of a symmetric positive definite N × N matrix, in place of a copy. */
function cholesky(a: Float64Array, N: number): Float64Array {
  const L = new Float64Array(N * N)
  for (let j = 0; j < N; j++) {
    let d = a[j * N + j]!
    for (let p = 0; p < j; p++) d -= L[j * N + p]! ** 2
    if (!(d > 0)) throw new RangeError(`flow system is singular at node ${j}: every group of connected assets needs some grounding (γ·liquidity > 0)`)
    const ljj = Math.sqrt(d)
    L[j * N + j] = ljj
    for (let i = j + 1; i < N; i++) {
      let s = a[i * N + j]!
      for (let p = 0; p < j; p++) s -= L[i * N + p]! * L[j * N + p]!
      L[i * N + j] = s / ljj
    }
  }
  return L
}

/** Solves L Lᵀ x = b. */
function cholSolve(L: Float64Array, N: number, b: Float64Array): Float64Array {
  const y = new Float64Array(N)
  for (let i = 0; i < N; i++) {
    let s = b[i]!
    for (let p = 0; p < i; p++) s -= L[i * N + p]! * y[p]!
    y[i] = s / L[i * N + i]!
  }
  const x = new Float64Array(N)
  for (let i = N - 1; i >= 0; i--) {
    let s = y[i]!
    for (let p = i + 1; p < N; p++) s -= L[p * N + i]! * x[p]!
    x[i] = s / L[i * N + i]!
  }
  return x
}

/** L + diag(g), with L the graph Laplacian of G. */
function groundedLaplacian(G: Float64Array, N: number, g: Float64Array): Float64Array {
  const M = new Float64Array(N * N)
  for (let i = 0; i < N; i++) {
    let deg = 0
    for (let j = 0; j < N; j++) {
      if (j === i) continue
      M[i * N + j] = -G[i * N + j]!
      deg += G[i * N + j]!
    }
    M[i * N + i] = deg + g[i]!
  }
  return M
}

/** g_j = γ · liquidity_j · attractiveness_j. */
export function grounding(liquidity: Float64Array, gamma: number, attractiveness?: Float64Array): Float64Array {
  if (!(gamma > 0) || !Number.isFinite(gamma)) throw new RangeError(`gamma must be a finite number > 0 (got ${gamma})`)
  if (attractiveness && attractiveness.length !== liquidity.length) throw new RangeError(`attractiveness has ${attractiveness.length} values, expected N = ${liquidity.length}`)
  return liquidity.map((l, j) => {
    const a = attractiveness ? attractiveness[j]! : 1
    if (!(a >= 0)) throw new RangeError(`attractiveness[${j}] must be ≥ 0 (got ${a})`)
    return gamma * l * a
  })
}

export interface StressFlow {
  source: number
  /** Node potentials. */
  potential: Float64Array
  /** Capital absorbed at each node (0 at the source); sums to 1. */
  absorbed: Float64Array
  /** Current on each edge out of the source, G_sj (v_s − v_j); sums to 1. */
  edgeOut: Float64Array
}

/** Predicted flow of one unit of capital out of a stressed node `source`. */
export function stressFlow(G: Float64Array, g: Float64Array, source: number): StressFlow {
  const N = sizeOf(G)
  if (g.length !== N) throw new RangeError(`grounding has ${g.length} values, expected N = ${N}`)
  if (!Number.isInteger(source) || source < 0 || source >= N) throw new RangeError(`source must be a node index in 0…${N - 1} (got ${source})`)
  const gs = Float64Array.from(g)
  gs[source] = 0
  const e = new Float64Array(N)
  e[source] = 1
  const v = cholSolve(cholesky(groundedLaplacian(G, N, gs), N), N, e)
  const absorbed = gs.map((gj, j) => gj * v[j]!)
  const edgeOut = new Float64Array(N)
  for (let j = 0; j < N; j++) if (j !== source) edgeOut[j] = G[source * N + j]! * (v[source]! - v[j]!)
  return { source, potential: v, absorbed, edgeOut }
}

export interface OneWayMap {
  /** For each asset under a forced break, the node absorbing the largest share (−1 when isolated). */
  exit: Int32Array
  /** That share of the asset's outflow. */
  share: Float64Array
  /** The asset's single highest-conductance edge (−1 when isolated). */
  edgeExit: Int32Array
  /** N × N: row s = the share absorbed at each node when s breaks (0 on the diagonal). */
  shares: Float64Array
}

/**
 * The One-Way map for every asset at once. With M = L + diag(g), removing the source's own
 * grounding is a rank-one change, and by Sherman–Morrison its solution for e_s is M⁻¹e_s scaled by
 * 1 / (1 − g_s (M⁻¹)_ss): the shares among the other nodes are those of M⁻¹'s column s. So one
 * factorisation serves all N sources (O(N³) instead of N solves of O(N³)).
 */
export function oneWayMap(G: Float64Array, g: Float64Array): OneWayMap {
  const N = sizeOf(G)
  if (g.length !== N) throw new RangeError(`grounding has ${g.length} values, expected N = ${N}`)
  const exit = new Int32Array(N).fill(-1)
  const edgeExit = new Int32Array(N).fill(-1)
  const share = new Float64Array(N)
  const shares = new Float64Array(N * N)
  // Isolated nodes (no edge) get a tiny self-grounding so M stays definite; they report no exit.
  const gg = Float64Array.from(g)
  const isolated = new Uint8Array(N)
  for (let s = 0; s < N; s++) {
    let deg = 0
    let best = -1
    for (let j = 0; j < N; j++) {
      if (j === s) continue
      const w = G[s * N + j]!
      deg += w
      if (w > 0 && (best < 0 || w > G[s * N + best]!)) best = j
    }
    edgeExit[s] = best
    if (deg === 0) {
      isolated[s] = 1
      if (!(gg[s]! > 0)) gg[s] = 1
    }
  }
  const L = cholesky(groundedLaplacian(G, N, gg), N)
  const e = new Float64Array(N)
  for (let s = 0; s < N; s++) {
    if (isolated[s]) continue
    e.fill(0)
    e[s] = 1
    const col = cholSolve(L, N, e)
    let total = 0
    for (let j = 0; j < N; j++) if (j !== s) total += gg[j]! * col[j]!
    if (!(total > 0)) continue // the source's component has no grounding elsewhere
    for (let j = 0; j < N; j++) {
      if (j === s) continue
      const sh = (gg[j]! * col[j]!) / total
      shares[s * N + j] = sh
      if (exit[s]! < 0 || sh > share[s]!) [exit[s], share[s]] = [j, sh]
    }
  }
  return { exit, share, edgeExit, shares }
}
