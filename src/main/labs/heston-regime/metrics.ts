import { actionCounts, switchesAndStreak, type LabReport, type LabRun } from '../../engine/kernel'
import { accuracy, downsideCapture, f1Stress, falseAlarmRate, maxDrawdownOf, paranoiaCost, sharpe, sortino, switchDetections } from '../../regime/evaluation'
import type { HestonRegimeConfig } from './config'
import type { HestonRegimeMarket } from './market'

// spec §4.8 [REC] and §5.7: classification quality of the filtered signal against the true
// labels over the walk-forward bars [start_bar, n), and the strategy's KPIs over the same bars.
// Annualisation is the book's 252 bars a year whatever dt is.

const PERIODS = 252

/** Per-bar strategy returns from the run's equity, and the benchmark's, for bars t ≥ from. */
export function alignedReturns(run: LabRun<HestonRegimeMarket>, from: number): { strategy: Float64Array; benchmark: Float64Array; labels: Int8Array; equity: Float64Array } {
  const eq = run.columns.equity
  const m = run.market
  const n = Math.max(0, run.steps - from)
  const strategy = new Float64Array(n)
  const benchmark = new Float64Array(n)
  const labels = new Int8Array(n)
  for (let i = 0; i < n; i++) {
    const t = from + i
    const before = t === 0 ? run.initialEquity : eq[t - 1]!
    strategy[i] = eq[t]! / before - 1
    benchmark[i] = m.returns[t]!
    labels[i] = m.labels[t]!
  }
  return { strategy, benchmark, labels, equity: eq.subarray(from, run.steps) }
}

export function classificationMetrics(m: HestonRegimeMarket, from: number, to = m.n): Record<string, number | null> {
  const switches = switchDetections(m.filtered, m.labels, from, to)
  const onsets = switches.filter((s) => s.direction === 'to_stress')
  const detected = onsets.filter((s) => s.delay !== null)
  const recoveries = switches.filter((s) => s.direction === 'to_stable' && s.delay !== null)
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length)
  return {
    accuracy: accuracy(m.filtered, m.labels, from, to),
    f1_stress: f1Stress(m.filtered, m.labels, from, to),
    raw_accuracy: accuracy(m.rawSignal, m.labels, from, to),
    raw_f1_stress: f1Stress(m.rawSignal, m.labels, from, to),
    switches_to_stress: onsets.length,
    switches_detected: detected.length,
    mean_time_to_detection: mean(detected.map((s) => s.delay!)),
    mean_time_to_recovery_detection: mean(recoveries.map((s) => s.delay!)),
    false_alarms_per_1000_stable_bars: falseAlarmRate(m.filtered, m.labels, from, to)
  }
}

export function hestonRegimeMetrics(run: LabRun<HestonRegimeMarket>, config: HestonRegimeConfig): Record<string, number | null> {
  const from = config.strategy.start_bar
  const r = alignedReturns(run, from)
  let bench = 1
  for (const x of r.benchmark) bench *= 1 + x
  const cost = run.columns.cost.reduce((a, b) => a + b, 0)
  return {
    ...classificationMetrics(run.market, from, run.steps),
    final_equity: run.finalEquity,
    total_return: run.finalEquity / (r.equity.length > 0 ? (from === 0 ? run.initialEquity : run.columns.equity[from - 1]!) : run.initialEquity) - 1,
    benchmark_return: bench - 1,
    sharpe: sharpe(r.strategy, PERIODS),
    sortino: sortino(r.strategy, PERIODS),
    max_drawdown: maxDrawdownOf(r.equity),
    benchmark_sharpe: sharpe(r.benchmark, PERIODS),
    benchmark_max_drawdown: maxDrawdownOf(cumulativeEquity(r.benchmark)),
    downside_capture: downsideCapture(r.strategy, r.benchmark, r.labels, PERIODS),
    paranoia_cost_10: paranoiaCost(r.strategy, r.benchmark, r.labels, 10),
    position_changes: switchesAndStreak(run.columns.action.subarray(from)).switches,
    total_cost: cost,
    risk_events: run.events.length
  }
}

function cumulativeEquity(returns: Float64Array): Float64Array {
  const out = new Float64Array(returns.length)
  let e = 1
  for (let i = 0; i < returns.length; i++) out[i] = e *= 1 + returns[i]!
  return out
}

export function hestonRegimeTelemetry(run: LabRun<HestonRegimeMarket>, config: HestonRegimeConfig): Record<string, unknown> {
  const m = run.market
  const from = config.strategy.start_bar
  return {
    regime: {
      classifier: m.inference.classifier,
      ...(m.inference.model ? { model: m.inference.model } : {}),
      switch_points: Array.from(m.switchPoints),
      crash_share: m.labels.reduce((a, b) => a + b, 0) / m.n,
      switches: switchDetections(m.filtered, m.labels, from, run.steps),
      refits: m.inference.refits.length
    },
    action: actionCounts(run.actions, run.columns.action),
    risk: { events: run.events.length, by_rule: run.events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.rule]: (acc[e.rule] ?? 0) + 1 }), {}) },
    policy: { rationales: run.rationales }
  }
}

/**
 * The run's report: classification quality and the strategy's KPIs over the walk-forward bars.
 * Switch detection pairs each true switch with the filter's later confirmation and the KPIs
 * take two passes over the returns, so the report reads the whole run (n_steps ≤ 1,000,000).
 */
export function hestonRegimeReport(run: LabRun<HestonRegimeMarket>, config: HestonRegimeConfig): LabReport {
  return { metrics: hestonRegimeMetrics(run, config), telemetry: hestonRegimeTelemetry(run, config) }
}
