import type { TerrainColumn, TerrainCsvGrouping, TerrainCsvView, TerrainSeries } from '../../../shared/contract'
import { MarketTerrainConfigSchema } from './config'
import type { PanelMarket } from './csv-market'
import { GROUPING_FEATURES } from './grouping-run'
import { stateColumns, trailheadPreset } from './view-data'

// The Terrain view's reading of a user's file (issue 17 "Done when"): the same series shape as a
// run's (view-data.ts), from the file's pass (csv-market.ts). What a file lacks is left out, never
// made up: no true regimes (the regime column is NaN; the grouping gives each method's own
// regime path instead), no asset classes, no walk-forward risk_off boundary (NaN).

/** Regime names of the grouping paths: label 0 is the calmer regime (lower mean risk), 1 the riskier. */
export const FILE_REGIME_NAMES = ['calmer', 'riskier'] as const

export function csvSeries(m: PanelMarket): TerrainSeries {
  const T = m.bars
  const nan = () => new Float64Array(T).fill(Number.NaN)
  const copy = (from: ArrayLike<number>) => Float64Array.from(from)
  const defaults = MarketTerrainConfigSchema.parse({}).state
  const columns: Record<TerrainColumn, Float64Array> = {
    regime: nan(),
    eigenHardness: copy(m.eigenHardness),
    edgeHardness: copy(m.edgeHardness),
    absorption: copy(m.absorption),
    effectiveRank: copy(m.effectiveRank),
    alertsActive: copy(m.alertsActive),
    ...stateColumns(m.state, T),
    riskOffBoundary: nan(),
    oneWay: copy(m.oneWay)
  }
  return {
    bars: T,
    stateFrom: m.stateFrom,
    terrainFrom: m.params.short_window - 1,
    assets: [...m.panel.tickers],
    assetClasses: m.panel.tickers.map(() => 'file'),
    regimeNames: [...FILE_REGIME_NAMES],
    trailhead: trailheadPreset(defaults.trailhead_preset, defaults.trailhead_window),
    columns
  }
}

export function csvGrouping(m: PanelMarket): TerrainCsvGrouping {
  return {
    features: [...GROUPING_FEATURES],
    bars: [m.stateFrom, m.bars],
    skipped: m.groupingSkipped,
    methods: m.groupings.map((g) => {
      const online = new Float64Array(m.bars).fill(Number.NaN)
      online.set(g.online, m.stateFrom)
      return { method: g.method, switches: g.switches, onlineSwitches: g.onlineSwitches, riskyShare: g.labels.reduce((a, b) => a + b, 0) / g.labels.length, lambda: g.lambda ?? null, online }
    })
  }
}

/** The whole view of a file's pass; `key` is the engine's name for it (the scrubber asks for bars by it). */
export function csvView(m: PanelMarket, name: string, key: string): TerrainCsvView {
  return {
    key,
    name,
    window: m.params.short_window,
    longWindow: m.params.long_window,
    dates: m.panel.dates.slice(1),
    series: csvSeries(m),
    grouping: csvGrouping(m),
    faultAlerts: m.alertTotal
  }
}
