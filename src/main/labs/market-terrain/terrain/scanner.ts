import { type ActivePairs, ActiveAlertRecord } from './active-alerts'
import { LeadingEigen } from './eigen'
import type { TerrainParams } from './params'
import { invertSpd, linkComponents, partialCorrelation, ShrunkInverse } from './precision'
import { RollingCorrelation, RollingWindow } from './rolling'
import { WardClusterer, cutTree, leafOrder, type WardTree } from './ward'

// The Terrain Scanner (spec §1.1, §8; seed L274–277): per bar, both rolling correlation windows,
// PCA of each, hardness, watersheds and fault lines. Pure and allocation-free per bar: one
// scanner per run, fed bar by bar. Definitions ([proposal] where the seed gives only words):
//   eigen hardness  ‖V_sᵀ·V_l‖_F²/m: the mean squared cosine of the principal angles between the
//                   leading m-dim eigen-subspaces of the two windows (L277: "eigenvector
//                   stability"). Per-vector |cos| is also kept for PC1, but alone it reads two
//                   equally strong blocks (equal eigenvalues, vectors free to rotate) as soft.
//   edge hardness   h_ij = 1/(1 + σ_ij/scale), σ_ij the EWMA σ of ρ_ij(short) (L198: "variance of
//                   correlation persistence"); node hardness = mean of its edges' (L213); NaN
//                   until hardness_min_history bars of history
//   fault line      |ρ_ij(t) − m_ij(t−1)| > k·σ_ij(t−1): a move from the pair's own norm (L1107),
//                   logged when a pair enters the alert state
//   absorption      Σ_{k<K} λ_k / n (Kritzman et al. 2011, with K fixed instead of n/5)
//   effective rank  participation ratio (Σλ)²/Σλ² = n²/‖C‖_F², exact without the full spectrum

export interface FaultAlert {
  bar: number
  i: number
  j: number
  /** Correlation now, the pair's EWMA norm before this bar, and the move in σ. */
  rho: number
  norm: number
  z: number
}

/** The scanner's readings at the last bar it stepped (overwritten by the next step). */
export interface BarTerrain {
  /** Whether the short window is full (nothing else is defined before). */
  ready: boolean
  eigenHardness: number
  /** |cos| between PC1 of the short and of the long window. */
  pc1Stability: number
  edgeHardness: number
  absorption: number
  effectiveRank: number
  meanCorrelation: number
  /** Pairs in the alert state at this bar, and how many entered it at this bar. */
  alertsActive: number
  alertsNew: number
  /** The short window's shrunk correlation (n × n), its leading eigenvalues and eigenvectors. */
  readonly correlation: Float64Array
  readonly eigenvalues: Float64Array
  readonly eigenvectors: Float64Array
  readonly nodeHardness: Float64Array
  /** Pairs in the alert state per asset. */
  readonly nodeAlerts: Int32Array
  /** Per-asset σ of returns per bar over the short window. */
  readonly volatility: Float64Array
  /** Ward watershed per asset (0 … k−1 in leaf order) and the leaf order itself. */
  readonly cluster: Int32Array
  readonly order: Int32Array
  /** Precision watershed per asset (recomputed every precision_every bars, carried between). */
  readonly precisionCluster: Int32Array
}

/**
 * How a window's PCA gets its products C_s·Q: from the explicit n × n matrix (n²·m per bar) or
 * from the window's returns (2·W·n·m, RollingWindow.multiplyShrunk). Same numbers to rounding.
 */
export type PcaProducts = 'matrix' | 'returns'

export interface ScannerOptions {
  /** Per window; by default the cheaper for this n and W (returns once W is well under n). */
  products?: { short?: PcaProducts; long?: PcaProducts }
  /** The precision matrix by Cholesky of the short window's matrix or by Woodbury from its returns (by default the cheaper). */
  precision?: PcaProducts
  /** Keep the pairs in the alert state bar by bar (activePairs), up to this many pair-bars; 0 or absent: not kept. */
  activeLimit?: number
}

/**
 * The cheaper product for a window of W bars over n assets and m vectors. The short window's
 * matrix is built anyway (edges, Ward, the heatmap): returns win when 2·W·m < n·m. The long
 * window's matrix exists only for its PCA, so returns also save its n² pair sums and matrix,
 * worth about two products' columns: returns win when 2·W·m < n·(m + 2).
 */
export function cheaperProducts(n: number, window: number, m: number, matrixNeeded: boolean): PcaProducts {
  return 2 * window * m < n * (matrixNeeded ? m : m + 2) ? 'returns' : 'matrix'
}

export class TerrainScanner {
  private readonly short: RollingCorrelation
  private readonly long: RollingWindow
  /** The long window again when its PCA reads the matrix (undefined otherwise). */
  private readonly longMatrix: RollingCorrelation | undefined
  /** The long window's matrix, only when its PCA reads it (empty otherwise). */
  private readonly longCorrelation: Float64Array
  private readonly longVolatility: Float64Array
  private readonly pcaShort: LeadingEigen
  private readonly pcaLong: LeadingEigen
  /** The PCA products from the windows' returns (undefined: from the matrix). */
  private readonly shortProduct: ((Q: Float64Array, Y: Float64Array) => void) | undefined
  private readonly longProduct: ((Q: Float64Array, Y: Float64Array) => void) | undefined
  private shortMean = 0
  private longMean = 0
  /** Which product each window's PCA uses, and how the precision matrix is inverted (see ScannerOptions). */
  readonly products: { short: PcaProducts; long: PcaProducts; precision: PcaProducts }
  private readonly woodbury: ShrunkInverse
  private readonly standardized: Float64Array
  private readonly ward: WardClusterer
  private tree: WardTree | undefined
  private readonly treeScratch: Int32Array
  private readonly mean: Float64Array
  private readonly variance: Float64Array
  /** √variance, kept so each pair takes one square root a bar. */
  private readonly sigma: Float64Array
  private readonly alerting: Uint8Array
  private readonly theta: Float64Array
  private readonly work: Float64Array
  private history = 0
  private bar = -1
  private readonly decay: number
  readonly reading: BarTerrain
  /** Alerts as they entered the alert state, up to alert_log_limit. */
  readonly alertLog: FaultAlert[] = []
  alertTotal = 0
  /** The alert state per bar (ScannerOptions.activeLimit), and the bar each active pair entered it. */
  private readonly active: ActiveAlertRecord | undefined
  private readonly enteredAt: Int32Array
  /** Whether edge hardness is read (hardness_min_history bars of history). */
  private hard = false

  constructor(
    readonly n: number,
    readonly params: TerrainParams,
    options: ScannerOptions = {}
  ) {
    const k = Math.min(n, params.pca_components)
    this.pcaShort = new LeadingEigen(n, k)
    this.pcaLong = new LeadingEigen(n, k)
    const m = this.pcaShort.m
    this.woodbury = new ShrunkInverse(n, params.short_window)
    this.products = {
      short: options.products?.short ?? cheaperProducts(n, params.short_window, m, true),
      long: options.products?.long ?? cheaperProducts(n, params.long_window, m, false),
      precision: options.precision ?? (this.woodbury.worthwhile ? 'returns' : 'matrix')
    }
    this.standardized = new Float64Array(this.products.precision === 'returns' ? n * params.short_window : 0)
    const short = (this.short = new RollingCorrelation(n, params.short_window))
    const matrixLong = this.products.long === 'matrix'
    this.longMatrix = matrixLong ? new RollingCorrelation(n, params.long_window) : undefined
    const long = (this.long = this.longMatrix ?? new RollingWindow(n, params.long_window))
    this.longCorrelation = new Float64Array(matrixLong ? n * n : 0)
    this.longVolatility = new Float64Array(n)
    this.shortProduct = this.products.short === 'returns' ? (Q, Y) => short.multiplyShrunk(Q, m, params.shrinkage, this.shortMean, Y) : undefined
    this.longProduct = matrixLong ? undefined : (Q, Y) => long.multiplyShrunk(Q, m, params.shrinkage, this.longMean, Y)
    this.ward = new WardClusterer(n)
    this.treeScratch = new Int32Array(4 * n)
    this.mean = new Float64Array(n * n)
    this.variance = new Float64Array(n * n)
    this.sigma = new Float64Array(n * n)
    this.alerting = new Uint8Array(n * n)
    this.theta = new Float64Array(n * n)
    this.work = new Float64Array(n * n)
    this.decay = 2 ** (-1 / params.fault_history_half_life)
    const keep = options.activeLimit ?? 0
    this.active = keep > 0 ? new ActiveAlertRecord(keep) : undefined
    this.enteredAt = new Int32Array(this.active ? n * n : 0)
    this.reading = {
      ready: false,
      eigenHardness: Number.NaN,
      pc1Stability: Number.NaN,
      edgeHardness: Number.NaN,
      absorption: Number.NaN,
      effectiveRank: Number.NaN,
      meanCorrelation: Number.NaN,
      alertsActive: 0,
      alertsNew: 0,
      correlation: new Float64Array(n * n),
      eigenvalues: this.pcaShort.values,
      eigenvectors: this.pcaShort.vectors,
      nodeHardness: new Float64Array(n).fill(Number.NaN),
      nodeAlerts: new Int32Array(n),
      volatility: new Float64Array(n),
      cluster: new Int32Array(n),
      order: Int32Array.from({ length: n }, (_, i) => i),
      precisionCluster: new Int32Array(n)
    }
  }

  /** Reads one bar's returns (n values at offset) and updates every reading. */
  step(returns: ArrayLike<number>, offset = 0): BarTerrain {
    const { n, params, reading } = this
    this.bar++
    this.short.push(returns, offset)
    this.long.push(returns, offset)
    if (!this.short.full) return reading
    reading.ready = true
    const C = reading.correlation
    // Ward's squared distances are written in the same pass as the shrunk matrix.
    reading.meanCorrelation = this.shortMean = this.short.correlation(C, params.shrinkage, reading.volatility, this.ward.distances)
    if (this.shortProduct) this.pcaShort.solveProduct(this.shortProduct, params.pca_iterations)
    else this.pcaShort.solve(C, params.pca_iterations)
    let absorbed = 0
    for (let k = 0; k < Math.min(params.absorption_components, this.pcaShort.k); k++) absorbed += this.pcaShort.values[k]!
    reading.absorption = absorbed / n

    if (this.long.full) {
      if (this.longMatrix) {
        this.longMatrix.correlation(this.longCorrelation, params.shrinkage, this.longVolatility)
        this.pcaLong.solve(this.longCorrelation, params.pca_iterations)
      } else if (this.longProduct) {
        this.longMean = this.long.meanCorrelation(this.longVolatility)
        this.pcaLong.solveProduct(this.longProduct, params.pca_iterations)
      }
      const m = Math.min(params.hardness_components, this.pcaShort.k)
      const vs = this.pcaShort.vectors
      const vl = this.pcaLong.vectors
      let overlap = 0
      for (let a = 0; a < m; a++) {
        for (let b = 0; b < m; b++) {
          let dot = 0
          for (let i = 0; i < n; i++) dot += vs[a * n + i]! * vl[b * n + i]!
          overlap += dot * dot
          if (a === 0 && b === 0) reading.pc1Stability = Math.abs(dot)
        }
      }
      reading.eigenHardness = overlap / m
    }

    reading.effectiveRank = (n * n) / this.edges(C)
    this.tree = this.ward.fromDistances(this.tree)
    leafOrder(this.tree, reading.order, this.treeScratch)
    cutTree(this.tree, params.watersheds, reading.order, reading.cluster, this.treeScratch)
    if ((this.history - 1) % params.precision_every === 0) {
      let inverted = false
      if (this.products.precision === 'returns') {
        this.short.standardized(this.standardized)
        inverted = this.woodbury.invert(this.standardized, params.shrinkage, this.shortMean, this.theta)
      }
      if (!inverted) invertSpd(C, n, this.theta, this.work)
      partialCorrelation(this.theta, n, this.work)
      linkComponents(this.work, n, params.precision_threshold, reading.precisionCluster)
    }
    return reading
  }

  /**
   * The pairs in the alert state at bar t with their σ-distance and entry bar (views into a
   * run-long record: read, never write). Throws when the scanner was built without activeLimit.
   */
  activePairs(t: number): ActivePairs {
    if (!this.active) throw new Error('the scanner keeps no alert state per bar: build it with options.activeLimit')
    return this.active.at(t)
  }

  /** Whether bar t's active pairs are all kept (false from the bar the record's limit was reached on). */
  activeComplete(t: number): boolean {
    return this.active !== undefined && this.active.complete(t)
  }

  /** Pair-bars the active record holds. */
  get activeEntries(): number {
    return this.active?.entries ?? 0
  }

  /**
   * Per-edge hardness at the last bar stepped, h_ij = 1/(1 + σ_ij/scale) with σ_ij the pair's
   * EWMA σ of correlation including this bar, written for the upper triangle i < j in row order
   * (n(n−1)/2 values from offset); NaN before hardness_min_history or the short window.
   */
  edgeHardness(out: Float32Array | Float64Array, offset = 0): void {
    const { n, sigma } = this
    const inverseScale = 1 / this.params.edge_hardness_scale
    let k = offset
    for (let i = 0; i < n; i++) {
      const base = i * n
      for (let j = i + 1; j < n; j++) out[k++] = this.hard ? 1 / (1 + sigma[base + j]! * inverseScale) : Number.NaN
    }
  }

  /**
   * Edge statistics: fault-line alerts against each pair's own EWMA norm, then edge and node
   * hardness. One pass over the upper triangle; σ is kept beside the variance so each pair
   * takes one square root a bar. Returns Σ_ij ρ_ij² (the effective rank's ‖C‖_F²).
   */
  private edges(C: Float64Array): number {
    const { n, params, reading, mean, variance, sigma, alerting, decay } = this
    const first = this.history === 0
    this.history++
    const armed = this.history > params.fault_min_history
    const hard = (this.hard = this.history > params.hardness_min_history)
    const record = this.active
    const enteredAt = this.enteredAt
    record?.open(this.bar)
    // The first armed bar finds the pairs that already sit beyond k·σ: they are the alert state's
    // starting stock, not pairs entering it at this bar, so they are marked but not logged.
    const opening = this.history === params.fault_min_history + 1
    const limit = params.fault_sigma
    const nearLimit = limit * (1 - 1e-9)
    const inverseScale = 1 / params.edge_hardness_scale
    const a = 1 - decay
    // The EWMA variance starts at 0 and its weights sum to decay·(1 − decayʰ) after h updates, not
    // decay: read raw, σ is √(1 − decayʰ) of the pair's spread (0.40 at 60 bars of a 240-bar
    // half-life), so on the first armed bar most pairs sat "beyond 2σ" at once. Divided by the
    // weight mass (the start-up correction of an exponentially weighted moment), σ is the spread.
    const mass = first ? 1 : 1 - decay ** (this.history - 1)
    const unbias = 1 / mass
    let active = 0
    let fresh = 0
    let hardness = 0
    let squares = 0
    const node = reading.nodeHardness
    const nodeAlerts = reading.nodeAlerts
    node.fill(0)
    nodeAlerts.fill(0)
    for (let i = 0; i < n; i++) {
      const base = i * n
      let rowHardness = 0
      for (let j = i + 1; j < n; j++) {
        const idx = base + j
        const rho = C[idx]!
        squares += rho * rho
        let sd: number
        if (first) {
          mean[idx] = rho
          variance[idx] = 0
          sd = 0
        } else {
          const m = mean[idx]!
          const diff = rho - m
          const before = sigma[idx]!
          // |z| > k with z = (ρ − m)/σ: a division only for the few pairs near the limit.
          if (armed && before > 1e-9 && Math.abs(diff) > nearLimit * before) {
            const z = diff / before
            if (Math.abs(z) > limit) {
              active++
              nodeAlerts[i] = nodeAlerts[i]! + 1
              nodeAlerts[j] = nodeAlerts[j]! + 1
              if (alerting[idx] === 0) {
                if (record) enteredAt[idx] = this.bar
                if (!opening) {
                  fresh++
                  this.alertTotal++
                  if (this.alertLog.length < params.alert_log_limit) this.alertLog.push({ bar: this.bar, i, j, rho, norm: m, z })
                }
              }
              alerting[idx] = 1
              record?.push(i, j, z, enteredAt[idx]!)
            } else alerting[idx] = 0
          } else alerting[idx] = 0
          // West (1979) EWMA mean and variance.
          mean[idx] = m + a * diff
          const v = decay * (variance[idx]! + a * diff * diff)
          variance[idx] = v
          sd = Math.sqrt(v * unbias)
        }
        sigma[idx] = sd
        const h = 1 / (1 + sd * inverseScale)
        rowHardness += h
        node[j] = node[j]! + h
      }
      hardness += rowHardness
      node[i] = node[i]! + rowHardness
    }
    const pairs = (n * (n - 1)) / 2
    // Until a pair has hardness_min_history bars of history its σ is no measure of persistence: no
    // hardness yet (a first bar would read σ = 0, every edge perfectly hard).
    reading.edgeHardness = hard && pairs > 0 ? hardness / pairs : Number.NaN
    for (let i = 0; i < n; i++) node[i] = hard && n > 1 ? node[i]! / (n - 1) : Number.NaN
    reading.alertsActive = active
    reading.alertsNew = fresh
    return 2 * squares + n
  }
}
