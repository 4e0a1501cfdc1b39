import { ApiError, TERRAIN_ALERT_SPAN, type TerrainAlert, type TerrainBar, type TerrainColumn, type TerrainEngineView, type TerrainSeries } from '../../../shared/contract'
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
export type TerrainBarSource = Pick<TerrainMarket, 'n' | 'bars' | 'frameStride' | 'frames' | 'ward' | 'order' | 'nodeHardness' | 'nodeAlerts' | 'alertLog' | 'alertTotal'>

/** The bar's matrix, watersheds, node readings and recent fault alerts, in watershed order. */
export function terrainBar(m: TerrainBarSource, bar: number): TerrainBar {
  const n = m.n
  const t = Math.min(Math.max(0, bar), m.bars - 1)
  const frame = Math.floor(t / m.frameStride)
  const frameBar = frame * m.frameStride
  const order = orderByWatershed(m.ward.subarray(t * n, t * n + n), m.order)
  const position = new Int32Array(n)
  order.forEach((i, p) => (position[i] = p))
  const correlation = new Float64Array(n * n)
  const base = frame * n * n
  for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) correlation[p * n + q] = m.frames[base + order[p]! * n + order[q]!]!
  const nodeHardness = Float64Array.from(order, (i) => (Number.isFinite(m.nodeHardness[t * n + i]!) ? m.nodeHardness[t * n + i]! : Number.NaN))
  const nodeAlerts = Float64Array.from(order, (i) => m.nodeAlerts[t * n + i]!)
  const alerts: TerrainAlert[] = []
  for (const a of m.alertLog) {
    if (a.bar > t) break
    if (a.bar > t - TERRAIN_ALERT_SPAN) alerts.push({ bar: a.bar, a: position[a.i]!, b: position[a.j]!, rho: a.rho, norm: a.norm, z: a.z })
  }
  const lastLogged = m.alertLog.length > 0 ? m.alertLog[m.alertLog.length - 1]!.bar : -1
  return {
    bar: t,
    frameBar,
    order,
    watershed: order.map((i) => m.ward[t * n + i]!),
    correlation,
    nodeHardness,
    nodeAlerts,
    alerts,
    alertLogComplete: m.alertLog.length >= m.alertTotal || lastLogged > t
  }
}

/** The view of a run's simulated market (`engine.terrain`): the series when asked, the bar when given. */
export function terrainView(source: SurfaceSource, bar: number | undefined, series: boolean): TerrainEngineView {
  if (source.lab.id !== 'market-terrain') throw new ApiError('invalid_params', `The Terrain view reads market-terrain runs; this run is a ${source.lab.id} run.`)
  const m = source.market as TerrainMarket
  if (bar !== undefined && bar >= m.bars) throw new ApiError('invalid_params', `bar must be < ${m.bars}, the run's bar count (got ${bar})`, [{ path: 'bar', message: `must be < ${m.bars}` }])
  return { series: series ? terrainSeries(m, source.config as MarketTerrainConfig) : null, bar: bar === undefined ? null : terrainBar(m, bar) }
}
