import type { MarketTerrainConfig } from './config'
import { FlowTracker, type FlowSeries } from './flow-path'
import { equityMembers, readableFrom } from './grouping-seeds'
import { HOLDS } from './policy'
import { equalWeightIndex, stateFeatures } from './state-features'
import { type StatePath, statePath, trailheadComponents } from './state-path'
import type { ActivePairs } from './terrain/active-alerts'
import { TerrainScanner, type FaultAlert } from './terrain/scanner'
import { TerrainTape } from './terrain/tape'
import { WardClusterer, leafOrder } from './terrain/ward'
import { RollingCorrelation } from './terrain/rolling'
import { ASSET_CLASSES } from './universe/params'
import { simulateUniverse, type Universe } from './universe/simulate'
import { type WalkForwardPlan, planWalkForward } from './walk-forward'

// The lab's market: the simulated universe and its terrain, read bar by bar once per run (the
// scanner only looks back), so the policy, the surface and the report read the same numbers.
// The state features (risk, momentum, term ratio, fragility) feed the state module (state-path.ts:
// Kalman on [risk, momentum], forecast ellipse, Surprise, Pressure/Fragility) and the flow
// predictor (flow-path.ts: One-Way map, flow tilt of the baskets); the report runs the regime
// grouping on them (grouping-run.ts).

/** Pair-bars of the alert state kept for the view (20 bytes each); bars past it read as incomplete. */
export const ACTIVE_BUDGET = 4_000_000

/** What the policy did per bar that the step columns do not hold: its state estimate and kill trips (one per run). */
export class TerrainRunState {
  readonly estimate: Uint8Array
  killTrips = 0
  constructor(bars: number) {
    this.estimate = new Uint8Array(bars)
  }
}

/** The run's market: the recorded terrain (terrain/tape.ts: per-bar readings NaN before the short window fills, per-asset arrays bar-major) and what is read from it. */
export interface TerrainMarket
  extends Pick<TerrainTape, 'eigenHardness' | 'edgeHardness' | 'absorption' | 'effectiveRank' | 'meanCorrelation' | 'alertsNew' | 'alertsActive' | 'nodeHardness' | 'nodeAlerts' | 'ward' | 'precision' | 'pc1' | 'assetVol' | 'frames' | 'frameStride' | 'edgeFrames'> {
  /** The run's own state, made fresh by the lab's observation() for each run. */
  run: TerrainRunState
  readonly universe: Universe
  readonly n: number
  readonly bars: number
  /**
   * The book's legs are one basket per asset class. basket[t·n + i] is asset i's weight inside its
   * class's basket at bar t: inverse-vol over the class's assets whose node hardness passes the
   * hardness guard (none before the terrain is read). basketReturn[t·K + c] is the simple return
   * over bar t of class c's basket as composed at t − 1 (0 when it was empty).
   */
  readonly basket: Float64Array
  readonly basketReturn: Float64Array
  /** The pairs in the fault-alert state at bar t, their σ-distance and entry bar (views into the scanner's record). */
  activePairs(t: number): ActivePairs
  /** Whether activePairs(t) holds every active pair (the record stops at its budget). */
  activeComplete(t: number): boolean
  /** Asset order along the Ward leaves of the whole-run correlation: the heatmap's row order. */
  readonly order: Int32Array
  /** State features per bar: risk z, momentum, short/long vol ratio, fragility z (vol-of-vol). */
  readonly risk: Float64Array
  readonly momentum: Float64Array
  readonly termRatio: Float64Array
  readonly fragility: Float64Array
  readonly alertLog: readonly FaultAlert[]
  readonly alertTotal: number
  /** The Kalman state, forecast, ellipse, Surprise and trailhead per bar (state-path.ts). */
  readonly state: StatePath
  /** Predicted net flow, One-Way exits and confidence per bar (flow-path.ts). */
  readonly flow: FlowSeries
  /** 1 where the vol term structure reads stress (preset's direction and threshold). */
  readonly termStress: Uint8Array
  /** First bar the state is read (both vol horizons and the short window filled). */
  readonly stateFrom: number
  /** The walk-forward boundary per bar and its folds (walk-forward.ts). */
  readonly walkForward: WalkForwardPlan
}

/** The market of a config; `universe` replaces the simulated one (tests that change bars after t). */
export function terrainMarket(config: MarketTerrainConfig, universe: Universe = simulateUniverse(config.universe, config.seed)): TerrainMarket {
  const { n, bars, returns } = universe
  const s = config.strategy
  const scanner = new TerrainScanner(n, config.terrain, { activeLimit: ACTIVE_BUDGET })
  const tape = new TerrainTape(n, bars)
  const flowTracker = new FlowTracker(n, bars, { every: config.state.flow_every, gamma: config.state.flow_gamma, horizon: config.state.flow_horizon_bars })
  for (let t = 0; t < bars; t++) {
    const r = scanner.step(returns, t * n)
    tape.record(t, r, scanner)
    flowTracker.step(t, r.ready, r.correlation, r.nodeHardness, r.volatility, returns)
  }
  const { eigenHardness, edgeHardness, absorption, effectiveRank, meanCorrelation, alertsNew, alertsActive, nodeHardness, nodeAlerts, ward, precision, pc1, assetVol, frames, frameStride, edgeFrames, meanVol } = tape

  // The equal-weight equity index (all assets when there are no equities): the market the state reads.
  const { risk, momentum, termRatio, fragility } = stateFeatures(equalWeightIndex(returns, n, bars, equityMembers(universe)), absorption, s)
  const flow = flowTracker.series
  const { basket, basketReturn } = classBaskets(universe, nodeHardness, assetVol, edgeHardness, s.min_node_hardness, flow.net, s.flow_tilt)

  // The state module: observations before they are read are missing (no Kalman update).
  const stateFrom = readableFrom(config)
  const observations = new Float64Array(bars * 2).fill(Number.NaN)
  const pairs = (n * (n - 1)) / 2
  const nanBefore = (x: Float64Array) => x.map((v, t) => (t < stateFrom ? Number.NaN : v))
  for (let t = stateFrom; t < bars; t++) {
    observations[2 * t] = risk[t]!
    observations[2 * t + 1] = momentum[t]!
  }
  const components = trailheadComponents({
    termRatio: nanBefore(termRatio),
    momentum: nanBefore(momentum),
    absorption: nanBefore(absorption),
    alertShare: nanBefore(Float64Array.from(alertsActive, (a) => a / pairs)),
    volOfVol: nanBefore(fragility),
    meanVol: nanBefore(meanVol)
  })
  const state = statePath(observations, components, flow.oneWay, {
    phi: config.state.kalman_phi,
    obsNoise: config.state.kalman_obs_noise,
    trailheadPreset: config.state.trailhead_preset,
    trailheadWindow: config.state.trailhead_window,
    surpriseLag: config.corrections.surprise_lag === 1 ? 1 : 0
  })
  // seed L1322: VIX9D/VIX < 0.9 = stress (faithful); corrected: > 1.0 (spec §7.1)
  const k = config.corrections
  const termStress = Uint8Array.from(termRatio, (x, t) => (t >= stateFrom && (k.term_direction === 'below' ? x < k.term_threshold : x > k.term_threshold) ? 1 : 0))
  const forecastRisk = Float64Array.from({ length: bars }, (_, t) => state.forecast[2 * t]!)
  const walkForward = planWalkForward(
    { bars, from: stateFrom, forecastRisk, termStress, classOf: universe.assets.classOf, basket, basketReturn, classes: ASSET_CLASSES.length, holds: [HOLDS.RISK_ON, HOLDS.RISK_OFF], barsPerYear: config.universe.bars_per_year },
    config.walk_forward.folds,
    config.walk_forward.first_train_share,
    s.risk_z_off
  )

  const order = heatmapOrder(returns, n, bars)

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
    edgeFrames,
    activePairs: (t) => scanner.activePairs(t),
    activeComplete: (t) => scanner.activeComplete(t),
    order,
    risk,
    momentum,
    termRatio,
    fragility,
    alertLog: scanner.alertLog,
    alertTotal: scanner.alertTotal,
    state,
    flow,
    termStress,
    stateFrom,
    walkForward
  }
}

/** Heatmap order: Ward leaves of the whole series' correlation (one order for every frame). */
export function heatmapOrder(returns: Float64Array, n: number, bars: number): Int32Array {
  const whole = new RollingCorrelation(n, bars)
  for (let t = 0; t < bars; t++) whole.push(returns, t * n)
  const C = new Float64Array(n * n)
  whole.correlation(C, 0)
  return leafOrder(new WardClusterer(n).fromCorrelation(C))
}

/** The class baskets the book trades (see TerrainMarket.basket), with the hardness guard and the flow tilt applied. */
function classBaskets(u: Universe, nodeHardness: Float32Array, assetVol: Float32Array, edgeHardness: Float64Array, guard: number, flowNet: Float32Array, tilt: number) {
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
    // Flow tilt (seed L467): scale by 1 + tilt·(net flow / the bar's largest |net flow|), floored at 0.
    let top = 0
    for (let i = 0; i < n; i++) if (Number.isFinite(flowNet[t * n + i]!)) top = Math.max(top, Math.abs(flowNet[t * n + i]!))
    for (let i = 0; i < n; i++) {
      const vol = assetVol[t * n + i]!
      const f = flowNet[t * n + i]!
      const lean = top > 0 && Number.isFinite(f) ? Math.max(0, 1 + (tilt * f) / top) : 1
      // seed L437: no sizing into soft terrain
      if (vol > 0 && nodeHardness[t * n + i]! >= guard && lean > 0) {
        basket[t * n + i] = lean / vol
        const c = u.assets.classOf[i]!
        total[c] = total[c]! + lean / vol
      }
    }
    for (let i = 0; i < n; i++) if (basket[t * n + i] !== 0) basket[t * n + i] = basket[t * n + i]! / total[u.assets.classOf[i]!]!
  }
  return { basket, basketReturn }
}
