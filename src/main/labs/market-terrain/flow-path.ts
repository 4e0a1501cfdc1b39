import { conductance, grounding, oneWayMap } from './state/flow'

// The flow predictor read bar by bar (seed L298, L370 `FlowPredictor.predict`; spec §1.1, §1.5):
// on the terrain at bar t — correlation, node hardness, liquidity — where does capital leaving
// the falling assets go? The assets that lost over the last `horizon` bars are the stressed
// sources, each sending out a share of one unit in proportion to its loss; the One-Way map
// (state/flow.ts, electrical flow) says where each source's capital settles. What a bar stores is
// each asset's net predicted flow (inflow − outflow), its One-Way exit and share, and the One-Way
// confidence of the bar: the top exit's share of all the stressed flow (what presets B and C need).
//
// [proposal] values (spec §7.8): the seed's "project gradient from (M_now → M_next)" is not
// defined; the trailing loss is the stress direction the graph can see. Liquidity is inverse
// volatility scaled to mean 1 (the simulator and a close-price file carry no depth): a calm asset
// absorbs more.

export interface FlowParams {
  /** Bars between One-Way solves (O(n³) each); the last reading is held between. */
  every: number
  /** Grounding γ of the electrical flow (state/flow.ts `grounding`). */
  gamma: number
  /** Trailing bars whose summed log return marks a source (a loss sends capital out). */
  horizon: number
}

export interface FlowSeries {
  n: number
  /** Per bar and asset (bar-major): predicted inflow − outflow, Σ over assets = 0 (NaN before the first reading). */
  net: Float32Array
  /** Per bar and asset: the asset's One-Way exit under a forced break (−1 isolated or unread). */
  exit: Int16Array
  /** Per bar and asset: that exit's share of the asset's outflow. */
  exitShare: Float32Array
  /** Per bar: top exit's share of the bar's stressed flow (NaN when nothing fell or unread). */
  oneWay: Float64Array
}

export function emptyFlowSeries(bars: number, n: number): FlowSeries {
  return { n, net: new Float32Array(bars * n).fill(Number.NaN), exit: new Int16Array(bars * n).fill(-1), exitShare: new Float32Array(bars * n), oneWay: new Float64Array(bars).fill(Number.NaN) }
}

/** Reads the flow at each bar it is given (bars ≤ t only), writing into a FlowSeries. */
export class FlowTracker {
  private readonly corr: Float64Array
  private readonly hard: Float64Array
  private readonly liquidity: Float64Array
  private readonly out: Float64Array
  private readonly inflow: Float64Array
  private last = -1
  readonly series: FlowSeries

  constructor(
    readonly n: number,
    bars: number,
    readonly params: FlowParams
  ) {
    if (!Number.isInteger(params.every) || params.every < 1) throw new RangeError(`flow every must be a whole number ≥ 1 (got ${params.every})`)
    if (!Number.isInteger(params.horizon) || params.horizon < 1) throw new RangeError(`flow horizon must be a whole number ≥ 1 (got ${params.horizon})`)
    this.corr = new Float64Array(n * n)
    this.hard = new Float64Array(n)
    this.liquidity = new Float64Array(n)
    this.out = new Float64Array(n)
    this.inflow = new Float64Array(n)
    this.series = emptyFlowSeries(bars, n)
  }

  /**
   * Bar t's reading from the terrain at t (correlation n × n, node hardness and per-bar vol, n
   * each) and the log returns (bar-major, bars ≤ t read). Solves on the first ready bar and every
   * `every` bars after; holds the last reading in between.
   */
  step(t: number, ready: boolean, correlation: Float64Array, nodeHardness: ArrayLike<number>, volatility: ArrayLike<number>, returns: Float64Array): void {
    const n = this.n
    const s = this.series
    if (!ready) return
    if (this.last >= 0 && t - this.last < this.params.every) {
      s.net.copyWithin(t * n, this.last * n, this.last * n + n)
      s.exit.copyWithin(t * n, this.last * n, this.last * n + n)
      s.exitShare.copyWithin(t * n, this.last * n, this.last * n + n)
      s.oneWay[t] = s.oneWay[this.last]!
      return
    }
    this.last = t
    this.read(t, correlation, nodeHardness, volatility, returns)
  }

  private read(t: number, correlation: Float64Array, nodeHardness: ArrayLike<number>, volatility: ArrayLike<number>, returns: Float64Array): void {
    const { n, corr, hard, liquidity, out, inflow } = this
    const s = this.series
    // Exactly symmetric and inside [−1, 1] (conductance() checks both).
    for (let i = 0; i < n; i++) {
      corr[i * n + i] = 1
      for (let j = i + 1; j < n; j++) {
        const r = Math.max(-1, Math.min(1, (correlation[i * n + j]! + correlation[j * n + i]!) / 2))
        corr[i * n + j] = corr[j * n + i] = Number.isFinite(r) ? r : 0
      }
    }
    let meanInverse = 0
    for (let i = 0; i < n; i++) {
      hard[i] = Math.max(0, Math.min(1, Number.isFinite(nodeHardness[i]!) ? nodeHardness[i]! : 0))
      const v = volatility[i]!
      liquidity[i] = v > 0 ? 1 / v : 0
      meanInverse += liquidity[i]!
    }
    meanInverse /= n
    for (let i = 0; i < n; i++) liquidity[i] = meanInverse > 0 ? liquidity[i]! / meanInverse : 0
    // Sources: each asset's trailing loss, as a share of all the losses.
    const h = Math.min(this.params.horizon, t + 1)
    let lost = 0
    for (let i = 0; i < n; i++) {
      let r = 0
      for (let k = t - h + 1; k <= t; k++) r += returns[k * n + i]!
      out[i] = r < 0 ? -r : 0
      lost += out[i]!
    }
    let map
    try {
      map = oneWayMap(conductance({ corr, hardness: hard, liquidity }), grounding(liquidity, this.params.gamma))
    } catch {
      // A group of assets with no volatility cannot hold capital (no grounding): no reading.
      return
    }
    for (let i = 0; i < n; i++) {
      s.exit[t * n + i] = map.exit[i]!
      s.exitShare[t * n + i] = map.share[i]!
    }
    inflow.fill(0)
    if (lost > 0) {
      for (let src = 0; src < n; src++) {
        const w = out[src]! / lost
        if (w === 0) continue
        for (let j = 0; j < n; j++) inflow[j] = inflow[j]! + w * map.shares[src * n + j]!
      }
    }
    let total = 0
    let top = 0
    for (let j = 0; j < n; j++) {
      s.net[t * n + j] = lost > 0 ? inflow[j]! - out[j]! / lost : 0
      total += inflow[j]!
      top = Math.max(top, inflow[j]!)
    }
    s.oneWay[t] = total > 0 ? top / total : Number.NaN
  }
}
