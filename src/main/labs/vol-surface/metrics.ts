import { POLICY_SOURCES, actionCounts, cumulative, regimeCounts, switchesAndStreak, type LabReport, type LabRun } from '../../engine/kernel'
import { npMean, npSum } from '../common/numpy'
import type { VolSurfaceConfig } from './config'
import { bookGreeks, type VolSurfaceMarket } from './surface'

// The notebook's telemetry summary (cell 9) under its own names, its tables (cell 10) and the
// run's telemetry. Kernel step k is the notebook's t = k + 1; the equity column is the notebook's
// equity after t, so its drawdown is 1 − E/max(1e−12, peak) with the peak running from E0 over
// settled equities (the kernel's own drawdown column also peaks at marked equity).

const AGENT = POLICY_SOURCES.indexOf('AGENT')

/** The notebook's drawdown after each step (cell 9): peak of E0 and the settled equities so far. */
export function notebookDrawdown(run: LabRun<unknown>): Float64Array {
  const eq = run.columns.equity
  const dd = new Float64Array(run.steps)
  let peak = run.initialEquity
  for (let k = 0; k < run.steps; k++) {
    peak = Math.max(peak, eq[k]!)
    dd[k] = 1.0 - eq[k]! / Math.max(1e-12, peak)
  }
  return dd
}

function maxOf(values: ArrayLike<number>): number {
  let best = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) if (values[i]! > best) best = values[i]!
  return values.length === 0 ? Number.NaN : best
}

/** The notebook's summary (cell 9, telemetry_summary), every key as it spells it, plus the P&L split. */
export function volSurfaceMetrics(run: LabRun<VolSurfaceMarket>, config: VolSurfaceConfig, dd: Float64Array = notebookDrawdown(run)): Record<string, number | null> {
  const c = run.columns
  const n = run.steps
  // The workstation has no LLM: an agent plugged into the policy slot stands where the LLM did.
  let agentSteps = 0
  for (let k = 0; k < n; k++) if (c.source[k] === AGENT) agentSteps++
  let stopAt: number | null = null
  for (let k = 0; k < n; k++) {
    if (dd[k]! >= config.risk_params.max_dd_stop) {
      stopAt = k + 1
      break
    }
  }
  const pnl = c.pnlByComponent
  return {
    'Total steps': n,
    'LLM calls': agentSteps,
    'LLM successes': agentSteps,
    'LLM-controlled steps': agentSteps,
    'LLM control share': n === 0 ? Number.NaN : agentSteps / n,
    'Final equity': n === 0 ? run.initialEquity : c.equity[n - 1]!,
    'Max drawdown': maxOf(dd),
    'Total costs': npSum(c.cost),
    'Stop triggered at t': stopAt,
    // the P&L the notebook books, by component (its pnl_vega is vega + calendar)
    pnl_carry: npSum(pnl.carry ?? []),
    pnl_vega: npSum(pnl.vega ?? []),
    pnl_calendar: npSum(pnl.calendar ?? []),
    pnl_convexity: npSum(pnl.convexity ?? []),
    cost_proportional: npSum(c.costByComponent.proportional ?? []),
    cost_impact: npSum(c.costByComponent.impact ?? [])
  }
}

/** Net P&L per step (mark − cost), the notebook's `pnl` column. */
function netPnl(run: LabRun<unknown>): Float64Array {
  const c = run.columns
  const out = new Float64Array(run.steps)
  for (let k = 0; k < run.steps; k++) out[k] = c.markPnl[k]! - c.cost[k]!
  return out
}

/** The steps of each group (regime or action code), in step order. */
function groupRows(codes: ArrayLike<number>, groups: number, steps: number): Int32Array[] {
  const counts = new Int32Array(groups)
  for (let k = 0; k < steps; k++) counts[codes[k]!]!++
  const rows = Array.from(counts, (n) => new Int32Array(n))
  counts.fill(0)
  for (let k = 0; k < steps; k++) {
    const g = codes[k]!
    rows[g]![counts[g]!++] = k
  }
  return rows
}

/** values[rows[i]] into scratch, in row order (the masked selection pandas groups). */
function gather(values: ArrayLike<number>, rows: Int32Array, scratch: Float64Array): Float64Array {
  for (let i = 0; i < rows.length; i++) scratch[i] = values[rows[i]!]!
  return scratch.subarray(0, rows.length)
}

/** Σ values over each regime's steps (NumPy's pairwise sum of the masked selection). */
function sumByGroup(values: ArrayLike<number>, rows: readonly Int32Array[], names: readonly string[], scratch: Float64Array): Record<string, number> {
  return Object.fromEntries(names.map((name, g) => [name, npSum(gather(values, rows[g]!, scratch))]))
}

/** Cell 10's regime-conditional and action-attribution tables, and its mechanism decomposition (with the fixed one beside it). */
export function volSurfaceTables(run: LabRun<VolSurfaceMarket>, dd: Float64Array = notebookDrawdown(run)) {
  const c = run.columns
  const pnl = netPnl(run)
  const scratch = new Float64Array(run.steps)
  const groupBy = (codes: ArrayLike<number>, names: readonly string[]) => {
    const rows = groupRows(codes, names.length, run.steps)
    const out: Record<string, Record<string, number>> = {}
    names.forEach((name, g) => {
      const r = rows[g]!
      if (r.length === 0) return
      let agent = 0
      for (let i = 0; i < r.length; i++) if (c.source[r[i]!] === AGENT) agent++
      out[name] = {
        steps: r.length,
        avg_pnl: npMean(gather(pnl, r, scratch)),
        total_pnl: npSum(gather(pnl, r, scratch)),
        avg_cost: npMean(gather(c.cost, r, scratch)),
        llm_share: agent / r.length,
        avg_drawdown: npMean(gather(dd, r, scratch))
      }
    })
    return out
  }
  const totalPnl = npSum(pnl)
  const totalCost = npSum(c.cost)
  const sum = (name: string) => npSum(c.pnlByComponent[name] ?? [])
  return {
    regimeStats: groupBy(c.regime, run.regimeNames),
    actionStats: groupBy(c.action, run.actions),
    // notebook cell 10, as published: its "Carry" bar is mean(pnl)·len, the whole net P&L (quirk)
    mechanismDecompositionNotebook: {
      'Carry (theta / VRP)': npMean(pnl) * pnl.length,
      'Execution costs': -totalCost,
      'Residual (convexity & repricing)': totalPnl + totalCost
    },
    // the same bars from the booked components (they add up to the net P&L)
    mechanismDecomposition: {
      'Carry (theta / VRP)': sum('carry'),
      'Vega repricing': sum('vega'),
      Calendar: sum('calendar'),
      'Convexity (tail)': sum('convexity'),
      'Execution costs': -totalCost
    }
  }
}

/** The book's diagnostics as series: equity, cumulative cost, drawdown with the stop line, action counts. */
export function volSurfaceDiagnostics(run: LabRun<VolSurfaceMarket>, config: VolSurfaceConfig) {
  const c = run.columns
  return {
    t: Int32Array.from(c.t, (k) => k + 1),
    equity: c.equity,
    cumulativeCost: cumulative(c.cost),
    drawdown: notebookDrawdown(run),
    stopLine: config.risk_params.max_dd_stop,
    actionCounts: actionCounts(run.actions, c.action)
  }
}

/** Telemetry blocks (regime, action, execution, risk, policy, greeks) for the run's record. */
export function volSurfaceTelemetry(run: LabRun<VolSurfaceMarket>, config: VolSurfaceConfig, dd: Float64Array): Record<string, unknown> {
  const c = run.columns
  const { switches, longestHold } = switchesAndStreak(c.action)
  const sources: Record<string, number> = {}
  for (const s of c.source) sources[POLICY_SOURCES[s] ?? String(s)] = (sources[POLICY_SOURCES[s] ?? String(s)] ?? 0) + 1
  const rows = groupRows(c.regime, run.regimeNames.length, run.steps)
  const scratch = new Float64Array(run.steps)
  const byRegime = (values: ArrayLike<number>) => sumByGroup(values, rows, run.regimeNames, scratch)
  const tables = volSurfaceTables(run, dd)
  const m = run.market
  let jumps = 0
  for (let t = 1; t < m.T; t++) if (m.jump[t]! > 0) jumps++
  return {
    regime: { counts: regimeCounts(run.regimeNames, c.regime), jump_count: jumps, stats: tables.regimeStats },
    action: { counts: actionCounts(run.actions, c.action), switches, longest_hold: longestHold, stats: tables.actionStats },
    execution: {
      cost_by_component: Object.fromEntries(Object.entries(c.costByComponent).map(([k, v]) => [k, npSum(v)])),
      cost_by_regime: byRegime(c.cost),
      impact_by_regime: byRegime(c.costByComponent.impact ?? new Float64Array(run.steps))
    },
    risk: {
      max_drawdown: maxOf(dd),
      stop_threshold: config.risk_params.max_dd_stop,
      stop_mode: config.corrections.drawdown_stop,
      de_risk_steps: sources.RISK ?? 0
    },
    policy: { sources },
    greeks: greeksTelemetry(run, config, rows),
    pnl: { mechanism_decomposition: tables.mechanismDecomposition, mechanism_decomposition_notebook: tables.mechanismDecompositionNotebook }
  }
}

/**
 * Corrected (greeks = black_scholes): the Black–Scholes vega and cash gamma of the book each step
 * carried in (as the policy saw them), averaged by regime, and the shortest gamma reached.
 */
function greeksTelemetry(run: LabRun<VolSurfaceMarket>, config: VolSurfaceConfig, rows: readonly Int32Array[]): Record<string, unknown> | null {
  if (config.corrections.greeks !== 'black_scholes') return null
  const p = run.columns.position
  const vega = new Float64Array(run.steps)
  const gamma = new Float64Array(run.steps)
  const out = { bookVega: 0, bookCashGamma: 0 }
  for (let k = 1; k < run.steps; k++) {
    bookGreeks(run.market, k + 1, p[2 * (k - 1)]!, p[2 * (k - 1) + 1]!, config, out)
    vega[k] = out.bookVega
    gamma[k] = out.bookCashGamma
  }
  const scratch = new Float64Array(run.steps)
  const meanBy = (values: Float64Array) => Object.fromEntries(run.regimeNames.map((name, g) => [name, rows[g]!.length ? npMean(gather(values, rows[g]!, scratch)) : null]))
  let minGamma = 0
  for (let k = 0; k < run.steps; k++) minGamma = Math.min(minGamma, gamma[k]!)
  return { mean_book_vega_by_regime: meanBy(vega), mean_book_cash_gamma_by_regime: meanBy(gamma), min_book_cash_gamma: minGamma }
}

/**
 * The run's report: the notebook's summary and the telemetry blocks. The summary's sums are
 * NumPy's pairwise sums over the whole run, so the report reads the whole run (T ≤ 1,000,000).
 */
export function volSurfaceReport(run: LabRun<VolSurfaceMarket>, config: VolSurfaceConfig): LabReport {
  const dd = notebookDrawdown(run)
  return { metrics: volSurfaceMetrics(run, config, dd), telemetry: volSurfaceTelemetry(run, config, dd) }
}
