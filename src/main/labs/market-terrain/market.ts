import type { MarketTerrainConfig } from './config'
import { TerrainScanner, type FaultAlert } from './terrain/scanner'
import { WardClusterer, leafOrder } from './terrain/ward'
import { RollingCorrelation } from './terrain/rolling'
import { ASSET_CLASSES } from './universe/params'
import { simulateUniverse, type Universe } from './universe/simulate'

// The lab's market: the simulated universe and its terrain, read bar by bar once per run (the
// scanner only looks back), so the policy, the surface and the report read the same numbers.
// The state features here (risk, momentum, term ratio, fragility) are the inputs the state
// module (state/: Kalman on [risk, momentum], Pressure/Fragility) and the regime grouping
// (grouping/) read at merge time; until then the baseline reads them directly.

/** Correlation frames kept for the surface: at most this many numbers, so 500 assets stay in memory. */
const FRAME_BUDGET = 8_000_000

/** What the policy did per bar that the step columns do not hold: its state estimate and kill trips (one per run). */
export class TerrainRunState {
  readonly estimate: Uint8Array
  killTrips = 0
  constructor(bars: number) {
    this.estimate = new Uint8Array(bars)
  }
}

export interface TerrainMarket {
  /** The run's own state, made fresh by the lab's observation() for each run. */
  run: TerrainRunState
  readonly universe: Universe
  readonly n: number
  readonly bars: number
  /** Per bar (NaN before the short window fills). */
  readonly eigenHardness: Float64Array
  readonly edgeHardness: Float64Array
  readonly absorption: Float64Array
  readonly effectiveRank: Float64Array
  readonly meanCorrelation: Float64Array
  readonly alertsNew: Int32Array
  readonly alertsActive: Int32Array
  /** Per bar and asset (bar-major). */
  readonly nodeHardness: Float32Array
  readonly nodeAlerts: Uint16Array
  readonly ward: Int16Array
  readonly precision: Int16Array
  readonly pc1: Float32Array
  /** Per-asset realised vol (per bar) of the short window, bar-major. */
  readonly assetVol: Float32Array
  /**
   * The book's legs are one basket per asset class. basket[t·n + i] is asset i's weight inside its
   * class's basket at bar t: inverse-vol over the class's assets whose node hardness passes the
   * hardness guard (none before the terrain is read). basketReturn[t·K + c] is the simple return
   * over bar t of class c's basket as composed at t − 1 (0 when it was empty).
   */
  readonly basket: Float64Array
  readonly basketReturn: Float64Array
  /** Short-window correlation every frameStride bars (frame k is bar k·frameStride). */
  readonly frames: Float32Array
  readonly frameStride: number
  /** Asset order along the Ward leaves of the whole-run correlation: the heatmap's row order. */
  readonly order: Int32Array
  /** State features per bar: risk z, momentum, short/long vol ratio, fragility z (vol-of-vol). */
  readonly risk: Float64Array
  readonly momentum: Float64Array
  readonly termRatio: Float64Array
  readonly fragility: Float64Array
  readonly alertLog: readonly FaultAlert[]
  readonly alertTotal: number
}

/** Running mean and variance of a series (Welford), for z-scores against the series' own past. */
class RunningZ {
  private count = 0
  private mean = 0
  private m2 = 0
  /** z of x against the values seen before it, then x joins them (0 until two values are known). */
  next(x: number): number {
    const sd = this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : 0
    const z = sd > 0 ? (x - this.mean) / sd : 0
    this.count++
    const d = x - this.mean
    this.mean += d / this.count
    this.m2 += d * (x - this.mean)
    return z
  }
}

export function terrainMarket(config: MarketTerrainConfig): TerrainMarket {
  const universe = simulateUniverse(config.universe, config.seed)
  const { n, bars, returns } = universe
  const s = config.strategy
  const scanner = new TerrainScanner(n, config.terrain)
  const nan = () => new Float64Array(bars).fill(Number.NaN)
  const eigenHardness = nan()
  const edgeHardness = nan()
  const absorption = nan()
  const effectiveRank = nan()
  const meanCorrelation = nan()
  const alertsNew = new Int32Array(bars)
  const alertsActive = new Int32Array(bars)
  const nodeHardness = new Float32Array(bars * n)
  const nodeAlerts = new Uint16Array(bars * n)
  const ward = new Int16Array(bars * n)
  const precision = new Int16Array(bars * n)
  const pc1 = new Float32Array(bars * n)
  const assetVol = new Float32Array(bars * n)
  const frameStride = Math.max(1, Math.ceil((bars * n * n) / FRAME_BUDGET))
  const frames = new Float32Array(Math.ceil(bars / frameStride) * n * n)
  const risk = new Float64Array(bars)
  const momentum = new Float64Array(bars)
  const termRatio = new Float64Array(bars).fill(1)
  const fragility = new Float64Array(bars)

  // The equal-weight equity index (all assets when there are no equities): the market the state reads.
  const members: number[] = []
  for (let i = 0; i < n; i++) if (universe.assets.classOf[i] === 0) members.push(i)
  if (members.length === 0) for (let i = 0; i < n; i++) members.push(i)
  const index = new Float64Array(bars)
  for (let t = 0; t < bars; t++) {
    let x = 0
    for (const i of members) x += returns[t * n + i]!
    index[t] = x / members.length
  }
  const volZ = new RunningZ()
  const absorptionZ = new RunningZ()
  const volOfVolZ = new RunningZ()
  const windowVol = (t: number, h: number) => {
    let ss = 0
    for (let k = t - h + 1; k <= t; k++) ss += index[k]! * index[k]!
    return Math.sqrt(ss / h)
  }
  const shortVols: number[] = []

  for (let t = 0; t < bars; t++) {
    const r = scanner.step(returns, t * n)
    if (r.ready) {
      eigenHardness[t] = r.eigenHardness
      edgeHardness[t] = r.edgeHardness
      absorption[t] = r.absorption
      effectiveRank[t] = r.effectiveRank
      meanCorrelation[t] = r.meanCorrelation
      alertsNew[t] = r.alertsNew
      alertsActive[t] = r.alertsActive
      for (let i = 0; i < n; i++) {
        nodeHardness[t * n + i] = r.nodeHardness[i]!
        nodeAlerts[t * n + i] = r.nodeAlerts[i]!
        ward[t * n + i] = r.cluster[i]!
        precision[t * n + i] = r.precisionCluster[i]!
        pc1[t * n + i] = r.eigenvectors[i]!
        assetVol[t * n + i] = r.volatility[i]!
      }
    }
    if (t % frameStride === 0) {
      const f = (t / frameStride) * n * n
      if (r.ready) for (let k = 0; k < n * n; k++) frames[f + k] = r.correlation[k]!
      else for (let i = 0; i < n; i++) frames[f + i * n + i] = 1
    }
    // State features from bars ≤ t only.
    if (t >= s.vol_long_bars) {
      const short = windowVol(t, s.vol_short_bars)
      const long = windowVol(t, s.vol_long_bars)
      termRatio[t] = long > 0 ? short / long : 1
      const ar = Number.isNaN(absorption[t]!) ? 0 : absorptionZ.next(absorption[t]!)
      risk[t] = volZ.next(long) + s.absorption_weight * ar
      shortVols.push(short)
      if (shortVols.length > s.vol_long_bars) shortVols.shift()
      const mean = shortVols.reduce((a, b) => a + b, 0) / shortVols.length
      const vov = Math.sqrt(shortVols.reduce((a, b) => a + (b - mean) ** 2, 0) / shortVols.length) / (mean || 1)
      fragility[t] = volOfVolZ.next(vov)
    }
    if (t >= s.momentum_bars) {
      let trend = 0
      for (let k = t - s.momentum_bars + 1; k <= t; k++) trend += index[k]!
      const vol = windowVol(t, s.momentum_bars)
      momentum[t] = vol > 0 ? trend / (vol * Math.sqrt(s.momentum_bars)) : 0
    }
  }

  const { basket, basketReturn } = classBaskets(universe, nodeHardness, assetVol, edgeHardness, s.min_node_hardness)

  // Heatmap order: Ward leaves of the whole run's correlation (one order for every frame).
  const whole = new RollingCorrelation(n, bars)
  for (let t = 0; t < bars; t++) whole.push(returns, t * n)
  const C = new Float64Array(n * n)
  whole.correlation(C, 0)
  const order = leafOrder(new WardClusterer(n).fromCorrelation(C))

  return {
    run: new TerrainRunState(bars),
    universe,
    n,
    bars,
    eigenHardness,
    edgeHardness,
    absorption,
    effectiveRank,
    meanCorrelation,
    alertsNew,
    alertsActive,
    nodeHardness,
    nodeAlerts,
    ward,
    precision,
    pc1,
    assetVol,
    basket,
    basketReturn,
    frames,
    frameStride,
    order,
    risk,
    momentum,
    termRatio,
    fragility,
    alertLog: scanner.alertLog,
    alertTotal: scanner.alertTotal
  }
}

/** The class baskets the book trades (see TerrainMarket.basket), with the hardness guard applied. */
function classBaskets(u: Universe, nodeHardness: Float32Array, assetVol: Float32Array, edgeHardness: Float64Array, guard: number) {
  const { n, bars, returns } = u
  const K = ASSET_CLASSES.length
  const basket = new Float64Array(bars * n)
  const basketReturn = new Float64Array(bars * K)
  const total = new Float64Array(K)
  for (let t = 0; t < bars; t++) {
    if (t > 0) {
      for (let i = 0; i < n; i++) {
        const w = basket[(t - 1) * n + i]!
        if (w === 0) continue
        const k = t * K + u.assets.classOf[i]!
        basketReturn[k] = basketReturn[k]! + w * Math.expm1(returns[t * n + i]!)
      }
    }
    if (Number.isNaN(edgeHardness[t]!)) continue
    total.fill(0)
    for (let i = 0; i < n; i++) {
      const vol = assetVol[t * n + i]!
      // seed L437: no sizing into soft terrain
      if (vol > 0 && nodeHardness[t * n + i]! >= guard) {
        basket[t * n + i] = 1 / vol
        const c = u.assets.classOf[i]!
        total[c] = total[c]! + 1 / vol
      }
    }
    for (let i = 0; i < n; i++) if (basket[t * n + i] !== 0) basket[t * n + i] = basket[t * n + i]! / total[u.assets.classOf[i]!]!
  }
  return { basket, basketReturn }
}
