import { POLICY_SOURCES, actionCounts, actionMixByRegime, cumulative, logReturnsPrepended, maxDrawdown, regimeCounts, switchesAndStreak, type LabReport, type LabRun } from '../../engine/kernel'
import { npMean, npStd, npSum } from '../common/numpy'
import type { FxCarryConfig } from './config'
import { CALM, RISK_OFF } from './market'
import type { FxCarryMarket } from './surface'

// The notebook's summary (cell 46, summarize_metrics), under its own names, summed in NumPy's
// order. Annualisation is the notebook's fixed 252, whatever dt is. Log returns are
// diff(log(max(eq, 1e-12)), prepend = first), so r[0] = 0; drawdown is 1 − eq / max(running
// peak, 1e-12) over the rows (the initial 1.0 is not a row).

const ANNUAL = 252.0
const FLOOR = 1e-12

/**
 * Faithful (notebook cell 46, _sub_ann_logret): log returns of the regime's equity subsequence,
 * which joins non-adjacent points (quirk). Corrected: the mean of the per-step log returns
 * (from the equity before each step, the initial equity for the first) over the regime's steps.
 */
function regimeAnnLogReturn(run: LabRun<unknown>, regime: number, mode: FxCarryConfig['corrections']['regime_return_metric']): number | null {
  const { equity, regime: regimes } = run.columns
  if (mode === 'concatenated_subsequence') {
    const sub: number[] = []
    for (let t = 0; t < run.steps; t++) if (regimes[t] === regime) sub.push(equity[t]!)
    return sub.length < 3 ? null : npMean(logReturnsPrepended(sub)) * ANNUAL
  }
  const masked: number[] = []
  for (let t = 0; t < run.steps; t++) {
    const before = t === 0 ? run.initialEquity : equity[t - 1]!
    if (regimes[t] === regime) masked.push(Math.log(Math.max(equity[t]!, FLOOR)) - Math.log(Math.max(before, FLOOR)))
  }
  return masked.length === 0 ? null : npMean(masked) * ANNUAL
}

function meanWhere(values: Float64Array, regimes: Int32Array, regime: number): number | null {
  const picked: number[] = []
  for (let t = 0; t < values.length; t++) if (regimes[t] === regime) picked.push(values[t]!)
  return picked.length === 0 ? null : npMean(picked)
}

/** The notebook's summary metrics plus the surface and P&L facts the memo quotes. */
export function fxCarryMetrics(run: LabRun<FxCarryMarket>, config: FxCarryConfig): Record<string, number | null> {
  const c = run.columns
  const eq = c.equity
  const market = run.market
  const c30Calm = meanWhere(market.carry.c30Mean, market.regimes, CALM)
  const c30RiskOff = meanWhere(market.carry.c30Mean, market.regimes, RISK_OFF)
  const surface = {
    mean_c30_calm: c30Calm,
    mean_c30_risk_off: c30RiskOff,
    // how much smaller the 30-day carry proxy is in risk-off than in calm (book: "the surface shrinks")
    c30_compression_risk_off: c30Calm !== null && c30RiskOff !== null && c30Calm !== 0 ? 1 - c30RiskOff / c30Calm : null,
    carry_pnl: npSum(c.pnlByComponent.carry ?? []),
    spot_pnl: npSum(c.pnlByComponent.spot ?? []),
    halted: run.halted ? 1 : 0
  }
  // notebook cell 46: fewer than 5 rows report only the step count
  if (eq.length < 5) return { steps: eq.length, ...surface }
  const r = logReturnsPrepended(eq)
  const annLogReturn = npMean(r) * ANNUAL
  const annVol = npStd(r) * Math.sqrt(ANNUAL)
  const absTrade = Float64Array.from(c.trade, Math.abs)
  const mode = config.corrections.regime_return_metric
  return {
    steps: eq.length,
    final_equity: eq[eq.length - 1]!,
    ann_log_return: annLogReturn,
    ann_vol: annVol,
    sharpe_like: annLogReturn / (annVol + 1e-12),
    max_drawdown: maxDrawdown(eq),
    total_cost: npSum(c.cost),
    turnover_abs: npSum(absTrade),
    ann_log_return_calm: regimeAnnLogReturn(run, CALM, mode),
    ann_log_return_risk_off: regimeAnnLogReturn(run, RISK_OFF, mode),
    ...surface
  }
}

/** Raw action counts per regime (the notebook's crosstab before row normalisation). */
export function actionCountsByRegime(run: LabRun<unknown>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {}
  run.regimeNames.forEach((name, r) => {
    const picked = run.columns.action.filter((_, t) => run.columns.regime[t] === r)
    out[name] = actionCounts(run.actions, picked)
  })
  return out
}

/** The tables of notebook cell 46: action counts, regime counts and the action mix by regime. */
export function fxCarryTables(run: LabRun<unknown>) {
  const c = run.columns
  return {
    actionCounts: actionCounts(run.actions, c.action),
    regimeCounts: regimeCounts(run.regimeNames, c.regime),
    actionCountsByRegime: actionCountsByRegime(run),
    actionMixByRegime: actionMixByRegime(run.actions, run.regimeNames, c.action, c.regime)
  }
}

/** The book's four diagnostics as series: equity, regime, cumulative cost (with 1 − cum. cost), action counts. */
export function fxCarryDiagnostics(run: LabRun<unknown>) {
  const c = run.columns
  const cumulativeCost = cumulative(c.cost)
  return {
    t: c.t,
    equity: c.equity,
    regime: c.regime,
    cumulativeCost,
    // notebook cell 46, fourth plot: equity against 1 − cumulative cost
    oneMinusCumulativeCost: cumulativeCost.map((x) => 1.0 - x),
    actionCounts: actionCounts(run.actions, c.action)
  }
}

/** Telemetry blocks (regime, action, execution, risk, policy) for the run's record. */
export function fxCarryTelemetry(run: LabRun<FxCarryMarket>): Record<string, unknown> {
  const c = run.columns
  const { switches, longestHold } = switchesAndStreak(c.action)
  const costByRegime = Object.fromEntries(run.regimeNames.map((name, r) => [name, npSum(c.cost.filter((_, t) => c.regime[t] === r))]))
  const eventsByRule: Record<string, number> = {}
  for (const e of run.events) eventsByRule[e.rule] = (eventsByRule[e.rule] ?? 0) + 1
  const sources: Record<string, number> = {}
  for (const s of c.source) sources[POLICY_SOURCES[s] ?? String(s)] = (sources[POLICY_SOURCES[s] ?? String(s)] ?? 0) + 1
  return {
    regime: { counts: regimeCounts(run.regimeNames, c.regime), stress_window_starts: Array.from(run.market.stressWindowStarts) },
    action: { switches, longest_hold: longestHold, counts_by_regime: actionCountsByRegime(run) },
    execution: {
      cost_by_component: Object.fromEntries(Object.entries(c.costByComponent).map(([k, v]) => [k, npSum(v)])),
      cost_by_regime: costByRegime
    },
    risk: { events_by_rule: eventsByRule, halted: run.halted, halted_at: run.halted ? run.steps - 1 : null },
    policy: { sources }
  }
}

/**
 * The run's report: the notebook's summary metrics and the telemetry blocks. The notebook's
 * log-return statistics take two passes over the whole equity series in NumPy's summation
 * order, so the report reads the whole run (T ≤ 1,000,000 steps).
 */
export function fxCarryReport(run: LabRun<FxCarryMarket>, config: FxCarryConfig): LabReport {
  return { metrics: fxCarryMetrics(run, config), telemetry: fxCarryTelemetry(run) }
}
