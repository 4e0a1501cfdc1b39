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
    const { n, ring, sum, cross, centre } = this
    if (this.count === 0 && this.head === 0) for (let i = 0; i < n; i++) centre[i] = row[offset + i]!
    const slot = this.head * n
    if (this.count === this.window) {
      // One pass: add the new bar's outer product and subtract the leaving bar's.
      for (let i = 0; i < n; i++) {
        const yi = ring[slot + i]!
        const xi = row[offset + i]! - centre[i]!
        sum[i] = sum[i]! + xi - yi
        const base = i * n
        for (let j = i; j < n; j++) cross[base + j] = cross[base + j]! + xi * (row[offset + j]! - centre[j]!) - yi * ring[slot + j]!
      }
      for (let i = 0; i < n; i++) ring[slot + i] = row[offset + i]! - centre[i]!
    } else {
      this.count++
      for (let i = 0; i < n; i++) ring[slot + i] = row[offset + i]! - centre[i]!
      for (let i = 0; i < n; i++) {
        const xi = ring[slot + i]!
        sum[i] = sum[i]! + xi
        const base = i * n
        for (let j = i; j < n; j++) cross[base + j] = cross[base + j]! + xi * ring[slot + j]!
      }
    }
    this.head = (this.head + 1) % this.window
  }

  /**
   * The window's Pearson correlation, shrunk by δ towards the constant-correlation target, into
   * out (n × n, row-major, symmetric). An asset with no variance in the window is uncorrelated
   * with the rest (ρ = 0, diagonal 1). Returns the mean off-diagonal correlation before shrinkage.
   */
  correlation(out: Float64Array, shrinkage: number, sd: Float64Array = new Float64Array(this.n)): number {
    const { n, sum, cross } = this
    const w = this.count
    for (let i = 0; i < n; i++) {
      const v = (cross[i * n + i]! - (sum[i]! * sum[i]!) / w) / w
      sd[i] = v > 1e-300 ? Math.sqrt(v) : 0
    }
    let total = 0
    for (let i = 0; i < n; i++) {
      out[i * n + i] = 1
      const base = i * n
      for (let j = i + 1; j < n; j++) {
        const denom = sd[i]! * sd[j]!
        let r = denom > 0 ? (cross[base + j]! - (sum[i]! * sum[j]!) / w) / w / denom : 0
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
      for (let j = i + 1; j < n; j++) {
        const r = keep * out[i * n + j]! + pull
        out[i * n + j] = r
        out[j * n + i] = r
      }
    }
    return mean
  }
}
