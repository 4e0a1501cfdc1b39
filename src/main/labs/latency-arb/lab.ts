import type { Lab } from '../../engine/kernel'
import { stressLabels } from '../price-series'
import { LATENCY_ARB_PRESETS, LatencyArbConfigSchema, latencyArbStressMenu, type LatencyArbConfig } from './config'
import { PNL_COMPONENTS, latencyArbExecution, latencyArbMarket } from './execution'
import { simulateLatencyArbPath, type LatencyArbMarket } from './market'
import { LatencyArbReportObserver } from './metrics'
import { LATENCY_ARB_ACTIONS, LEGS, LatencyArbObservation, actionToTarget, baselinePolicy, type LatencyArbAction } from './policy'
import { quoteSurface, readQuoteFeatures } from './surface'

// Two-venue latency arbitrage wired into the kernel: an additive currency book. An action at t
// asks for one arb; the execution model is the desk, which fills it at t + latency (so the
// step's executed trade is whatever arrives then) and books its spread as P&L at execution.
// Inventory displaced between venues is valued at one common price, so holding it marks 0
// (in-transit price risk and transfer fees are outside the seed's design).

export const latencyArbLab: Lab<LatencyArbConfig, LatencyArbMarket, LatencyArbObservation, LatencyArbAction> = {
  id: 'latency-arb',
  title: 'Latency arbitrage — two venues',
  origin: { kind: 'seed', seed: 'microstructure-lab notebook 04 (two-venue latency arb)' },
  description:
    'Cross-venue arbitrage between a leading and a lagging venue: a common GBM price with calm/stressed volatility, venue B catching up on venue A, bid/ask quotes and taker fees; the arb seen at t fills after a latency at the prices then and ties up inventory until its transfer completes.',
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'latency.latency_steps', values: [0, 1, 2, 5] }, { path: 'strategy.threshold_bps', values: [1, 2, 5, 10] }],
      metric: 'win_rate',
      why: 'The book\'s latency × threshold grid (notebook 04): how fast the edge decays with delay.'
    }
  },
  config: { schema: LatencyArbConfigSchema, presets: LATENCY_ARB_PRESETS },
  actions: LATENCY_ARB_ACTIONS,
  flatAction: 'HOLD',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.T,
  regimes: (c) => c.regimes.names,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk_params.capital }),
  // arbs are per-quote decisions: holding an ARB decision would fire it again every step
  decisionEvery: () => 1,

  market: (c) => latencyArbMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  // displaced inventory is valued at one common price: holding it marks 0 (spread is booked at execution)
  mark(_m, _t, _position, _c, out) {
    out[0] = 0
  },
  observation: (c) => new LatencyArbObservation(c),
  observe(context, o) {
    const { market: m, t, config: c } = context
    o.t = t
    o.regime = m.regime[t]!
    o.regimeName = c.regimes.names[o.regime] ?? String(o.regime)
    readQuoteFeatures(m, t, c, o)
    o.inventoryA = context.position[0]!
  },
  baseline: (o) => baselinePolicy(o),
  target(action, _o, context, out) {
    actionToTarget(action, context.position[0]!, out)
  },
  // a halting stop: a flattening one would turn "flat" into an opposite arb request
  risk: (c) => ({ drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'halt' } }),
  execution: latencyArbExecution,
  surface: (m, t) => quoteSurface(m, t),

  // folded chunk by chunk: a 2,000,000-step run keeps its net P&L series and no per-arb records
  report: (c, m) => new LatencyArbReportObserver(c, m, latencyArbLab.ledger(c).initialEquity),
  stressMenu: latencyArbStressMenu,
  priceSeries: {
    name: 'efficient price',
    series: (c) => {
      const m = simulateLatencyArbPath(c)
      return { closes: m.efficient, labels: stressLabels(m.regime) }
    }
  }
}
