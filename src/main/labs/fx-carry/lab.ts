import { wholeRunReport, type Lab } from '../../engine/kernel'
import { closesFromReturns, stressLabels } from '../price-series'
import { FX_CARRY_PRESETS, FxCarryConfigSchema, fxCarryStressMenu, type FxCarryConfig } from './config'
import { fxCarryExecution } from './execution'
import { fxCarryReport } from './metrics'
import { FX_CARRY_ACTIONS, FxCarryObservation, actionToTarget, baselinePolicy, type FxCarryAction } from './policy'
import { SurfaceScratch, carrySurfaceAt, fxCarryMarket, readSurfaceFeatures, type FxCarryMarket } from './surface'

// Chapter 3 wired into the kernel (book ch.3; notebook cells 11–46). The notebook's step t books
// pnl = pos_prev·(carry_t + basket_ret_t) − cost_t and equity ← equity·(1 + pnl), then stops when
// drawdown ≥ max_dd_stop: the kernel's compound ledger marking the old position at t, a halting
// stop and no closing mark.

/** The observation with the scratch its surface features are read through. */
type Observation = FxCarryObservation & { scratch: SurfaceScratch }

const REPORT_COLUMNS = ['regime', 'action', 'source', 'trade', 'pnlByComponent', 'cost', 'costByComponent', 'equity'] as const

export const fxCarryLab: Lab<FxCarryConfig, FxCarryMarket, Observation, FxCarryAction> = {
  id: 'fx-carry',
  title: 'FX carry — forward carry system',
  origin: { kind: 'book', chapter: 3, notebook: 'notebooks/CHAPTER_3.ipynb' },
  description:
    'Carry as compensation for regime-dependent tail risk: a currency × tenor carry surface from rate differentials, calm vs risk-off regimes with injected stress windows, USD safe-haven rallies with common jumps, regime-dependent impact, a position limit and a drawdown stop.',
  selfDescription: {
    leverageCapPath: 'risk_params.max_leverage',
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'risk_params.max_leverage', values: [0.25, 0.5, 0.75, 1] }, { path: 'execution_params.cost_bps', values: [0.5, 1.5, 5, 15] }],
      metric: 'sharpe_like',
      why: 'How much carry survives a tighter cap and dearer trading (book ch.3 experiments).'
    }
  },
  config: { schema: FxCarryConfigSchema, presets: FX_CARRY_PRESETS },
  actions: FX_CARRY_ACTIONS,
  flatAction: 'FLAT',
  legs: ['high_yield_basket_vs_usd'],
  // notebook cell 21: pnl = pos_prev·carry + pos_prev·spot_ret
  pnlComponents: ['carry', 'spot'],
  finalMark: false,
  seed: (c) => c.seed,
  // notebook cell 41: t = 0 … T−1, each booking the old position's P&L at t
  steps: (c) => c.T,
  regimes: (c) => c.regimes.names,
  // notebook cell 21: equity starts at 1.0 and compounds the step's return
  ledger: () => ({ mode: 'compound', initialEquity: 1.0 }),
  decisionEvery: (c) => c.policy_params.decision_every,

  market: (c) => fxCarryMarket(c),
  regimeAt: (m, t) => m.regimes[t]!,
  // notebook cell 21 (FXCarryEnv.step): the position held into t earns carry and the basket's spot move at t
  mark(m, t, position, _c, out) {
    const pos = position[0]!
    out[0] = pos * m.carry.carryPerStep[t]!
    out[1] = pos * m.basketReturn[t]!
  },
  observation: (c) => Object.assign(new FxCarryObservation(c), { scratch: new SurfaceScratch(c) }),
  observe(context, o) {
    const { market: m, t, config: c } = context
    o.t = t
    o.regime = m.regimes[t]!
    o.regimeName = c.regimes.names[o.regime] ?? String(o.regime)
    o.riskSentiment = m.riskSentiment[t]!
    readSurfaceFeatures(m, t, c, o, o.scratch)
    o.position = context.position[0]!
    o.leverage = context.leverage
    o.recentCost = context.lastCost
    o.lastAction = context.lastAction
  },
  baseline: (o) => baselinePolicy(o),
  target(action, o, context, out) {
    out[0] = actionToTarget(action, o.regime, context.config)
  },
  // notebook cell 21: clip to ±pos_limit, then to ±max_leverage; notebook cell 41: stop when dd ≥ max_dd_stop
  risk: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    maxLeverage: { cap: c.risk_params.max_leverage, mode: 'clip' },
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'halt' }
  }),
  execution: fxCarryExecution,
  surface: carrySurfaceAt,

  // the columns summarize_metrics and the telemetry read (metrics.ts)
  report: (c, m) => wholeRunReport(fxCarryLab, c, m, (run) => fxCarryReport(run, c), REPORT_COLUMNS),
  stressMenu: fxCarryStressMenu,
  priceSeries: {
    name: 'high-yield basket vs USD (index, 100 at bar 0)',
    series: (c) => {
      const m = fxCarryMarket(c)
      return { closes: closesFromReturns(m.basketReturn), labels: stressLabels(m.regimes) }
    }
  }
}
