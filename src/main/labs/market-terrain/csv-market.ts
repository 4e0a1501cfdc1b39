import { MarketTerrainConfigSchema } from './config'
import { FlowTracker } from './flow-path'
import { groupingUnsupervised, type UnsupervisedGrouping } from './grouping-run'
import { ACTIVE_BUDGET, heatmapOrder, type TerrainMarket } from './market'
import { equalWeightIndex, stateFeatures } from './state-features'
import { type StatePath, statePath, trailheadComponents } from './state-path'
import { TerrainParams } from './terrain/params'
import { TerrainTape } from './terrain/tape'
import { TerrainScanner } from './terrain/scanner'
import type { PricePanel } from './csv'

// The terrain, state and grouping of a user's price panel, kept bar by bar (issue 17 §7 and the
// "Done when": a user's CSV watched in the Terrain view). One pass feeds both readers: the CLI's
// `terrain --csv` summary (csv.ts) and the view's series and scrubbed bars (csv-view.ts), so the
// two never disagree. The pass is a generator that yields its progress every few bars, so the
// engine process can report it and stay responsive on a long file; the CLI drains it at once.

/** Fewest readable bars the regime grouping is fitted on (two regimes need some of each). */
export const MIN_GROUPING_BARS = 40

/** Bars between progress reports of the pass. */
const PROGRESS_EVERY = 64

/** The recorded terrain of a file (terrain/tape.ts) and its alert state, read as a run's market is (view-data.ts). */
export interface PanelMarket
  extends Pick<TerrainMarket, 'eigenHardness' | 'edgeHardness' | 'absorption' | 'effectiveRank' | 'meanCorrelation' | 'alertsActive' | 'nodeHardness' | 'nodeAlerts' | 'ward' | 'frames' | 'frameStride' | 'edgeFrames' | 'activePairs' | 'activeComplete' | 'alertLog' | 'alertTotal'> {
  readonly panel: PricePanel
  readonly params: TerrainParams
  /** Assets, and bars = returns (bar t is the return from dates[t] to dates[t + 1]). */
  readonly n: number
  readonly bars: number
  /** Heatmap order: Ward leaves of the whole file's correlation. */
  readonly order: Int32Array
  /** Ward and precision watersheds at the last bar. */
  readonly lastWard: Int32Array
  readonly lastPrecision: Int32Array
  /** First bar the state is read. */
  readonly stateFrom: number
  readonly state: StatePath
  readonly oneWay: Float64Array
  /** Each method's regimes over [stateFrom, bars) (none when too few readable bars: see groupingSkipped). */
  readonly groupings: UnsupervisedGrouping[]
  readonly groupingSkipped: string | null
}

export interface PanelProgress {
  done: number
  total: number
}

/**
 * The pass over a panel with a short window of `window` bars (long window 4×, capped by the
 * series), cut into at most min(6, ⌈n/2⌉) watersheds so a small file still has groups to show.
 * `windowName` names the setting in the error (the CLI's flag, the view's field).
 */
export function* panelMarketSteps(panel: PricePanel, window: number, windowName = '--window'): Generator<PanelProgress, PanelMarket> {
  const n = panel.tickers.length
  const bars = panel.dates.length - 1
  if (!Number.isInteger(window) || window < 3) throw new RangeError(`${windowName} must be a whole number ≥ 3 (got ${window})`)
  if (window >= bars) throw new RangeError(`${windowName} ${window} is longer than the series: ${panel.dates.length} dates give ${bars} returns, and a terrain needs more returns than the window`)
  const params = TerrainParams.parse({ short_window: window, long_window: Math.min(4 * window, bars), fault_min_history: Math.min(window, bars), hardness_min_history: Math.min(window, bars), precision_every: window, watersheds: Math.min(6, Math.ceil(n / 2)) })
  const returns = new Float64Array(bars * n)
  for (let t = 0; t < bars; t++) for (let i = 0; i < n; i++) returns[t * n + i] = Math.log(panel.closes[(t + 1) * n + i]! / panel.closes[t * n + i]!)
  const scanner = new TerrainScanner(n, params, { activeLimit: ACTIVE_BUDGET })
  // The lab's state and flow settings at their defaults (the corrected Surprise lag: scored on the next bar).
  const defaults = MarketTerrainConfigSchema.parse({})
  const flow = new FlowTracker(n, bars, { every: defaults.state.flow_every, gamma: defaults.state.flow_gamma, horizon: defaults.state.flow_horizon_bars })
  // A file's nodes read NaN before the window fills (the view shows no hardness there).
  const tape = new TerrainTape(n, bars, Number.NaN)
  const total = bars + 2
  let r = scanner.reading
  for (let t = 0; t < bars; t++) {
    r = scanner.step(returns, t * n)
    flow.step(t, r.ready, r.correlation, r.nodeHardness, r.volatility, returns)
    tape.record(t, r, scanner)
    if (t % PROGRESS_EVERY === PROGRESS_EVERY - 1) yield { done: t + 1, total }
  }
  const { eigenHardness, edgeHardness, absorption, effectiveRank, meanCorrelation, alertsActive, nodeHardness, nodeAlerts, ward, frames, frameStride, edgeFrames, meanVol } = tape
  const alertShare = Float64Array.from(alertsActive, (a, t) => (tape.ready[t] ? a / ((n * (n - 1)) / 2) : Number.NaN))
  yield { done: bars, total }

  // The state on the equal-weight index of every asset (a file has no asset classes).
  const s = defaults.strategy
  const features = stateFeatures(equalWeightIndex(returns, n, bars, []), absorption, s)
  const from = Math.max(params.short_window - 1, s.vol_long_bars, s.momentum_bars)
  const observations = new Float64Array(bars * 2).fill(Number.NaN)
  for (let t = from; t < bars; t++) observations.set([features.risk[t]!, features.momentum[t]!], 2 * t)
  const nanBefore = (x: Float64Array) => x.map((v, t) => (t < from ? Number.NaN : v))
  const components = trailheadComponents({ termRatio: nanBefore(features.termRatio), momentum: nanBefore(features.momentum), absorption, alertShare, volOfVol: nanBefore(features.fragility), meanVol })
  const state = statePath(observations, components, flow.series.oneWay, { phi: defaults.state.kalman_phi, obsNoise: defaults.state.kalman_obs_noise, trailheadPreset: defaults.state.trailhead_preset, trailheadWindow: defaults.state.trailhead_window, surpriseLag: 1 })
  yield { done: bars + 1, total }
  const readable = bars - from
  const groupings = readable >= MIN_GROUPING_BARS ? groupingUnsupervised({ ...features, meanCorrelation }, from, bars, defaults.grouping.kmeans_restarts) : []
  yield { done: total, total }
  return {
    panel,
    params,
    n,
    bars,
    eigenHardness,
    edgeHardness,
    absorption,
    effectiveRank,
    meanCorrelation,
    alertsActive,
    nodeHardness,
    nodeAlerts,
    ward,
    frames,
    frameStride,
    edgeFrames,
    activePairs: (t) => scanner.activePairs(t),
    activeComplete: (t) => scanner.activeComplete(t),
    order: heatmapOrder(returns, n, bars),
    alertLog: scanner.alertLog,
    alertTotal: scanner.alertTotal,
    lastWard: Int32Array.from(r.cluster),
    lastPrecision: Int32Array.from(r.precisionCluster),
    stateFrom: from,
    state,
    oneWay: flow.series.oneWay,
    groupings,
    groupingSkipped: groupings.length === 0 ? `${Math.max(0, readable)} readable bars; the grouping needs ${MIN_GROUPING_BARS}` : null
  }
}

/** The pass run to its end at once (the CLI). */
export function panelMarket(panel: PricePanel, window: number, windowName?: string): PanelMarket {
  const steps = panelMarketSteps(panel, window, windowName)
  for (;;) {
    const next = steps.next()
    if (next.done) return next.value
  }
}
