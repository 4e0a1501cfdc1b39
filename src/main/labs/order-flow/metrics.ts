import type { LabReport, LabRun } from '../../engine/kernel'
import { npMean, npStd, npSum } from '../common/numpy'
import type { OrderFlowConfig } from './config'
import { COST_COMPONENTS } from './execution'
import type { OrderFlowMarket } from './market'
import { ORDER_FLOW_ACTIONS } from './policy'

// The notebook's summary metrics and telemetry under its own names, from the run state (the
// notebook's own equity, drawdown and cost curves) and the run's columns (book ch.8 §4.7;
// notebook CELL 9, run_backtest's metrics). NumPy reductions use its pairwise sums.

/**
 * CELL 9's `metrics`, key for key in its order, with the LLM off. `action_counts` is the CLI's
 * `actions` and `slow_step_examples` (a list) is in the telemetry; the wall-clock keys are null
 * for step_time_ms_max (a measurement of the machine, not a result of the run) and 0 for the slow-
 * step counters (no step of this engine comes near the notebook's 0.75 s budget).
 */
export function orderFlowMetrics(run: LabRun<OrderFlowMarket>): Record<string, number | null> {
  const n = run.steps
  const r = run.market.run
  const eq = r.eqCurve.subarray(0, n)
  // ret_pct = np.diff(eq, prepend=eq[0]) / (eq + 1e-12)
  const ret = new Float64Array(n)
  for (let i = 0; i < n; i++) ret[i] = (i === 0 ? eq[0]! - eq[0]! : eq[i]! - eq[i - 1]!) / (eq[i]! + 1e-12)
  const sharpe = (npMean(ret) / (npStd(ret) + 1e-12)) * Math.sqrt(252.0)
  let maxDd = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) if (r.ddCurve[i]! > maxDd) maxDd = r.ddCurve[i]!
  const absTrade = new Float64Array(n)
  for (let i = 0; i < n; i++) absTrade[i] = Math.abs(run.columns.trade[i]!)
  return {
    final_equity: n > 0 ? eq[n - 1]! : null,
    sharpe_stylized: n > 0 ? sharpe : null,
    max_drawdown: n > 0 ? maxDd : null,
    cum_costs: n > 0 ? r.costCurve[n - 1]! : null,
    turnover_units: npSum(absTrade),
    llm_calls: 0,
    llm_valid: 0,
    llm_fallbacks: 0,
    llm_avg_latency_ms: 0.0,
    step_time_ms_max: null,
    slow_steps_count: 0,
    slow_step_max_s: 0.0
  }
}

/** The notebook's interpretive table (CELL 10), four rows, and its lesson. */
export const INTERPRETIVE = [
  {
    Mechanism: 'Flow creates price: imbalance moves mid more when depth is thin.',
    Observation: 'In toxic regimes, mean depth is lower and impact bps is higher; price moves become more sensitive to imbalance.',
    Fragility: 'Impact is convex in size under illiquidity; aggressive execution can convert correct direction into negative net PnL.',
    'Execution note': 'Throttle size or go flat when depth collapses; horizon-based execution (slower) is the only cheap substitute for liquidity.'
  },
  {
    Mechanism: 'Toxicity produces adverse selection: passive orders get filled before adverse moves.',
    Observation: 'Adverse selection bps rises materially in the toxic regime; passive provision can underperform despite rebates.',
    Fragility: "Maker edges are regime-local; the sign of the edge can flip with no 'signal failure'—only microstructure deterioration.",
    'Execution note': 'When toxicity is high, being passive is not conservative; it is a short option on informed flow.'
  },
  {
    Mechanism: 'Costs create reality: spread + impact + slippage accumulate into structural drag.',
    Observation: 'Cumulative cost curve tracks equity drawdowns; cost decomposition shows which channel dominates in stress.',
    Fragility: 'Turnover behaves like a fee machine; small tactical trades can be dominated by microstructure tolls.',
    'Execution note': 'Control churn explicitly; treat trade/no-trade as a primary decision, not an implementation detail.'
  },
  {
    Mechanism: 'Risk constraints convert shocks into forced behavior (survival dominates optimization).',
    Observation: 'Drawdown stop triggers persistent FLAT behavior after severe cost/impact episodes.',
    Fragility: 'Stops reduce tail loss but can lock in path dependence: exit costs + missed recovery are part of the mechanism.',
    'Execution note': "Institutional constraints define the feasible policy set; 'optimal' actions are conditional on the constraint state."
  }
] as const
export const LESSON = 'FLOW CREATES PRICE, COSTS CREATE REALITY.'

/** CELL 9's telemetry (LLM off), the cost decomposition by channel, stop steps, regime and action tables' counts. */
export function orderFlowTelemetry(run: LabRun<OrderFlowMarket>, config: OrderFlowConfig): Record<string, unknown> {
  const n = run.steps
  const c = run.columns
  const r = run.market.run
  const byChannel: Record<string, number> = {}
  for (const name of COST_COMPONENTS) {
    let s = 0
    const col = c.costByComponent[name]!
    for (let i = 0; i < n; i++) s += col[i]!
    byChannel[name] = s
  }
  let spread = 0
  for (let i = 0; i < n; i++) spread += c.pnlByComponent.spread_capture![i]!
  let stopSteps = 0
  for (let i = 0; i < n; i++) stopSteps += r.stoppedAt[i]!
  const firstStop = r.stoppedAt.subarray(0, n).indexOf(1)
  const counts = Object.fromEntries(ORDER_FLOW_ACTIONS.map((a) => [a, 0])) as Record<string, number>
  for (let i = 0; i < n; i++) counts[ORDER_FLOW_ACTIONS[c.action[i]!]!]!++
  return {
    steps: n,
    llm_calls: 0,
    llm_valid: 0,
    llm_fallbacks: 0,
    llm_latency_ms_sum: 0,
    slow_step_examples: [],
    action_counts: counts,
    cost_accounting: config.corrections.cost_accounting,
    cost_by_channel: byChannel,
    spread_capture: spread,
    stop_active_steps: stopSteps,
    stop_first_t: firstStop >= 0 ? firstStop : null,
    interpretive: INTERPRETIVE,
    lesson: LESSON
  }
}

export function orderFlowReport(run: LabRun<OrderFlowMarket>, config: OrderFlowConfig): LabReport {
  return { metrics: orderFlowMetrics(run), telemetry: orderFlowTelemetry(run, config) }
}
