import { runLab, type ExecutionModel, type LabDefinition, type LabRun, type StepContext, type Surface } from '../../engine/kernel'
import type { LabModule } from '../lab-module'
import { stressLabels } from '../price-series'
import { MICROSTRUCTURE_PRESETS, MicrostructureConfigSchema, REGIME_NAMES, resolveConfig, type MicrostructureConfig } from './config'
import { COST_COMPONENTS, Exchange, PNL_COMPONENTS } from './fills'
import { simulateScenario, type ScenarioPath } from './market'
import { microMetrics, microTelemetry, type MicroMarket } from './metrics'
import { ACTIONS, actionToOrders, baselinePolicy, type MicroAction, type MicroObservation } from './policy'

// The microstructure lab wired into the kernel (seed: microstructure-lab README). One kernel step
// is one simulation step: mark the inventory carried into t to mid(t); set the book's depth at t
// (observe); the strategy decides; its action becomes a quote plan and a target (inventory + market
// order); the exchange runs the orders and the step's flow and reports what executed (fills.ts).
// The ledger is additive: P&L in currency, inventory the single leg.

type Context = StepContext<MicrostructureConfig, MicroRunMarket, MicroAction>

/** The scenario path plus the run's mutable exchange and reused per-step buffers. */
export type MicroRunMarket = MicroMarket & {
  target: Float64Array
  markPnl: { inventory: number; spread_capture: number; rebate: number }
  observation: BookObservation
}

/**
 * What the strategy sees, refilled in place each step (valid for the step it is given to). Right
 * after the depth is set the book holds only the path's background depth, so the weighted mid and
 * the imbalance are read off the path, on demand (equal to the book's own: tested).
 */
class BookObservation implements MicroObservation {
  t = 0
  mid = 0
  bestBid = 0
  bestAsk = 0
  spreadTicks = 0
  inventory = 0
  momentumBps = Number.NaN

  constructor(
    readonly strategy: MicrostructureConfig['strategy'],
    readonly tick: number,
    private readonly path: ScenarioPath
  ) {}

  get weightedMid(): number {
    const p = this.path
    const bidTop = p.depthBid[this.t * p.levels]!
    const askTop = p.depthAsk[this.t * p.levels]!
    return (this.bestBid * askTop + this.bestAsk * bidTop) / (bidTop + askTop)
  }

  get imbalance(): number {
    const p = this.path
    let bids = 0
    let asks = 0
    for (let k = this.t * p.levels; k < (this.t + 1) * p.levels; k++) {
      bids += p.depthBid[k]!
      asks += p.depthAsk[k]!
    }
    return (bids - asks) / (bids + asks)
  }

  toJSON(): Omit<MicroObservation, 'strategy'> & { strategy: string } {
    const { t, mid, tick, bestBid, bestAsk, spreadTicks, weightedMid, imbalance, inventory, momentumBps } = this
    return { t, strategy: this.strategy.type, mid, tick, bestBid, bestAsk, spreadTicks, weightedMid, imbalance, inventory, momentumBps }
  }
}

/** The exogenous path from the seed, and a fresh book and fill stream for this run. */
export function microMarket(config: MicrostructureConfig, path: ScenarioPath = simulateScenario(config)): MicroRunMarket {
  return {
    ...path,
    exchange: new Exchange(path, config),
    target: new Float64Array(1),
    markPnl: { inventory: 0, spread_capture: 0, rebate: 0 },
    observation: new BookObservation(config.strategy, path.tick, path)
  }
}

function observe(context: Context): MicroObservation {
  const { market: m, t } = context
  m.exchange.advance(t)
  const w = m.observation.strategy.window
  const o = m.observation
  o.t = t
  o.mid = m.mid[t]!
  o.bestBid = m.bidTick[t]!
  o.bestAsk = m.askTick[t]!
  o.spreadTicks = o.bestAsk - o.bestBid
  o.inventory = context.position[0] ?? 0
  o.momentumBps = t >= w ? Math.log(m.mid[t]! / m.mid[t - w]!) * 1e4 : Number.NaN
  return o
}

/** The inventory carried from t−1 marked to mid(t). */
function mark(market: MicroRunMarket, t: number, position: Float64Array): MicroRunMarket['markPnl'] {
  const pnl = market.markPnl
  pnl.inventory = (position[0] ?? 0) * (market.mid[t]! - market.mid[t - 1]!)
  return pnl
}

function execution(): ExecutionModel<Context> {
  return {
    name: 'limit order book: post-only quotes, market orders, informed and uninformed flow, maker/taker fees',
    components: COST_COMPONENTS,
    // Without a book the kernel could only price a requested trade; this lab always executes.
    cost: () => ({ total: 0, components: { maker_fee: 0, taker_fee: 0 } }),
    execute: (trade, context) => context.market.exchange.execute(context.t, trade[0] ?? 0)
  }
}

/** The depth ladder at t: side × level from the touch, in lots (the background book the scenario set). */
function depthSurface(m: MicroRunMarket, t: number): Surface {
  const L = m.levels
  const values = new Float64Array(2 * L)
  values.set(m.depthBid.subarray(t * L, (t + 1) * L), 0)
  values.set(m.depthAsk.subarray(t * L, (t + 1) * L), L)
  const labels = Array.from({ length: L }, (_, k) => String(k))
  return {
    name: 'depth',
    unit: 'lots',
    axes: [
      { name: 'side', unit: '', labels: ['bid', 'ask'] },
      { name: 'level', unit: 'ticks from the touch', labels, values: labels.map(Number) }
    ],
    values
  }
}

export const microstructureLab: LabDefinition<MicrostructureConfig, MicroRunMarket, MicroObservation, MicroAction> = {
  id: 'microstructure',
  title: 'Microstructure — market making and execution on a limit order book',
  chapter: 0,
  description:
    'A limit order book with multi-level depth around a regime-switching GBM mid; spreads widen with volatility. Market making with inventory skew, TWAP, momentum and a do-nothing control; passive fills decay with distance from the touch, informed takers cross into stale quotes; maker/taker fees; P&L split into spread capture, adverse selection, fees and inventory.',
  configSchema: MicrostructureConfigSchema,
  presets: MICROSTRUCTURE_PRESETS,
  actions: ACTIONS,
  flatAction: 'HOLD',
  legs: ['inventory'],
  pnlComponents: PNL_COMPONENTS,
  seedOf: (c) => c.seed,
  regimeNames: () => REGIME_NAMES,
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk.initial_equity }),
  decisionEvery: (c) => c.strategy.decision_every,
  simulateMarket: (c) => microMarket(c),
  steps: (c) => c.steps,
  // Inventory is valued at the last step's mid; fills of the last step are booked at it.
  finalMark: false,
  regimeAt: (m, t) => m.regime[t]!,
  mark,
  observe,
  surface: depthSurface,
  baseline: baselinePolicy,
  actionToTarget: (action, o, context) => actionToOrders(action, o, context.market.exchange, context.position[0] ?? 0, context.market.target),
  riskRules: (c) => ({ positionLimit: c.risk.position_limit }),
  execution
}

/** One factor at a time against the frozen base: volatility, stress, spreads, fees, flow toxicity, depth. */
export function microStressMenu(config: MicrostructureConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const s = config.scenario
  return [
    { name: 'volatility doubled', overrides: { 'scenario.sigma_bps': s.sigma_bps * 2 } },
    { name: 'stress entered twice as often', overrides: { 'scenario.p_enter_stress': Math.min(1, s.p_enter_stress * 2) } },
    { name: 'spread twice as sensitive to volatility', overrides: { 'scenario.spread_vol_sensitivity': s.spread_vol_sensitivity * 2 } },
    { name: 'depth halved', overrides: { 'scenario.depth_qty': s.depth_qty / 2 } },
    { name: 'informed flow doubled', overrides: { 'fills.cross_base_prob': Math.min(1, config.fills.cross_base_prob * 2) } },
    { name: 'no maker rebate, taker fee doubled', overrides: { 'fees.maker_fee_bps': Math.max(0, config.fees.maker_fee_bps), 'fees.taker_fee_bps': config.fees.taker_fee_bps * 2 } },
    { name: 'trending mid (+1 bp per step)', overrides: { 'scenario.drift_bps': s.drift_bps + 1 } }
  ]
}

/** Runs the lab on a resolved config (for tests and the bench): the run, its metrics and its book events. */
export async function runMicrostructure(config: MicrostructureConfig) {
  const run = (await runLab(microstructureLab, config)) as LabRun<MicroRunMarket>
  return { run, metrics: microMetrics(run, config), events: run.market.exchange.book.events }
}

export const microstructureModule: LabModule = {
  definition: microstructureLab,
  selfDescription: {
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    regimePriceSeries: 'mid',
    suggestedSweep: {
      axes: [{ path: 'strategy.half_spread_bps', values: [1, 2, 3, 5] }, { path: 'scenario.sigma_bps', values: [2, 4, 8] }],
      metric: 'final_pnl',
      why: 'Quote width against volatility: spread capture against adverse selection.'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => microMetrics(run as LabRun<MicroRunMarket>, config as MicrostructureConfig),
  telemetry: (run, config) => microTelemetry(run as LabRun<MicroRunMarket>, config as MicrostructureConfig),
  stressMenu: (config) => microStressMenu(config as MicrostructureConfig),
  priceSeries: (config) => {
    const path = simulateScenario(config as MicrostructureConfig)
    return { name: 'mid', closes: path.mid, labels: stressLabels(path.regime) }
  },
  // The seed's three configs, selectable as presets: `--preset twap`.
  profiles: {
    baseline_mm: { description: 'InventorySkewMM, 2500 steps, sigma_bps 4.0, inv_penalty_bps 0.8 (the seed\'s baseline)', overrides: { profile: 'baseline_mm' } },
    twap: { description: 'TWAP slicing a target inventory over total_steps', overrides: { profile: 'twap' } },
    momentum: { description: 'Momentum: rolling-window return signal → market orders', overrides: { profile: 'momentum' } }
  }
}

export { resolveConfig }
