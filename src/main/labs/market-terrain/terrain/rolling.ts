// Rolling correlation over the last W bars, updated incrementally: each bar adds the new
// return vector's outer product to the running sums and subtracts the one leaving the window,
// O(n²) per bar instead of O(W·n²). Sums are of returns minus a fixed per-asset centre (the
// first bar's returns), which keeps the cancellation error of Σx² − (Σx)²/W small.
// Shrinkage (Ledoit & Wolf 2004, constant-correlation target): C_s = (1 − δ)·C + δ·F, where F
// has the mean off-diagonal correlation everywhere off the diagonal; δ is a parameter.

export class RollingCorrelation {
  private readonly ring: Float64Array
  private readonly sum: Float64Array
  /** Upper triangle (i ≤ j) of Σ x_i·x_j, stored full-size for simple indexing. */
  private readonly cross: Float64Array
  private readonly centre: Float64Array
  /** Scratch: the incoming bar's centred returns, and 1/(√w·σ_i) per asset. */
  private readonly incoming: Float64Array
  private readonly scale: Float64Array
  private count = 0
  private head = 0

  constructor(
    readonly n: number,
    readonly window: number
  ) {
    this.ring = new Float64Array(window * n)
    this.sum = new Float64Array(n)
    this.cross = new Float64Array(n * n)
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
    const { n, ring, sum, cross, centre, incoming } = this
    if (this.count === 0 && this.head === 0) for (let i = 0; i < n; i++) centre[i] = row[offset + i]!
    const slot = this.head * n
    for (let i = 0; i < n; i++) incoming[i] = row[offset + i]! - centre[i]!
    if (this.count === this.window) {
      // One pass over the upper triangle: add the new bar's outer product, subtract the leaving bar's.
      for (let i = 0; i < n; i++) {
        const yi = ring[slot + i]!
        const xi = incoming[i]!
        sum[i] = sum[i]! + xi - yi
        const base = i * n
        for (let j = i; j < n; j++) cross[base + j] = cross[base + j]! + xi * incoming[j]! - yi * ring[slot + j]!
      }
    } else {
      this.count++
      for (let i = 0; i < n; i++) {
        const xi = incoming[i]!
        sum[i] = sum[i]! + xi
        const base = i * n
        for (let j = i; j < n; j++) cross[base + j] = cross[base + j]! + xi * incoming[j]!
      }
    }
    ring.set(incoming, slot)
    this.head = (this.head + 1) % this.window
  }

  /**
   * The window's Pearson correlation, shrunk by δ towards the constant-correlation target, into
   * out (n × n, row-major, symmetric). An asset with no variance in the window is uncorrelated
   * with the rest (ρ = 0, diagonal 1). Returns the mean off-diagonal correlation before shrinkage.
   */
  correlation(out: Float64Array, shrinkage: number, sd: Float64Array = new Float64Array(this.n)): number {
    const { n, sum, cross, scale } = this
    const w = this.count
    // ρ_ij = (Σx_i·x_j − Σx_i·Σx_j/w) / (w·σ_i·σ_j), with 1/(w·σ_i·σ_j) as a product of per-asset factors.
    const root = 1 / Math.sqrt(w)
    for (let i = 0; i < n; i++) {
      const v = (cross[i * n + i]! - (sum[i]! * sum[i]!) / w) / w
      sd[i] = v > 1e-300 ? Math.sqrt(v) : 0
      scale[i] = sd[i]! > 0 ? root / sd[i]! : 0
    }
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
    const keep = 1 - shrinkage
    const pull = shrinkage * mean
    for (let i = 0; i < n; i++) {
      const base = i * n
      for (let j = i + 1; j < n; j++) out[base + j] = keep * out[base + j]! + pull
    }
    mirrorUpper(out, n)
    return mean
  }
}

/** Copies the upper triangle of a row-major n × n matrix onto the lower, in 32 × 32 tiles so both sides stay in cache. */
export function mirrorUpper(a: Float64Array, n: number): void {
  const T = 32
  for (let bi = 0; bi < n; bi += T) {
    const iEnd = Math.min(n, bi + T)
    for (let bj = bi; bj < n; bj += T) {
      const jEnd = Math.min(n, bj + T)
      for (let i = bi; i < iEnd; i++) {
        const base = i * n
        for (let j = Math.max(bj, i + 1); j < jEnd; j++) a[j * n + i] = a[base + j]!
      }
    }
  }
}
