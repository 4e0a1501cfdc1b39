import type { LabReport, LabRun } from '../../engine/kernel'
import { npSum } from '../common/numpy'
import type { YieldCurveConfig } from './config'
import type { YieldMarket } from './market'

// The notebook's summary table and telemetry under its own names, from the run's columns and the
// run state (book ch.4 §5.2; notebook CELL 9 telemetry_summary and CELL 10 summary). Running sums
// the notebook takes step by step are summed step by step; pandas' mean/std use NumPy's pairwise sum.

/** The notebook's view of a run: index 0 is the start (t = 0), index t the end of loop step t. */
export interface NotebookSeries {
  equity: Float64Array
  /** Gross market value over equity after each step (lev_now, CELL 9), per loop step. */
  leverage: Float64Array
  /** The drawdown stop as the notebook latches it after each step (its `stopped` column). */
  stopped: Uint8Array
}

export function notebookSeries(run: LabRun<YieldMarket>, config: YieldCurveConfig): NotebookSeries {
  const n = run.steps
  const c = run.columns
  const m = run.market
  const equity = new Float64Array(n + 1)
  const leverage = new Float64Array(n)
  const stopped = new Uint8Array(n)
  equity[0] = run.initialEquity
  let peak = run.initialEquity
  let stop = false
  for (let t = 0; t < n; t++) {
    const eq = c.equity[t]!
    equity[t + 1] = eq
    const a = (t + 1) * 3
    const p = c.position
    leverage[t] = (Math.abs(p[t * 3]! * m.price[a]!) + Math.abs(p[t * 3 + 1]! * m.price[a + 1]!) + Math.abs(p[t * 3 + 2]! * m.price[a + 2]!)) / Math.max(eq, 1e-12)
    peak = Math.max(peak, eq)
    if (eq / peak - 1.0 < -config.risk_params.max_dd_stop) stop = true
    stopped[t] = stop ? 1 : 0
  }
  return { equity, leverage, stopped }
}

const countOf = (flags: ArrayLike<number>, n: number): number => {
  let k = 0
  for (let i = 0; i < n; i++) k += flags[i]!
  return k
}

/** Σ in step order from 0 (np.cumsum's last value, and the loop's running telemetry sums). */
const runningSum = (values: ArrayLike<number>, n: number): number => {
  let s = 0
  for (let i = 0; i < n; i++) s += values[i]!
  return s
}

/** The summary table of CELL 10, key for key (the LLM is off: ok-rate 0, no latencies). */
export function yieldCurveMetrics(run: LabRun<YieldMarket>, config: YieldCurveConfig, s: NotebookSeries = notebookSeries(run, config)): Record<string, number | null> {
  const n = run.steps
  const c = run.columns
  const eq = s.equity
  const T = n + 1
  // ret = eq.pct_change().fillna(0); pandas mean and std (ddof 1) with NumPy's pairwise sums
  const ret = new Float64Array(T)
  for (let i = 1; i < T; i++) ret[i] = eq[i]! / eq[i - 1]! - 1
  const mean = npSum(ret) / T
  const sq = new Float64Array(T)
  for (let i = 0; i < T; i++) {
    const d = mean - ret[i]!
    sq[i] = d * d
  }
  const std = Math.sqrt(npSum(sq) / (T - 1))
  const af = 252.0 / config.dt
  let peak = Number.NEGATIVE_INFINITY
  let maxDd = 0
  for (let i = 0; i < T; i++) {
    peak = Math.max(peak, eq[i]!)
    maxDd = Math.min(maxDd, eq[i]! / peak - 1.0)
  }
  const price = runningSum(c.pnlByComponent.price!, n)
  const carry = runningSum(c.pnlByComponent.carry!, n)
  const funding = runningSum(c.pnlByComponent.funding!, n)
  const gross = price + carry + funding
  const totalCost = runningSum(c.costByComponent.temporary!, n) + runningSum(c.costByComponent.permanent!, n)
  const net = eq[T - 1]! - eq[0]!
  let maxLev = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) maxLev = Math.max(maxLev, s.leverage[i]!)
  const r = run.market.run
  return {
    'Final equity': eq[T - 1]!,
    'Net PnL (final - initial)': net,
    'Ann. vol (synthetic scaling)': std * Math.sqrt(af),
    'Sharpe (synthetic scaling)': (mean / (std + 1e-12)) * Math.sqrt(af),
    'Max drawdown': maxDd,
    'Total execution cost': totalCost,
    'Cost / |gross PnL|': totalCost / (Math.abs(gross) + 1e-12),
    'Cost / |net PnL|': totalCost / (Math.abs(net) + 1e-12),
    'Max leverage observed': n > 0 ? maxLev : null,
    'DV01-limit constraint hits': countOf(r.dv01Hit, n),
    'Leverage scaling events': countOf(r.leverageScaled, n),
    'Delever overrides': countOf(r.delever, n),
    'Stop-active steps': countOf(s.stopped, n),
    'LLM ok-rate (decision validity)': 0.0,
    'LLM latency avg (ms)': null,
    'LLM latency p95 (ms)': null
  }
}

/** CELL 9's telemetry_summary (the LLM is off: its counters are 0) and the interpretive table of CELL 10. */
export function yieldCurveTelemetry(run: LabRun<YieldMarket>, config: YieldCurveConfig, s: NotebookSeries = notebookSeries(run, config)): Record<string, unknown> {
  const n = run.steps
  const c = run.columns
  const r = run.market.run
  let trades = 0
  let turnover = 0
  for (let t = 0; t < n; t++) {
    if (r.dvTrade[t]! > 1e-9) {
      trades++
      turnover += r.dvTrade[t]!
    }
  }
  const stopActive = countOf(s.stopped, n)
  const trips = stopActive > 0 ? 1 : 0
  let maxLev = 0.0
  for (let i = 0; i < n; i++) maxLev = Math.max(maxLev, s.leverage[i]!)
  return {
    steps: n,
    llm_calls: 0,
    llm_ok: 0,
    llm_fallback: 0,
    llm_ok_rate: 0,
    llm_fallback_rate: 0,
    llm_invalid_json: 0,
    llm_invalid_action: 0,
    llm_other_error: 0,
    override_delever: countOf(r.delever, n),
    // the stop is checked after a step, so the step that trips it still ran the policy
    override_stop: stopActive - trips,
    constraint_dv01_limit_hits: countOf(r.dv01Hit, n),
    constraint_leverage_scalings: countOf(r.leverageScaled, n),
    constraint_drawdown_stop_trips: trips,
    trade_count: trades,
    trade_turnover_dv01: turnover,
    max_leverage_observed: maxLev,
    total_cost: runningSum(c.cost, n),
    total_temp_cost: runningSum(c.costByComponent.temporary!, n),
    total_perm_cost: runningSum(c.costByComponent.permanent!, n),
    pnl_price_sum: runningSum(c.pnlByComponent.price!, n),
    pnl_carry_sum: runningSum(c.pnlByComponent.carry!, n),
    pnl_funding_sum: runningSum(c.pnlByComponent.funding!, n),
    llm_latency_ms_avg: 0,
    llm_latency_ms_max: 0,
    interpretive: INTERPRETIVE
  }
}

/** The notebook's interpretive mechanism table (CELL 10), one row. */
export const INTERPRETIVE = {
  Mechanism: 'Policy pins the front end; term premium and risk reprice the long end; stress couples curve moves to liquidity.',
  Observation: 'Shape dislocations (slope/fly) can mean-revert in neutral regimes but persist under policy regimes; stress breaks typical shape heuristics.',
  Fragility: 'DV01-neutral does not eliminate convexity/funding effects; regime shifts amplify impact and destabilize PnL through execution channels.',
  'Execution Note': 'Nonlinear impact scales with turnover and illiquidity; costs accumulate fastest precisely when signals look strongest (stress).'
} as const

export function yieldCurveReport(run: LabRun<YieldMarket>, config: YieldCurveConfig): LabReport {
  const s = notebookSeries(run, config)
  return { metrics: yieldCurveMetrics(run, config, s), telemetry: yieldCurveTelemetry(run, config, s) }
}
