import type { Lab } from '../../engine/kernel'
import { stressLabels } from '../price-series'
import {
  MICROSTRUCTURE_PRESETS,
  MICROSTRUCTURE_PROFILES,
  MicrostructureConfigSchema,
  REGIME_NAMES,
  microstructureDefaults,
  microstructureStressMenu,
  type MicrostructureConfig
} from './config'
import { Exchange, PNL_COMPONENTS, microstructureExecution } from './execution'
import { ScenarioStream, scenarioSeries, type MicrostructureMarket } from './market'
import { microstructureReport } from './metrics'
import { MICROSTRUCTURE_ACTIONS, MicrostructureObservation, actionToOrders, baselinePolicy, type MicrostructureAction } from './policy'
import { depthSurface, readBookFeatures } from './surface'

// The microstructure lab wired into the kernel (seed: microstructure-lab README). One kernel step
// is one simulation step: mark the inventory carried into t to mid(t); set the book's depth at t
// (observe); the strategy decides; its action becomes a quote plan and a target (inventory + market
// order); the exchange runs the orders and the step's flow and reports what executed (execution.ts).
// The ledger is additive: P&L in currency, inventory the single leg; no closing mark (inventory is
// valued at the last step's mid, and fills of the last step are booked at it).

/** The scenario from the seed (generated as the run reads it), and a fresh book and fill stream for one run. */
export function microstructureMarket(config: MicrostructureConfig): MicrostructureMarket {
  const scenario = ScenarioStream.simulate(config)
  return { config, scenario, exchange: new Exchange(scenario, config), browse: null }
}

export const microstructureLab: Lab<MicrostructureConfig, MicrostructureMarket, MicrostructureObservation, MicrostructureAction> = {
  id: 'microstructure',
  title: 'Microstructure — market making and execution on a limit order book',
  origin: { kind: 'seed', seed: '003' },
  description:
    'A limit order book with multi-level depth around a regime-switching GBM mid; spreads widen with volatility. Market making with inventory skew, TWAP, momentum and a do-nothing control; passive fills decay with distance from the touch, informed takers cross into stale quotes; maker/taker fees; P&L split into spread capture, adverse selection, fees and inventory.',
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'strategy.half_spread_bps', values: [1, 2, 3, 5] }, { path: 'scenario.sigma_bps', values: [2, 4, 8] }],
      metric: 'final_pnl',
      why: 'Quote width against volatility: spread capture against adverse selection.'
    }
  },
  config: { schema: MicrostructureConfigSchema, presets: MICROSTRUCTURE_PRESETS, profiles: MICROSTRUCTURE_PROFILES, defaults: microstructureDefaults },
  actions: MICROSTRUCTURE_ACTIONS,
  flatAction: 'HOLD',
  legs: ['inventory'],
  // execution.ts: inventory is marked; spread capture and rebates are booked at each fill
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.steps,
  regimes: () => REGIME_NAMES,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk.initial_equity }),
  decisionEvery: (c) => c.strategy.decision_every,

  market: (c) => microstructureMarket(c),
  regimeAt: (m, t) => m.scenario.regime[t & m.scenario.mask]!,
  // The inventory carried from t−1 marked to mid(t); fills book their own P&L at execution.
  mark(m, t, position, _c, out) {
    const s = m.scenario
    s.ensure(t)
    out[0] = position[0]! * (s.mid[t & s.midMask]! - s.mid[(t - 1) & s.midMask]!)
    out[1] = 0
    out[2] = 0
  },
  observation: (c, m) => new MicrostructureObservation(c, m.scenario),
  observe(context, o) {
    const m = context.market
    m.exchange.advance(context.t)
    readBookFeatures(m.scenario, context.t, o)
    o.inventory = context.position[0]!
  },
  baseline: baselinePolicy,
  target(action, o, context, out) {
    actionToOrders(action, o, context.market.exchange, context.position[0]!, out)
  },
  // Hard |inventory| limit: a logged constraint event, and a market order back inside it.
  risk: (c) => ({ positionLimit: c.risk.position_limit }),
  execution: microstructureExecution,
  surface: (m, t) => depthSurface(m, t),

  report: microstructureReport,
  stressMenu: microstructureStressMenu,
  priceSeries: {
    name: 'mid',
    series: (c) => {
      const { mid, regime } = scenarioSeries(c)
      return { closes: mid, labels: stressLabels(regime) }
    }
  }
}
