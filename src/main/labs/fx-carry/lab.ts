import type { ExecutionModel, LabDefinition, LabRun, PnlComponents, StepContext } from '../../engine/kernel'
import type { LabModule } from '../lab-module'
import { closesFromReturns, stressLabels } from '../price-series'
import { FX_CARRY_PRESETS, FxCarryConfigSchema, resolveConfig, type FxCarryConfig } from './config'
import { RISK_OFF, simulateMarketPath } from './market'
import { fxCarryMetrics, fxCarryTelemetry } from './metrics'
import { FX_CARRY_ACTIONS, actionToTarget, baselinePolicy, type FxCarryAction, type FxCarryObservation } from './policy'
import { buildCarrySurfaces, carrySurfaceAt, surfaceFeatures, type FxCarryMarket } from './surface'

// Chapter 3 wired into the kernel (book ch.3; notebook cells 11–46). The notebook's step t books
// pnl = pos_prev·(carry_t + basket_ret_t) − cost_t and equity ← equity·(1 + pnl), then stops when
// drawdown ≥ max_dd_stop: the kernel's compound ledger marking the old position at t, a halting
// stop and no closing mark.

type Context = StepContext<FxCarryConfig, FxCarryMarket, FxCarryAction>

export const PNL_COMPONENTS = ['carry', 'spot'] as const
export const COST_COMPONENTS = ['proportional', 'impact'] as const

/** The exogenous path and its carry surface, from the config alone. */
export function fxCarryMarket(config: FxCarryConfig): FxCarryMarket {
  const path = simulateMarketPath(config)
  return { ...path, carry: buildCarrySurfaces(path, config) }
}

/** notebook cell 21 (FXCarryEnv.step): the position held into t earns carry and the basket's spot move at t. */
export function markPosition(market: FxCarryMarket, t: number, position: Float64Array): PnlComponents {
  const pos = position[0] ?? 0
  return { carry: pos * market.carry.carryPerStep[t]!, spot: pos * market.basketReturn[t]! }
}

/**
 * book ch.3 §4.2; notebook cell 21: total_bps = cost_bps + impact_bps(regime)·turnover^(exp − 1)
 * when turnover > 0, cost = total_bps/1e4 · turnover; the impact component is the rest.
 */
export function fxCarryExecution(config: FxCarryConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  return {
    name: 'proportional + regime-dependent convex impact',
    components: COST_COMPONENTS,
    cost(trade, context) {
      const turnover = Math.abs(trade[0] ?? 0)
      if (!(turnover > 0.0)) return { total: 0, components: { proportional: 0, impact: 0 } }
      const impactBps = context.market.regimes[context.t] === RISK_OFF ? ep.impact_bps_risk_off : ep.impact_bps_calm
      const totalBps = ep.cost_bps + impactBps * turnover ** (ep.impact_exponent - 1.0)
      const total = (totalBps / 1e4) * turnover
      const proportional = (ep.cost_bps / 1e4) * turnover
      return { total, components: { proportional, impact: total - proportional } }
    }
  }
}

function observe(context: Context): FxCarryObservation {
  const { market: m, t, config: c } = context
  const regime = m.regimes[t]!
  const features = surfaceFeatures(m, t, c)
  return {
    t,
    regime,
    regimeName: c.regimes.names[regime] ?? String(regime),
    riskSentiment: m.riskSentiment[t]!,
    ...features,
    position: context.position[0] ?? 0,
    leverage: context.leverage,
    recentCost: context.lastCost,
    lastAction: context.lastAction,
    thresholds: { carryGood: c.policy_params.carry_good_threshold, riskExtreme: c.policy_params.risk_extreme_threshold }
  }
}

export const fxCarryLab: LabDefinition<FxCarryConfig, FxCarryMarket, FxCarryObservation, FxCarryAction> = {
  id: 'fx-carry',
  title: 'FX carry — forward carry system',
  chapter: 3,
  description:
    'Carry as compensation for regime-dependent tail risk: a currency × tenor carry surface from rate differentials, calm vs risk-off regimes with injected stress windows, USD safe-haven rallies with common jumps, regime-dependent impact, a position limit and a drawdown stop.',
  configSchema: FxCarryConfigSchema,
  presets: FX_CARRY_PRESETS,
  actions: FX_CARRY_ACTIONS,
  flatAction: 'FLAT',
  legs: ['high_yield_basket_vs_usd'],
  pnlComponents: PNL_COMPONENTS,
  seedOf: (c) => c.seed,
  regimeNames: (c) => c.regimes.names,
  // notebook cell 21: equity starts at 1.0 and compounds the step's return
  ledger: () => ({ mode: 'compound', initialEquity: 1.0 }),
  decisionEvery: (c) => c.policy_params.decision_every,
  simulateMarket: fxCarryMarket,
  // notebook cell 41: t = 0 … T−1, each booking the old position's P&L at t
  steps: (c) => c.T,
  finalMark: false,
  regimeAt: (m, t) => m.regimes[t]!,
  mark: markPosition,
  observe,
  surface: carrySurfaceAt,
  baseline: baselinePolicy,
  actionToTarget: (action, o, context) => Float64Array.of(actionToTarget(action, o.regime, context.config)),
  // notebook cell 21: clip to ±pos_limit, then to ±max_leverage; notebook cell 41: stop when dd ≥ max_dd_stop
  riskRules: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    maxLeverage: { cap: c.risk_params.max_leverage, mode: 'clip' },
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'halt' }
  }),
  execution: fxCarryExecution
}

/** The interpretive mechanism table the memo carries (book ch.3 outputs; notebook cell 46), in short. */
export const FX_CARRY_MECHANISMS = [
  {
    mechanism: 'Forward carry from rate differentials',
    proxy: 'Mean 30-day carry across currencies, read off the carry matrix',
    observe: 'A slow positive grind in calm while the book is long',
    fragility: 'The carry earned locally is exposed to clustered losses in stress',
    execution: 'High turnover lets bps-level costs eat the carry'
  },
  {
    mechanism: 'Risk-off: USD safe haven and funding squeeze',
    proxy: 'Risk-off regime: spreads compress, vol rises, common jumps',
    observe: 'Drawdowns gather in risk-off windows; the policy moves to neutral or short',
    fragility: 'Tails dominate; path dependence and the stop matter',
    execution: 'Impact is larger in stress, so late de-risking costs twice'
  },
  {
    mechanism: 'Regime clustering (Markov persistence and injected windows)',
    proxy: 'Contiguous risk-off blocks rather than isolated shocks',
    observe: 'Runs of adverse steps; recovery can be slow',
    fragility: 'Position and leverage limits bind on the way back',
    execution: 'Survival limits are part of the design, not decoration'
  }
] as const

/** The book's experiments (ch.3), one factor at a time against the frozen base config. */
export function fxCarryStressMenu(config: FxCarryConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const P = config.regimes.P
  const toRiskOff = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  const ep = config.execution_params
  const mp = config.market_params
  return [
    { name: 'position limit halved', overrides: { 'risk_params.pos_limit': config.risk_params.pos_limit / 2 } },
    { name: 'impact doubled', overrides: { 'execution_params.impact_bps_calm': ep.impact_bps_calm * 2, 'execution_params.impact_bps_risk_off': ep.impact_bps_risk_off * 2 } },
    { name: 'risk-off twice as frequent', overrides: { 'regimes.P': [[1 - toRiskOff, toRiskOff], [...(P[1] ?? [0, 1])]] } },
    { name: 'fatter tails (jump probability and size doubled)', overrides: { 'market_params.jump_prob_risk_off': Math.min(1, 2 * mp.jump_prob_risk_off), 'market_params.jump_size_mean': 2 * mp.jump_size_mean } },
    { name: 'carry dispersion doubled', overrides: { 'market_params.rate_spread_disp': 2 * mp.rate_spread_disp } },
    { name: 'decision cadence 10 (the notebook LLM run)', overrides: { 'policy_params.decision_every': 10 } }
  ]
}

/** The registry's view of the lab: definition, config resolution, metrics, telemetry, stress menu. */
export const fxCarryModule: LabModule = {
  definition: fxCarryLab,
  selfDescription: {
    leverageCapPath: 'risk_params.max_leverage',
    surface: { layout: 'grid', phaseSpace: false },
    regimePriceSeries: 'high-yield basket vs USD (index, 100 at bar 0)',
    suggestedSweep: {
      axes: [{ path: 'risk_params.max_leverage', values: [0.25, 0.5, 0.75, 1] }, { path: 'execution_params.cost_bps', values: [0.5, 1.5, 5, 15] }],
      metric: 'sharpe_like',
      why: 'How much carry survives a tighter cap and dearer trading (book ch.3 experiments).'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => fxCarryMetrics(run as LabRun<FxCarryMarket>, config as FxCarryConfig),
  telemetry: (run) => fxCarryTelemetry(run as LabRun<FxCarryMarket>),
  stressMenu: (config) => fxCarryStressMenu(config as FxCarryConfig),
  priceSeries: (config) => {
    const m = fxCarryMarket(config as FxCarryConfig)
    return { name: 'high-yield basket vs USD (index, 100 at bar 0)', closes: closesFromReturns(m.basketReturn), labels: stressLabels(m.regimes) }
  }
}

export { resolveConfig }
