import { wholeRunReport, type Lab } from '../../engine/kernel'
import { MARKET_TERRAIN_PRESETS, MARKET_TERRAIN_PROFILES, MarketTerrainConfigSchema, REGIME_NAMES, marketTerrainStressMenu, type MarketTerrainConfig } from './config'
import { PNL_COMPONENTS, markBook, marketTerrainExecution } from './execution'
import { TerrainRunState, terrainMarket, type TerrainMarket } from './market'
import { marketTerrainReport } from './metrics'
import { MARKET_TERRAIN_ACTIONS, MarketTerrainObservation, baselinePolicy, observeInto, targetOf, type MarketTerrainAction } from './policy'
import { terrainSurface } from './surface'
import { ASSET_CLASSES } from './universe/params'

// Seed 004 ("Catalyst–Terrain") wired into the kernel. Kernel step t is bar t of the simulated
// universe: the book carried into t is marked with bar t's returns, the state and terrain at t
// are read from bars ≤ t, and the new book earns from t + 1. Weights of equity in class baskets, compounded.

const REPORT_COLUMNS = ['equity', 'drawdown', 'trade', 'cost'] as const

export const marketTerrainLab: Lab<MarketTerrainConfig, TerrainMarket, MarketTerrainObservation, MarketTerrainAction> = {
  id: 'market-terrain',
  title: 'Market terrain — correlation structure, hardness and fault lines',
  origin: { kind: 'seed', seed: '004' },
  description:
    'A multi-asset universe (equity sectors, bonds, commodities, FX, crypto) switches between risk_on and risk_off with the seed’s spell lengths; each regime has its correlation blocks (stock–bond +0.3 → −0.45, equities 0.6 → 0.9), the structure erodes towards the new regime’s at a regime-dependent speed, and Hawkes bursts hit at four time scales. The terrain scanner reads 60/240-bar correlations, PCA, hardness, Ward and precision watersheds and 2σ fault lines each bar. The reference strategy holds the portfolio that matches the estimated state, gives no weight to soft terrain and goes flat when the state flips. The faithful preset keeps the seed’s numbers and contradictions; the corrected preset fixes the term-structure direction, splits hardness from fragility, lags Surprise and holds the kill switch for a week.',
  selfDescription: {
    leverageCapPath: 'risk.max_leverage',
    surface: { layout: 'network', phaseSpace: false },
    terrainView: true,
    suggestedSweep: {
      axes: [{ path: 'strategy.min_node_hardness', values: [0, 0.4, 0.5, 0.6] }, { path: 'terrain.fault_sigma', values: [1.5, 2, 3] }],
      metric: 'sharpe',
      why: 'The hardness guard against the fault-line threshold: does refusing soft terrain pay, and how noisy is a 2σ fault line?'
    }
  },
  config: { schema: MarketTerrainConfigSchema, presets: MARKET_TERRAIN_PRESETS, profiles: MARKET_TERRAIN_PROFILES },
  actions: MARKET_TERRAIN_ACTIONS,
  flatAction: 'FLAT',
  // One leg per asset class: a basket of the class's assets that pass the hardness guard (market.ts).
  legs: ASSET_CLASSES,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.universe.bars,
  regimes: () => REGIME_NAMES,
  ledger: () => ({ mode: 'compound', initialEquity: 1 }),
  decisionEvery: () => 1,

  market: (c) => terrainMarket(c),
  regimeAt: (m, t) => m.universe.regime[t]!,
  mark: (m, t, position, _c, out) => markBook(m, t, position, out),
  observation(c, m) {
    m.run = new TerrainRunState(m.bars)
    return new MarketTerrainObservation(c, m)
  },
  observe: observeInto,
  baseline: baselinePolicy,
  target: targetOf,
  risk: (c) => ({ maxLeverage: { cap: c.risk.max_leverage, mode: 'scale' }, drawdownStop: { threshold: c.risk.max_drawdown, strict: false, onBreach: 'flatten' } }),
  execution: marketTerrainExecution,
  surface: terrainSurface,

  report: (c, m) => wholeRunReport(marketTerrainLab, c, m, (run) => marketTerrainReport(run, c), REPORT_COLUMNS),
  stressMenu: marketTerrainStressMenu
}
