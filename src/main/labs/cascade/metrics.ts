import { POLICY_SOURCES, actionCounts, actionMixByRegime, regimeCounts, switchesAndStreak, type LabReport, type LabRun } from '../../engine/kernel'
import { npMean, npStd } from '../common/numpy'
import { STRESS, type CascadeConfig } from './config'
import type { CascadeMarket } from './market'

// The notebook's summary (cell 46) under its own names, in its order, from the logged rows: the
// equity, trade and cumulative cost columns are the notebook portfolio's (market.run), which the
// execution model advances in the notebook's float order. Annualisation is its fixed 252.

const ANNUAL = 252
const FLOOR = 1e-12
const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

/** max over t of (running peak − eq)/max(running peak, 1e-12), as the notebook's max_drawdown. */
function notebookMaxDrawdown(eq: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY
  let worst = Number.NEGATIVE_INFINITY
  for (let i = 0; i < eq.length; i++) {
    peak = Math.max(peak, eq[i]!)
    const dd = (peak - eq[i]!) / Math.max(peak, FLOOR)
    if (dd > worst) worst = dd
  }
  return worst
}

export function cascadeMetrics(run: LabRun<CascadeMarket>): Record<string, number | null> {
  const n = run.steps
  const state = run.market.run
  const eq = state.equityAt.subarray(0, n)
  const ret = new Float64Array(Math.max(0, n - 1))
  for (let i = 1; i < n; i++) ret[i - 1] = (eq[i]! - eq[i - 1]!) / Math.max(eq[i - 1]!, FLOOR)
  const vol = npStd(ret) * Math.sqrt(ANNUAL)
  const mu = npMean(ret) * ANNUAL
  const absTrade = new Float64Array(n)
  for (let i = 0; i < n; i++) absTrade[i] = Math.abs(state.trade[i]!)
  let stress = 0
  for (let i = 0; i < n; i++) if (run.columns.regime[i] === STRESS) stress++
  return {
    'Total return': orNull(eq[n - 1]! / eq[0]! - 1.0),
    'Max drawdown': orNull(notebookMaxDrawdown(eq)),
    'Ann. vol (equity)': orNull(vol),
    'Sharpe-like (synthetic)': orNull(mu / (vol + 1e-12)),
    'Avg |trade|': orNull(npMean(absTrade)),
    'Cumulative cost / initial equity': orNull(state.cumCostAt[n - 1]! / Math.max(eq[0]!, FLOOR)),
    'Stress regime fraction': orNull(stress / n),
    // this lab has no LLM: the notebook's NaN when nothing was called
    'LLM ok rate': null,
    'LLM mean latency (ms)': null
  }
}

/** Telemetry blocks: the system's path (cascade pressure, insolvencies, price), constraints, the stop and the halt. */
export function cascadeTelemetry(run: LabRun<CascadeMarket>, config: CascadeConfig): Record<string, unknown> {
  const m = run.market
  const s = m.run
  const n = run.steps
  const c = run.columns
  const { switches, longestHold } = switchesAndStreak(c.action)
  const eventsByRule: Record<string, number> = {}
  for (const e of run.events) eventsByRule[e.rule] = (eventsByRule[e.rule] ?? 0) + 1
  // counted by code, then named in the order each first appears
  const bySource = new Int32Array(256)
  const seen: number[] = []
  for (let t = 0; t < c.source.length; t++) if (bySource[c.source[t]!]!++ === 0) seen.push(c.source[t]!)
  const sources: Record<string, number> = {}
  for (const src of seen) sources[POLICY_SOURCES[src] ?? String(src)] = bySource[src]!
  let cpMax = 0
  let insolventMax = 0
  for (let t = 0; t < n; t++) {
    cpMax = Math.max(cpMax, m.cascadePressure[t]!)
    insolventMax = Math.max(insolventMax, m.insolventCount[t]!)
  }
  let posLimitHits = 0
  let leverageCapHits = 0
  for (let t = 0; t < n; t++) {
    posLimitHits += s.posLimitHit[t]!
    leverageCapHits += s.leverageCapHit[t]!
  }
  return {
    system: { final_price: m.price[n - 1], cascade_pressure_max: cpMax, insolvent_max: insolventMax, N_institutions: m.N },
    action: { counts: actionCounts(run.actions, c.action), switches, longest_hold: longestHold },
    regime: { counts: regimeCounts(run.regimeNames, c.regime), mix: actionMixByRegime(run.actions, run.regimeNames, c.action, c.regime) },
    risk: {
      pos_limit_hits: posLimitHits,
      leverage_cap_hits: leverageCapHits,
      drawdown_stop: s.stoppedAt >= 0 ? { fired_at: s.stoppedAt, threshold: config.risk_params.max_dd_stop, mode: config.corrections.stop } : null,
      events_by_rule: eventsByRule,
      halted: run.halted,
      halt_reason: run.haltReason ?? null
    },
    policy: { sources }
  }
}

export function cascadeReport(run: LabRun<CascadeMarket>, config: CascadeConfig): LabReport {
  return { metrics: cascadeMetrics(run), telemetry: cascadeTelemetry(run, config) }
}
