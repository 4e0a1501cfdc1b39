import type { ExecutionModel, LabDefinition, LabRun, StepContext } from '../../engine/kernel'
import type { LabModule } from '../lab-module'
import { stressLabels } from '../price-series'
import { LATENCY_ARB_PRESETS, LatencyArbConfigSchema, resolveConfig, type LatencyArbConfig } from './config'
import { ArbDesk } from './desk'
import { edgeBps, legPrices, quoteSurface, simulateLatencyArbMarket, type LatencyArbMarket } from './market'
import { LATENCY_ARB_ACTIONS, LEGS, baselinePolicy, directionOf, type LatencyArbAction, type LatencyArbObservation } from './policy'
import { latencyArbMetrics, latencyArbTelemetry } from './report'

// Two-venue latency arbitrage wired into the kernel: an additive currency book. An action at t
// asks for one arb; the execution model is the desk, which fills it at t + latency (so the
// step's executed trade is whatever arrives then) and books its spread as P&L at execution.
// Inventory displaced between venues is valued at one common price, so holding it marks 0
// (in-transit price risk and transfer fees are outside the seed's design).

type Context = StepContext<LatencyArbConfig, LatencyArbMarket, LatencyArbAction>

export const PNL_COMPONENTS = ['spread'] as const
export const COST_COMPONENTS = ['fees'] as const

/** The desk as the kernel's execution model: one desk per run, created at its first step. */
export function latencyArbExecution(config: LatencyArbConfig): ExecutionModel<Context> {
  let desk: ArbDesk | null = null
  const f = config.fees
  return {
    name: 'latency desk: fills at the touch after latency_steps, fees per leg',
    components: COST_COMPONENTS,
    // What the requested arb would pay in fees if it filled now (the desk fills it later).
    cost(trade, context) {
      const direction = Math.sign(trade[0] ?? 0)
      if (direction === 0) return { total: 0, components: { fees: 0 } }
      const { buy, sell } = legPrices(context.market, context.t, direction === 1 ? 1 : -1)
      const q = config.strategy.clip_notional / buy
      const fees = (q * buy * (direction === 1 ? f.venue_a_bps : f.venue_b_bps) + q * sell * (direction === 1 ? f.venue_b_bps : f.venue_a_bps)) / 1e4
      return { total: fees, components: { fees } }
    },
    execute(trade, context) {
      if (desk === null || context.t === 0) desk = new ArbDesk(config, context.market)
      const requested = Math.sign(trade[0] ?? 0)
      const fill = desk.step(context.t, requested === 1 ? 1 : requested === -1 ? -1 : 0)
      return {
        executed: Float64Array.of(fill.clipsA, -fill.clipsA),
        cost: { total: fill.fees, components: { fees: fill.fees } },
        pnl: { spread: fill.spreadPnl }
      }
    }
  }
}

function observe(context: Context): LatencyArbObservation {
  const { market: m, t, config: c } = context
  const fees = c.fees.venue_a_bps + c.fees.venue_b_bps
  const basis = c.corrections.signal_basis
  return {
    t,
    regime: m.regime[t]!,
    regimeName: c.regimes.names[m.regime[t]!] ?? String(m.regime[t]),
    midA: m.midA[t]!,
    midB: m.midB[t]!,
    midBasisBps: 1e4 * (m.midB[t]! / m.midA[t]! - 1),
    netEdgeAtoBBps: edgeBps(m, t, 1, basis) - fees,
    netEdgeBtoABps: edgeBps(m, t, -1, basis) - fees,
    thresholdBps: c.strategy.threshold_bps,
    inventoryA: context.position[0] ?? 0
  }
}

export const latencyArbLab: LabDefinition<LatencyArbConfig, LatencyArbMarket, LatencyArbObservation, LatencyArbAction> = {
  id: 'latency-arb',
  title: 'Latency arbitrage — two venues',
  // not a book chapter: microstructure-lab notebook 04
  chapter: 0,
  description:
    'Cross-venue arbitrage between a leading and a lagging venue: a common GBM price with calm/stressed volatility, venue B catching up on venue A, bid/ask quotes and taker fees; the arb seen at t fills after a latency at the prices then and ties up inventory until its transfer completes.',
  configSchema: LatencyArbConfigSchema,
  presets: LATENCY_ARB_PRESETS,
  actions: LATENCY_ARB_ACTIONS,
  flatAction: 'HOLD',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  seedOf: (c) => c.seed,
  regimeNames: (c) => c.regimes.names,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk_params.capital }),
  // arbs are per-quote decisions: holding an ARB decision would fire it again every step
  decisionEvery: () => 1,
  simulateMarket: simulateLatencyArbMarket,
  steps: (c) => c.T,
  finalMark: false,
  regimeAt: (m, t) => m.regime[t]!,
  mark: () => ({ spread: 0 }),
  observe,
  surface: (m, t) => quoteSurface(m, t),
  baseline: baselinePolicy,
  actionToTarget: (action, _o, context) => {
    const d = directionOf(action)
    const a = context.position[0] ?? 0
    return Float64Array.of(a + d, -(a + d))
  },
  // a halting stop: a flattening one would turn "flat" into an opposite arb request
  riskRules: (c) => ({ drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'halt' } }),
  execution: latencyArbExecution
}

/** One factor at a time against the frozen base. */
export function latencyArbStressMenu(config: LatencyArbConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const { latency_steps: L, transfer_delay_steps: D } = config.latency
  const vp = config.venue_params
  const mp = config.market_params
  const P = config.regimes.P
  const toStress = Math.min(1, 2 * (P[0]?.[1] ?? 0))
  return [
    { name: 'latency doubled (at least +1 step)', overrides: { 'latency.latency_steps': Math.min(config.T - 1, Math.max(L + 1, 2 * L)) } },
    { name: 'transfer delay doubled', overrides: { 'latency.transfer_delay_steps': Math.max(D + 1, 2 * D) } },
    { name: 'fees doubled', overrides: { 'fees.venue_a_bps': 2 * config.fees.venue_a_bps, 'fees.venue_b_bps': 2 * config.fees.venue_b_bps } },
    { name: 'half-spreads doubled', overrides: { 'venue_params.a_half_spread_bps': 2 * vp.a_half_spread_bps, 'venue_params.b_half_spread_bps': 2 * vp.b_half_spread_bps } },
    { name: 'venue B catches up twice as fast', overrides: { 'venue_params.b_adjust_speed': Math.min(1, 2 * vp.b_adjust_speed) } },
    { name: 'volatility +50%', overrides: { 'market_params.vol_calm': 1.5 * mp.vol_calm, 'market_params.vol_stressed': 1.5 * mp.vol_stressed } },
    { name: 'stress entered twice as often', overrides: { 'regimes.P': [[1 - toStress, toStress], [...(P[1] ?? [0, 1])]] } },
    { name: 'inventory halved', overrides: { 'risk_params.inventory_clips': Math.max(1, Math.floor(config.risk_params.inventory_clips / 2)) } }
  ]
}

export const latencyArbModule: LabModule = {
  definition: latencyArbLab,
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    regimePriceSeries: 'efficient price',
    suggestedSweep: {
      axes: [{ path: 'latency.latency_steps', values: [0, 1, 2, 5] }, { path: 'strategy.threshold_bps', values: [1, 2, 5, 10] }],
      metric: 'win_rate',
      why: 'The book\'s latency × threshold grid (notebook 04): how fast the edge decays with delay.'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => latencyArbMetrics(run as LabRun<LatencyArbMarket>, config as LatencyArbConfig),
  telemetry: (run, config) => latencyArbTelemetry(run as LabRun<LatencyArbMarket>, config as LatencyArbConfig),
  stressMenu: (config) => latencyArbStressMenu(config as LatencyArbConfig),
  priceSeries: (config) => {
    const m = simulateLatencyArbMarket(config as LatencyArbConfig)
    return { name: 'efficient price', closes: m.efficient, labels: stressLabels(m.regime) }
  }
}

export { resolveConfig }
