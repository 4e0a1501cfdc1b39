import type { LabReport, LabRun } from '../../engine/kernel'
import { npMean, npStd } from '../common/numpy'
import { CURVE_LABELS, type OilCurveConfig } from './config'
import type { OilMarket } from './market'
import { OIL_CURVE_ACTIONS } from './policy'

// The notebook's summary under its own names (book ch.2 outputs; notebook cell 46), from the run's
// columns. The notebook's row k is "after iteration k": its equity holds the P&L of k → k+1,
// which the kernel marks at step k+1 (or in the closing mark after the last step).

/** The notebook's per-row view of a run (length n = steps). */
export interface NotebookRows {
  /** equity after row k: the kernel's marked equity at step k+1, the final equity for the last. */
  equity: Float64Array
  /** pnl_step of row k: the mark the kernel books at step k+1 (the closing mark for the last). */
  pnlStep: Float64Array
  costs: Float64Array
}

export function notebookRows(run: LabRun<OilMarket>): NotebookRows {
  const n = run.steps
  const c = run.columns
  const equity = new Float64Array(n)
  const pnlStep = new Float64Array(n)
  let closing = 0
  for (let k = 0; k < run.closingMark.length; k++) closing += run.closingMark[k]!
  for (let k = 0; k < n; k++) {
    const last = k + 1 === n
    equity[k] = last ? run.finalEquity : c.markedEquity[k + 1]!
    pnlStep[k] = last ? closing : c.markPnl[k + 1]!
  }
  return { equity, pnlStep, costs: c.cost.slice(0, n) }
}

/** notebook cell 46: max drawdown from equity[0], np.diff returns, population std, √252. */
export function oilCurveMetrics(run: LabRun<OilMarket>, config: OilCurveConfig, rows: NotebookRows = notebookRows(run)): Record<string, number | null> {
  const n = run.steps
  const { equity, pnlStep, costs } = rows
  const rets = new Float64Array(Math.max(n - 1, 0))
  for (let i = 0; i + 1 < n; i++) rets[i] = (equity[i + 1]! - equity[i]!) / (equity[i]! + 1e-9)
  let dd = 0.0
  let peak = equity[0]!
  let wins = 0
  for (let k = 0; k < n; k++) {
    peak = Math.max(peak, equity[k]!)
    dd = Math.max(dd, (peak - equity[k]!) / peak)
    if (pnlStep[k]! - costs[k]! > 0) wins++
  }
  const sharpe = rets.length === 0 ? Number.NaN : (npMean(rets) / (npStd(rets) + 1e-9)) * Math.sqrt(252)
  const start = config.corrections.total_pnl === 'from_notional' ? config.env.notional : equity[0]!
  return {
    steps: n,
    final_equity: equity[n - 1]!,
    total_pnl: equity[n - 1]! - start,
    max_drawdown: dd,
    win_rate: wins / n,
    sharpe_proxy: Number.isFinite(sharpe) ? sharpe : null
  }
}

function counts(names: readonly string[], codes: ArrayLike<number>, from: number, to: number): Record<string, number> {
  const out = new Float64Array(names.length)
  for (let i = from; i < to; i++) out[codes[i]!]!++
  return Object.fromEntries(names.map((name, i) => [name, out[i]!]).filter(([, v]) => (v as number) > 0))
}

function range(values: Float64Array, from: number, to: number): [number, number] {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = from; i < to; i++) {
    lo = Math.min(lo, values[i]!)
    hi = Math.max(hi, values[i]!)
  }
  return [lo, hi]
}

/**
 * What the notebook shows besides the summary: its regime_counts (the label of the curve after
 * each row, cell 46) and action_counts, total costs, and the ranges of the contango score, spot
 * and convenience yield over the rows (spec §3.3); the inventory regime's counts when it is on.
 */
export function oilCurveTelemetry(run: LabRun<OilMarket>, config: OilCurveConfig): Record<string, unknown> {
  const n = run.steps
  const m = run.market
  let totalCosts = 0
  for (let k = 0; k < n; k++) totalCosts += run.columns.cost[k]!
  return {
    regime_counts: counts(CURVE_LABELS, m.curveLabel, 1, n + 1),
    action_counts: counts(OIL_CURVE_ACTIONS, run.columns.action, 0, n),
    total_costs: totalCosts,
    contango_score_range: range(m.contangoScore, 1, n + 1),
    spot_range: range(m.spot, 1, n + 1),
    convenience_yield_range: range(m.cy, 1, n + 1),
    ...(config.corrections.inventory_regime ? { inventory_regime_counts: counts(config.regimes.names, m.inventoryRegime, 1, n + 1) } : {}),
    policy: { llm_enabled: false, decisions: 'rule baseline (RuleAgent)', decision_every: config.decision_every }
  }
}

/** The notebook's summary metrics (numbers) and the telemetry above. */
export function oilCurveReport(run: LabRun<OilMarket>, config: OilCurveConfig): LabReport {
  return { metrics: oilCurveMetrics(run, config), telemetry: oilCurveTelemetry(run, config) }
}
