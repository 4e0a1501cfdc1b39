import { ApiError, type TerrainAlert, type TerrainBar, type TerrainColumn, type TerrainEngineView, type TerrainSeries } from '../../../shared/contract'
import type { SurfaceSource } from '../surfaces'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'
import { TRAILHEAD_PRESETS } from './state'
import type { StatePath } from './state-path'
import { ASSET_CLASSES, REGIME_NAMES } from './universe/params'

// The Terrain view's data read off a run's market (issue 17 item 8): the per-bar series as
// columns, and one bar's correlation matrix ordered by its watersheds. The market is the one the
// run read (simulated again from its spec), so every number is the engine's; nothing here
// computes a terrain quantity, it only selects and orders.

/** The per-bar columns of the view (see TERRAIN_COLUMNS). */
export function terrainSeries(m: TerrainMarket, config: MarketTerrainConfig): TerrainSeries {
  const T = m.bars
  const st = m.state
  const copy = (from: ArrayLike<number>) => Float64Array.from(from)
  const columns: Record<TerrainColumn, Float64Array> = {
    regime: copy(m.universe.regime),
    eigenHardness: copy(m.eigenHardness),
    edgeHardness: copy(m.edgeHardness),
    absorption: copy(m.absorption),
    effectiveRank: copy(m.effectiveRank),
    alertsActive: copy(m.alertsActive),
    ...stateColumns(st, T),
    riskOffBoundary: copy(m.walkForward.threshold),
    oneWay: copy(m.flow.oneWay)
  }
  return {
    bars: T,
    stateFrom: m.stateFrom,
    terrainFrom: config.terrain.short_window - 1,
    assets: [...m.universe.assets.labels],
    assetClasses: Array.from(m.universe.assets.classOf, (c) => ASSET_CLASSES[c]!),
    regimeNames: [...REGIME_NAMES],
    trailhead: trailheadPreset(config.state.trailhead_preset, config.state.trailhead_window),
    columns
  }
}

/** The columns read off the state path (Kalman state, forecast, ellipse, Pressure/Fragility, trigger), T bars each. */
export function stateColumns(st: StatePath, T: number): Pick<Record<TerrainColumn, Float64Array>, 'stateRisk' | 'stateMomentum' | 'forecastRisk' | 'forecastMomentum' | 'ellipseMajor' | 'ellipseMinor' | 'ellipseAngle' | 'forecastVarRisk' | 'forecastCovariance' | 'forecastVarMomentum' | 'pressure' | 'fragility' | 'trigger'> {
  const every = (stride: number, offset: number, from: ArrayLike<number>) => Float64Array.from({ length: T }, (_, t) => from[stride * t + offset]!)
  return {
    stateRisk: every(2, 0, st.state),
    stateMomentum: every(2, 1, st.state),
    forecastRisk: every(2, 0, st.forecast),
    forecastMomentum: every(2, 1, st.forecast),
    ellipseMajor: every(5, 2, st.ellipse),
    ellipseMinor: every(5, 3, st.ellipse),
    ellipseAngle: every(5, 4, st.ellipse),
    forecastVarRisk: every(3, 0, st.forecastCov),
    forecastCovariance: every(3, 1, st.forecastCov),
    forecastVarMomentum: every(3, 2, st.forecastCov),
    pressure: Float64Array.from(st.pressure),
    fragility: Float64Array.from(st.fragility),
    trigger: Float64Array.from(st.trigger)
  }
}

/** A trailhead preset's triggers as the Pressure/Fragility chart draws them. */
export function trailheadPreset(id: keyof typeof TRAILHEAD_PRESETS, window: number): TerrainSeries['trailhead'] {
  const preset = TRAILHEAD_PRESETS[id]
  return { id: preset.id, normalise: preset.normalise, pressureMin: preset.pressureMin, fragilityMin: preset.fragilityMin, oneWayMin: preset.oneWayMin, window, note: preset.note }
}

/**
 * Display order at a bar: assets grouped by their Ward watershed at the bar (labels are numbered
 * along the bar's own leaf order, so the blocks follow the tree), and within a watershed by the
 * whole run's leaf order, so an asset moves only when its watershed changes.
 */
export function orderByWatershed(watershed: ArrayLike<number>, runOrder: ArrayLike<number>): number[] {
  const n = runOrder.length
  const rank = new Int32Array(n)
  for (let k = 0; k < n; k++) rank[runOrder[k]!] = k
  return Array.from({ length: n }, (_, i) => i).sort((i, j) => watershed[i]! - watershed[j]! || rank[i]! - rank[j]!)
}

/** What a bar of the view is read from: a run's market, or a user's file's pass (csv-market.ts). */
export type TerrainBarSource = Pick<TerrainMarket, 'n' | 'bars' | 'frameStride' | 'frames' | 'edgeFrames' | 'ward' | 'order' | 'nodeHardness' | 'nodeAlerts' | 'activePairs' | 'activeComplete'>

/** The bar's matrix, edge hardness, watersheds, node readings and active fault alerts, in watershed order. */
export function terrainBar(m: TerrainBarSource, bar: number): TerrainBar {
  const n = m.n
  const t = Math.min(Math.max(0, bar), m.bars - 1)
  const frame = Math.floor(t / m.frameStride)
  const frameBar = frame * m.frameStride
  const order = orderByWatershed(m.ward.subarray(t * n, t * n + n), m.order)
  const position = new Int32Array(n)
  order.forEach((i, p) => (position[i] = p))
  // Float32 in, float32 out: the frames are float32, so the wire carries them exactly in half the bytes.
  const correlation = new Float32Array(n * n)
  const base = frame * n * n
  for (let p = 0; p < n; p++) {
    const row = base + order[p]! * n
    for (let q = 0; q < n; q++) correlation[p * n + q] = m.frames[row + order[q]!]!
  }
  const edgeHardness = new Float32Array(n * n).fill(Number.NaN)
  const edgeBase = (frame * n * (n - 1)) / 2
  for (let p = 0; p < n; p++) {
    const i = order[p]!
    for (let q = p + 1; q < n; q++) {
      const j = order[q]!
      // upperIndex inlined (this loop runs n²/2 times a scrub)
      const h = m.edgeFrames[edgeBase + (i < j ? i * n - (i * (i + 1)) / 2 + (j - i - 1) : j * n - (j * (j + 1)) / 2 + (i - j - 1))]!
      edgeHardness[p * n + q] = edgeHardness[q * n + p] = h
    }
  }
  const nodeHardness = Float64Array.from(order, (i) => (Number.isFinite(m.nodeHardness[t * n + i]!) ? m.nodeHardness[t * n + i]! : Number.NaN))
  const nodeAlerts = Float64Array.from(order, (i) => m.nodeAlerts[t * n + i]!)
  const active = m.activePairs(t)
  const alerts: TerrainAlert[] = Array.from(active.z, (z, k) => {
    const pi = position[active.i[k]!]!
    const pj = position[active.j[k]!]!
    return { a: Math.min(pi, pj), b: Math.max(pi, pj), z, entered: active.entered[k]! }
  }).sort((x, y) => Math.abs(y.z) - Math.abs(x.z) || x.a - y.a || x.b - y.b)
  return {
    bar: t,
    frameBar,
    order,
    watershed: order.map((i) => m.ward[t * n + i]!),
    correlation,
    edgeHardness,
    nodeHardness,
    nodeAlerts,
    alerts,
    alertsComplete: m.activeComplete(t)
  }
}

/** Index of pair i ≠ j in an upper triangle stored row by row (i < j, n(n−1)/2 entries). */
export function upperIndex(n: number, i: number, j: number): number {
  const [a, b] = i < j ? [i, j] : [j, i]
  return a * n - (a * (a + 1)) / 2 + (b - a - 1)
}

/** The view of a run's simulated market (`engine.terrain`): the series when asked, the bar when given. */
export function terrainView(source: SurfaceSource, bar: number | undefined, series: boolean): TerrainEngineView {
  if (source.lab.id !== 'market-terrain') throw new ApiError('invalid_params', `The Terrain view reads market-terrain runs; this run is a ${source.lab.id} run.`)
  const m = source.market as TerrainMarket
  if (bar !== undefined && bar >= m.bars) throw new ApiError('invalid_params', `bar must be < ${m.bars}, the run's bar count (got ${bar})`, [{ path: 'bar', message: `must be < ${m.bars}` }])
  return { series: series ? terrainSeries(m, source.config as MarketTerrainConfig) : null, bar: bar === undefined ? null : terrainBar(m, bar) }
}
