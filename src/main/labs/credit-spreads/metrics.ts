import { POLICY_SOURCES, type LabReport, type LabRun } from '../../engine/kernel'
import { npMean, npStd, npSum } from '../common/numpy'
import type { CreditSpreadsConfig } from './config'
import type { CreditMarket } from './market'
import { CREDIT_SPREADS_ACTIONS, LEGS } from './policy'

// Summary metrics, telemetry blocks and diagnostics under the notebook's names, from the run's
// columns and constraint events (book §1.2 item 12; notebook cell 41). Sums the notebook takes
// step by step are summed step by step; those it takes with NumPy use NumPy's pairwise sum.

/** The notebook's own per-iteration view of a run: index i is "after iteration i − 1". */
export interface NotebookSeries {
  /** eq[0] = 1000, eq[t+1] = equity after iteration t (length n + 1). */
  equity: Float64Array
  costsCum: Float64Array
  leverage: Float64Array
  drawdown: Float64Array
  /** pnl_net of iteration t: the mark over t → t+1 less the cost at t (length n). */
  pnlNet: Float64Array
  tradeAbs: Float64Array
}

export function notebookSeries(run: LabRun<CreditMarket>): NotebookSeries {
  const n = run.steps
  const c = run.columns
  const legs = LEGS.length
  const equity = new Float64Array(n + 1)
  const costsCum = new Float64Array(n + 1)
  const leverage = new Float64Array(n + 1)
  const drawdown = new Float64Array(n + 1)
  const pnlNet = new Float64Array(n)
  const tradeAbs = new Float64Array(n)
  // The closing mark is not a step of its own: the kernel reports it by component; its total is
  // summed as the ledger booked it (from 0, in pnlComponents order).
  let closing = 0
  for (let k = 0; k < run.closingMark.length; k++) closing += run.closingMark[k]!
  equity[0] = run.initialEquity
  let peak = run.initialEquity
  for (let t = 0; t < n; t++) {
    let mark: number
    if (t + 1 < n) mark = c.markPnl[t + 1]!
    else if (run.halted || run.steps < run.plannedSteps) mark = 0 // no closing mark was booked
    else mark = closing
    pnlNet[t] = mark - c.cost[t]!
    equity[t + 1] = t + 1 < n ? c.markedEquity[t + 1]! : run.finalEquity
    costsCum[t + 1] = costsCum[t]! + c.cost[t]!
    leverage[t + 1] = c.leverage[t]!
    peak = Math.max(peak, equity[t + 1]!)
    drawdown[t + 1] = 1.0 - equity[t + 1]! / Math.max(peak, 1e-9)
    tradeAbs[t] = Math.abs(c.trade[t * legs]!) + Math.abs(c.trade[t * legs + 1]!) + Math.abs(c.trade[t * legs + 2]!)
  }
  return { equity, costsCum, leverage, drawdown, pnlNet, tradeAbs }
}

/** notebook cell 41 (metrics_local): sharpe uses the population std and √252. */
export function creditSpreadsMetrics(run: LabRun<CreditMarket>, config: CreditSpreadsConfig, s: NotebookSeries = notebookSeries(run)): Record<string, number> {
  const n = run.steps
  const rets = new Float64Array(Math.max(n, 1))
  for (let i = 0; i < n; i++) rets[i] = (s.equity[i + 1]! - s.equity[i]!) / Math.max(s.equity[i]!, 1e-9)
  const sd = npStd(rets) + 1e-12
  // pnl_net split by regime, each in step order (the notebook's boolean-mask selections)
  const stressIndex = config.regimes.names.indexOf('liquidity_stress')
  const stress = new Float64Array(n)
  const calm = new Float64Array(n)
  const absPnl = new Float64Array(n)
  let nStress = 0
  let nCalm = 0
  for (let t = 0; t < n; t++) {
    const pnl = s.pnlNet[t]!
    if (run.columns.regime[t] === stressIndex) stress[nStress++] = pnl
    else calm[nCalm++] = pnl
    absPnl[t] = Math.abs(pnl)
  }
  const totalCosts = s.costsCum[n]! - s.costsCum[0]!
  return {
    total_return: s.equity[n]! / s.equity[0]! - 1.0,
    sharpe_proxy: (npMean(rets) / sd) * Math.sqrt(252.0),
    max_drawdown: maxOf(s.drawdown),
    avg_leverage: npMean(s.leverage),
    total_costs: totalCosts,
    cost_ratio: totalCosts / (npSum(absPnl) + 1e-9),
    pnl_stress: npSum(stress, 0, nStress),
    pnl_nonstress: npSum(calm, 0, nCalm),
    steps_ran: n,
    final_equity: s.equity[n]!
  }
}

function maxOf(values: Float64Array): number {
  let best = 0
  for (let i = 0; i < values.length; i++) best = Math.max(best, values[i]!)
  return best
}

/** A record of `names` → values[i], in the names' order. */
function record(names: readonly string[], values: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]))
}

/** The five telemetry blocks of the notebook's run bundle (cell 41), computed after the run. */
export function creditSpreadsTelemetry(run: LabRun<CreditMarket>, config: CreditSpreadsConfig, s: NotebookSeries = notebookSeries(run)): Record<string, unknown> {
  const c = run.columns
  const n = run.steps
  const names = config.regimes.names
  const legs = LEGS.length
  const proportional = c.costByComponent.proportional!
  const impact = c.costByComponent.impact!

  // Accumulated per index, step by step from 0 (the notebook's running sums, in its order).
  const byLeg = new Float64Array(legs)
  const regimeCount = new Float64Array(names.length)
  const pnlByRegime = new Float64Array(names.length)
  const costByRegime = new Float64Array(names.length)
  const impactByRegime = new Float64Array(names.length)
  const actionCount = new Float64Array(CREDIT_SPREADS_ACTIONS.length)
  const sourceCount = new Float64Array(POLICY_SOURCES.length)
  const execution = { turnover_abs_sum: 0, prop_cost_sum: 0, impact_cost_sum: 0, total_cost_sum: 0, no_trade_count: 0, max_trade_abs: 0 }
  let jumpCount = 0
  const action = { switch_count: 0, repeat_count: 0, hold_streak_max: 0 }
  let maxLeverageSeen = 0
  let holdStreak = 0
  let last = 0 // the notebook starts from last_action = FLAT
  for (let t = 0; t < n; t++) {
    execution.turnover_abs_sum += s.tradeAbs[t]!
    for (let i = 0; i < legs; i++) byLeg[i] = byLeg[i]! + Math.abs(c.trade[t * legs + i]!)
    execution.prop_cost_sum += proportional[t]!
    execution.impact_cost_sum += impact[t]!
    execution.total_cost_sum += c.cost[t]!
    if (s.tradeAbs[t]! < 1e-12) execution.no_trade_count++
    execution.max_trade_abs = Math.max(execution.max_trade_abs, s.tradeAbs[t]!)

    const r = c.regime[t]!
    regimeCount[r]!++
    pnlByRegime[r] = pnlByRegime[r]! + s.pnlNet[t]!
    costByRegime[r] = costByRegime[r]! + c.cost[t]!
    impactByRegime[r] = impactByRegime[r]! + impact[t]!
    jumpCount += run.market.jump[t]!
    // the leverage the notebook sees at the top of iteration t is the book carried into t
    maxLeverageSeen = Math.max(maxLeverageSeen, s.leverage[t]!)

    const a = c.action[t]!
    actionCount[a]!++
    sourceCount[c.source[t]!]!++
    if (a === last) {
      action.repeat_count++
      holdStreak++
    } else {
      action.switch_count++
      action.hold_streak_max = Math.max(action.hold_streak_max, holdStreak)
      holdStreak = 1
    }
    last = a
  }
  action.hold_streak_max = Math.max(action.hold_streak_max, holdStreak)

  const stop = run.events.find((e) => e.rule === 'drawdown_stop')
  let clippedLegs = 0
  for (const e of run.events) if (e.rule === 'position_limit') clippedLegs += e.before.filter((v, i) => v !== e.after[i]).length
  const pp = config.policy_params
  return {
    policy: {
      llm_enabled: pp.enable_llm,
      llm_available: false,
      llm_model: pp.llm_model,
      llm_temperature: pp.llm_temperature,
      fallback_on_error: pp.fallback_to_baseline_on_error,
      invalid_json_count: 0,
      invalid_action_count: 0,
      rationale_too_long_count: 0,
      llm_error_count: 0,
      fallback_count: 0,
      used_llm_count: 0,
      llm_calls: 0,
      llm_skipped_calls: 0,
      decision_every: pp.decision_every,
      decisions_by_source: record(POLICY_SOURCES, sourceCount)
    },
    execution: { ...execution, turnover_by_leg: record(LEGS, byLeg), trade_count: n, avg_trade_abs: execution.turnover_abs_sum / Math.max(n, 1) },
    risk: {
      max_leverage_observed: maxLeverageSeen,
      max_dd_observed: maxOf(s.drawdown.subarray(0, n)),
      forced_flat_triggered: stop !== undefined,
      forced_flat_t: stop?.t ?? null,
      // counted from the gate's events on the raw targets (the notebook counts after pre-clipping, so always 0)
      leverage_breach_attempts: run.events.filter((e) => e.rule === 'leverage_scale').length,
      pos_limit_clip_events: clippedLegs
    },
    regime: {
      counts: record(names, regimeCount),
      pnl_net_by_regime: record(names, pnlByRegime),
      cost_by_regime: record(names, costByRegime),
      impact_by_regime: record(names, impactByRegime),
      jump_count: jumpCount
    },
    action: { counts: record(CREDIT_SPREADS_ACTIONS, actionCount), ...action }
  }
}

/** The book's four diagnostics (equity, regime, cost accumulation, action counts) plus leverage, drawdown and the surface levels. */
export function creditSpreadsDiagnostics(run: LabRun<CreditMarket>, config: CreditSpreadsConfig) {
  const s = notebookSeries(run)
  const n = run.steps
  const m = run.market
  return {
    equity: s.equity,
    regime: m.regime.slice(0, n + 1),
    costs_cum: s.costsCum,
    leverage: s.leverage,
    drawdown: s.drawdown,
    action_counts: Object.fromEntries(CREDIT_SPREADS_ACTIONS.map((a, i) => [a, run.columns.action.filter((x) => x === i).length])),
    regime_counts: Object.fromEntries(config.regimes.names.map((r, i) => [r, run.columns.regime.filter((x) => x === i).length])),
    level_ig: m.levelIG.slice(0, n + 1),
    level_hy: m.levelHY.slice(0, n + 1),
    credit_beta: m.creditBeta.slice(0, n + 1)
  }
}

/**
 * The run's report: the notebook's summary metrics and its telemetry blocks. Both read the
 * notebook's per-iteration series of the whole run (equity shifted by one step, NumPy-order
 * statistics), so the report is computed from the whole run (T ≤ 1,000,000 steps).
 */
export function creditSpreadsReport(run: LabRun<CreditMarket>, config: CreditSpreadsConfig): LabReport {
  const s = notebookSeries(run)
  return { metrics: creditSpreadsMetrics(run, config, s), telemetry: creditSpreadsTelemetry(run, config, s) }
}
