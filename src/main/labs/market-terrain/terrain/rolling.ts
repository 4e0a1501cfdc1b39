import { multiplyPanel } from './panel'

// Rolling correlation over the last W bars, updated incrementally: each bar adds the new
// return vector's outer product to the running sums and subtracts the one leaving the window,
// O(n²) per bar instead of O(W·n²). Sums are of returns minus a fixed per-asset centre (the
// first bar's returns), which keeps the cancellation error of Σx² − (Σx)²/W small.
// Shrinkage (Ledoit & Wolf 2004, constant-correlation target): C_s = (1 − δ)·C + δ·F, where F
// has the mean off-diagonal correlation everywhere off the diagonal; δ is a parameter.
//
// A window shorter than about n/2 bars has a correlation of rank < W, and the PCA needs C_s only
// through products C_s·Q with a thin panel Q: RollingWindow keeps the window's returns (and
// their transpose) and applies C_s from them, 2·W·n per vector instead of n² (see
// multiplyShrunk). RollingCorrelation adds the n² cross sums for the explicit matrix.

/** The last W bars of n assets' returns, with per-asset sums: enough to apply the window's correlation to vectors. */
export class RollingWindow {
  /** Centred returns, a row per bar (ring order), and the same transposed: a row per asset. */
  protected readonly ring: Float64Array
  protected readonly ringT: Float64Array
  protected readonly sum: Float64Array
  protected readonly squares: Float64Array
  protected readonly centre: Float64Array
  /** Scratch: the incoming bar's centred returns, 1/(√w·σ_i) per asset, and multiplyShrunk's panels. */
  protected readonly incoming: Float64Array
  protected readonly scale: Float64Array
  private panel: { scaled: Float64Array; bars: Float64Array; back: Float64Array; sums: Float64Array } | undefined
  protected count = 0
  private head = 0

  constructor(
    readonly n: number,
    readonly window: number
  ) {
    this.ring = new Float64Array(window * n)
    this.ringT = new Float64Array(window * n)
    this.sum = new Float64Array(n)
    this.squares = new Float64Array(n)
    this.centre = new Float64Array(n)
    this.incoming = new Float64Array(n)
    this.scale = new Float64Array(n)
  }

  /** Bars in the window so far (≤ window). */
  get size(): number {
    return this.count
  }

  get full(): boolean {
    return this.count === this.window
  }

  /** Adds one bar's returns (n values at `offset` of `row`), dropping the oldest once the window is full. */
  push(row: ArrayLike<number>, offset = 0): void {
    const { n, window, ring, ringT, sum, squares, centre, incoming } = this
    if (this.count === 0 && this.head === 0) for (let i = 0; i < n; i++) centre[i] = row[offset + i]!
    const slot = this.head * n
    for (let i = 0; i < n; i++) incoming[i] = row[offset + i]! - centre[i]!
    const full = this.count === this.window
    if (!full) this.count++
    this.accumulate(slot, full)
    for (let i = 0; i < n; i++) {
      const xi = incoming[i]!
      const yi = full ? ring[slot + i]! : 0
      sum[i] = sum[i]! + xi - yi
      squares[i] = squares[i]! + xi * xi - yi * yi
      ringT[i * window + this.head] = xi
    }
    ring.set(incoming, slot)
    this.head = (this.head + 1) % window
  }

  /** Hook for RollingCorrelation: update pair sums from `incoming` and, when full, the ring row at slot that leaves. */
  protected accumulate(_slot: number, _full: boolean): void {}

  /** σ_i of each asset's returns in the window into sd, and 1/(√w·σ_i) (0 for a constant asset) into this.scale. */
  protected deviations(sd: Float64Array): void {
    const { n, sum, squares, scale } = this
    const w = this.count
    const root = 1 / Math.sqrt(w)
    for (let i = 0; i < n; i++) {
      const v = (squares[i]! - (sum[i]! * sum[i]!) / w) / w
      sd[i] = v > 1e-300 ? Math.sqrt(v) : 0
      scale[i] = sd[i]! > 0 ? root / sd[i]! : 0
    }
  }

  /**
   * Y = C_s·Q without forming C_s (n × m panels, row-major, a row per asset): with Z the window's
   * standardised returns (W × n, so that C = ZᵀZ off the diagonal),
   *   C_s·Q = (1 − δ)·Zᵀ(Z·Q) + δρ̄·1(1ᵀQ) + δ(1 − ρ̄)·Q (+ (1 − δ)·Q_i for a constant asset i, whose
   * diagonal is 1 although its column of Z is 0). Z is never built: Z·Q = X·(S·Q) − 1·(x̄ᵀS·Q)
   * with X the centred ring and S = diag(1/(√W·σ)). Equal to the explicit product to rounding
   * (the explicit matrix also clamps |ρ| ≤ 1, which only rounding can breach). `mean` is ρ̄ of
   * the last correlation() call, or of meanCorrelation() (each also sets the σ this reads).
   * The window must be full.
   */
  multiplyShrunk(Q: Float64Array, m: number, shrinkage: number, mean: number, Y: Float64Array): void {
    const { n, ring, ringT, sum, scale, window } = this
    if (!this.full) throw new Error(`multiplyShrunk needs a full window (${this.count} of ${window} bars)`)
    const w = window
    if (this.panel?.scaled.length !== n * m) this.panel = { scaled: new Float64Array(n * m), bars: new Float64Array(w * m), back: new Float64Array(n * m), sums: new Float64Array(3 * m) }
    const { scaled, bars, back, sums } = this.panel
    sums.fill(0)
    const centring = sums.subarray(0, m)
    const columnT = sums.subarray(m, 2 * m)
    const columnQ = sums.subarray(2 * m)
    // S·Q and its centring term c = x̄ᵀ·S·Q.
    for (let i = 0; i < n; i++) {
      const s = scale[i]!
      const xbar = sum[i]! / w
      for (let v = 0; v < m; v++) {
        const q = Q[i * m + v]! * s
        scaled[i * m + v] = q
        centring[v] = centring[v]! + xbar * q
      }
    }
    // Z·Q, a row per bar in ring order (the order of the bars does not change ZᵀZ).
    multiplyPanel(ring, w, n, scaled, m, bars)
    for (let t = 0; t < w; t++) for (let v = 0; v < m; v++) bars[t * m + v] = bars[t * m + v]! - centring[v]!
    // Zᵀ·(Z·Q) = S·(Xᵀ·T − x̄·(1ᵀT)); 1ᵀT is 0 up to rounding, kept so the centring is exact.
    multiplyPanel(ringT, n, w, bars, m, back)
    for (let t = 0; t < w; t++) for (let v = 0; v < m; v++) columnT[v] = columnT[v]! + bars[t * m + v]!
    for (let i = 0; i < n; i++) for (let v = 0; v < m; v++) columnQ[v] = columnQ[v]! + Q[i * m + v]!
    const keep = 1 - shrinkage
    const pull = shrinkage * mean
    const ridge = shrinkage * (1 - mean)
    for (let i = 0; i < n; i++) {
      const s = scale[i]!
      const xbar = sum[i]! / w
      const diagonal = s > 0 ? ridge : ridge + keep
      for (let v = 0; v < m; v++) {
        const o = i * m + v
        Y[o] = keep * s * (back[o]! - xbar * columnT[v]!) + pull * columnQ[v]! + diagonal * Q[o]!
      }
    }
  }

  /**
   * The window's standardised returns Zᵀ into out (n × W, a row per asset, bars in ring order):
   * (x − x̄)/(√W·σ), so that ZᵀZ is the correlation off the diagonal; a constant asset's row is 0.
   * Reads the σ of the last correlation() or meanCorrelation() call. The window must be full.
   */
  standardized(out: Float64Array): void {
    const { n, ringT, sum, scale, window } = this
    if (!this.full) throw new Error(`standardized needs a full window (${this.count} of ${window} bars)`)
    for (let i = 0; i < n; i++) {
      const xbar = sum[i]! / window
      const s = scale[i]!
      const row = i * window
      for (let t = 0; t < window; t++) out[row + t] = (ringT[row + t]! - xbar) * s
    }
  }

  /**
   * The mean off-diagonal correlation of the window, ρ̄ = (‖Z·1‖² − Σ_i ‖z_i‖²) / (n(n − 1)), in
   * O(W·n) from the returns; fills sd (σ per asset) on the way. ‖z_i‖² is 1 for an asset that
   * moved and 0 for a constant one.
   */
  meanCorrelation(sd: Float64Array = new Float64Array(this.n)): number {
    const { n, ring, sum, scale } = this
    const w = this.count
    this.deviations(sd)
    let centring = 0
    let moving = 0
    for (let i = 0; i < n; i++) {
      centring += (sum[i]! / w) * scale[i]!
      if (scale[i]! > 0) moving++
    }
    let total = 0
    for (let t = 0; t < w; t++) {
      let z = -centring
      const row = t * n
      for (let i = 0; i < n; i++) z += ring[row + i]! * scale[i]!
      total += z * z
    }
    const pairs = (n * (n - 1)) / 2
    return pairs > 0 ? (total - moving) / 2 / pairs : 0
  }
}

export class RollingCorrelation extends RollingWindow {
  /** Upper triangle (i < j) of Σ x_i·x_j, stored full-size for simple indexing. */
  private readonly cross: Float64Array

  constructor(n: number, window: number) {
    super(n, window)
    this.cross = new Float64Array(n * n)
  }

  /**
   * One pass over the upper triangle: add the new bar's outer product and, once full, subtract the
   * leaving bar's. Two rows at a time, so each incoming and leaving x_j is loaded once for both;
   * every entry gets the same operations in the same order as a row-at-a-time pass (bit-identical).
   */
  protected override accumulate(slot: number, full: boolean): void {
    const { n, ring, cross, incoming } = this
    let i = 0
    for (; i + 1 < n; i += 2) {
      const xa = incoming[i]!
      const xb = incoming[i + 1]!
      const a = i * n
      const b = a + n
      if (full) {
        const ya = ring[slot + i]!
        const yb = ring[slot + i + 1]!
        cross[a + i + 1] = cross[a + i + 1]! + xa * xb - ya * yb
        for (let j = i + 2; j < n; j++) {
          const xj = incoming[j]!
          const yj = ring[slot + j]!
          cross[a + j] = cross[a + j]! + xa * xj - ya * yj
          cross[b + j] = cross[b + j]! + xb * xj - yb * yj
        }
      } else {
        cross[a + i + 1] = cross[a + i + 1]! + xa * xb
        for (let j = i + 2; j < n; j++) {
          const xj = incoming[j]!
          cross[a + j] = cross[a + j]! + xa * xj
          cross[b + j] = cross[b + j]! + xb * xj
        }
      }
    }
    // An odd n leaves row n − 1, which has no entry right of the diagonal.
  }

  /**
   * The window's Pearson correlation, shrunk by δ towards the constant-correlation target, into
   * out (n × n, row-major, symmetric). An asset with no variance in the window is uncorrelated
   * with the rest (ρ = 0, diagonal 1). Returns the mean off-diagonal correlation before shrinkage.
   */
  correlation(out: Float64Array, shrinkage: number, sd: Float64Array = new Float64Array(this.n), distances?: Float64Array): number {
    const { n, sum, cross, scale } = this
    const w = this.count
    // ρ_ij = (Σx_i·x_j − Σx_i·Σx_j/w) / (w·σ_i·σ_j), with 1/(w·σ_i·σ_j) as a product of per-asset factors.
    this.deviations(sd)
    let total = 0
    for (let i = 0; i < n; i++) {
      out[i * n + i] = 1
      const base = i * n
      const si = sum[i]! / w
      const ui = scale[i]!
      for (let j = i + 1; j < n; j++) {
        let r = (cross[base + j]! - si * sum[j]!) * ui * scale[j]!
        r = r > 1 ? 1 : r < -1 ? -1 : r
        out[base + j] = r
        total += r
      }
    }
    const pairs = (n * (n - 1)) / 2
    const mean = pairs > 0 ? total / pairs : 0
    shrinkSymmetric(out, n, 1 - shrinkage, shrinkage * mean, distances)
    return mean
  }
}

/**
 * a_ij ← keep·a_ij + pull on the upper triangle of a row-major n × n matrix, copied onto the
 * lower: one pass, in 32 × 32 tiles so the column writes stay in cache. With `d2`, the same pass
 * also writes Ward's squared distances max(0, 2(1 − a_ij)) (WardClusterer.fromDistances), which
 * spares the clustering its own pass over the matrix.
 */
function shrinkSymmetric(a: Float64Array, n: number, keep: number, pull: number, d2?: Float64Array): void {
  const T = 32
  if (d2) for (let i = 0; i < n; i++) d2[i * n + i] = Math.max(0, 2 * (1 - a[i * n + i]!))
  for (let bi = 0; bi < n; bi += T) {
    const iEnd = Math.min(n, bi + T)
    for (let bj = bi; bj < n; bj += T) {
      const jEnd = Math.min(n, bj + T)
      for (let i = bi; i < iEnd; i++) {
        const base = i * n
        if (d2) {
          for (let j = Math.max(bj, i + 1); j < jEnd; j++) {
            const r = keep * a[base + j]! + pull
            a[base + j] = r
            a[j * n + i] = r
            const d = Math.max(0, 2 * (1 - r))
            d2[base + j] = d
            d2[j * n + i] = d
          }
        } else {
          for (let j = Math.max(bj, i + 1); j < jEnd; j++) {
            const r = keep * a[base + j]! + pull
            a[base + j] = r
            a[j * n + i] = r
          }
        }
      }
    }
  }
}
