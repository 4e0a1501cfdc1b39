import { wholeRunReport, type Lab } from '../../engine/kernel'
import { ORDER_FLOW_PRESETS, OrderFlowConfigSchema, REGIME_NAMES, orderFlowStressMenu, type OrderFlowConfig } from './config'
import { PNL_COMPONENTS, orderFlowExecution } from './execution'
import { INITIAL_EQUITY, OrderFlowRunState, orderFlowMarket, type OrderFlowMarket } from './market'
import { orderFlowReport } from './metrics'
import { LEGS, ORDER_FLOW_ACTIONS, OrderFlowObservation, baselinePolicy, constrainedTarget, observeInto, type OrderFlowAction } from './policy'
import { impactSurface } from './surface'

// Chapter 8 wired into the kernel (book ch.8; notebook CELLS 3–9). Kernel step t is the
// notebook's t: the old inventory is marked over t−1 → t (the notebook's pre-trade mark), the
// policy decides, the trade fills at t's mid with its costs, and the book is marked again at the
// same mid. The run state keeps the notebook's cash arithmetic for its own equity, drawdown and
// cost curves (the metrics); the kernel's ledger books the same P&L by component.

const REPORT_COLUMNS = ['action', 'trade', 'costByComponent', 'pnlByComponent'] as const

export const orderFlowLab: Lab<OrderFlowConfig, OrderFlowMarket, OrderFlowObservation, OrderFlowAction> = {
  id: 'order-flow',
  title: 'Order flow — liquidity / impact surface',
  origin: { kind: 'book', chapter: 8, notebook: 'notebooks/CHAPTER_8.ipynb' },
  description:
    'Flow creates price, costs create reality: signed order-flow imbalance moves the mid, more when depth is thin, under benign, mixed and toxic execution regimes. The surface is a 4 × 4 grid of expected impact in bps by trade size and execution horizon, convex in size and rising with toxicity and illiquidity. The baseline provides liquidity against moderate imbalance, takes it with strong imbalance in a good book and stays flat when the book is toxic or thin, under a leverage cap, a position limit and a drawdown stop. The faithful preset keeps the notebook’s double charge of costs (a passive fill can never earn the spread), free flattening, impact from a bucket fixed by the action and a stop only the baseline obeys; the corrected preset fixes each.',
  selfDescription: {
    // the cap scales the target on |inventory·mid|/equity inside target(): no kernel leverage rule reads it
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'execution_params.adverse_selection_lambda', values: [0.1, 0.25, 0.75, 2] }, { path: 'risk_params.max_leverage', values: [2, 20, 100] }],
      metric: 'final_equity',
      why: 'Adverse selection against the leverage cap: when passive provision stops paying, and how size turns costs into drawdown (book ch.8 experiments 3 and 5).'
    }
  },
  config: { schema: OrderFlowConfigSchema, presets: ORDER_FLOW_PRESETS },
  actions: ORDER_FLOW_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.T,
  regimes: () => REGIME_NAMES,
  // notebook CELL 5: Portfolio(cash = 1.0, inv = 0, equity = 1.0); equity = cash + inv·mid
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: () => 1,

  market: (c) => orderFlowMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  /** The inventory carried into t over t−1 → t, as the notebook's pre-trade mark moves its equity: (cash + inv·mid_t) − equity_{t−1}. */
  mark(m, t, position, _c, out) {
    const run = m.run
    out[0] = run.cash + position[0]! * m.mid[t]! - run.equity
    out[1] = 0
  },
  // a fresh run state per run: the observation, target, execution and report of that run share it
  observation(c, m) {
    m.run = new OrderFlowRunState(c.T)
    return new OrderFlowObservation(c, m.run)
  },
  observe: observeInto,
  baseline: baselinePolicy,
  target: constrainedTarget,
  // faithful: the stop is a rule of the baseline (CELL 7) and nothing else; corrected: the gate holds any policy flat
  risk: (c) => (c.corrections.drawdown_stop === 'override' ? { drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: true, onBreach: 'flatten' } } : {}),
  execution: orderFlowExecution,
  surface: (m, t, c) => impactSurface(m, t, c),

  report: (c, m) => wholeRunReport(orderFlowLab, c, m, (run) => orderFlowReport(run, c), REPORT_COLUMNS),
  stressMenu: orderFlowStressMenu
}
