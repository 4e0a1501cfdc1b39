import { actionCounts, mean, regimeCounts, std, sum, type LabReport, type LabRun } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import { ArbDesk, type ArbRecord } from './execution'
import type { LatencyArbMarket } from './market'
import { directionOf, type LatencyArbAction } from './policy'

// Summary metrics and telemetry. Per-arb records come from replaying the run's decisions
// through the same desk the execution model used (the desk is deterministic in them).

export interface ArbReplay {
  arbs: ArbRecord[]
  rejectedForInventory: number
  rejectedAtHorizon: number
}

export function replayArbs(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): ArbReplay {
  const desk = new ArbDesk(config, run.market)
  for (let t = 0; t < run.steps; t++) desk.step(t, directionOf(run.actions[run.columns.action[t]!] as LatencyArbAction))
  return { arbs: desk.arbs, rejectedForInventory: desk.rejectedForInventory, rejectedAtHorizon: desk.rejectedAtHorizon }
}

/** Largest fall of equity from its running peak, in currency (≥ 0). */
function maxDrawdownCurrency(equity: ArrayLike<number>, initial: number): number {
  let peak = initial
  let worst = 0
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!
    if (e > peak) peak = e
    if (peak - e > worst) worst = peak - e
  }
  return worst
}

const average = (values: number[]): number | null => (values.length > 0 ? sum(values) / values.length : null)

export function latencyArbMetrics(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): Record<string, number | null> {
  const c = run.columns
  const { arbs } = replayArbs(run, config)
  const sd = run.steps > 1 ? std(c.netPnl, 1) : 0
  return {
    total_pnl: run.finalEquity - run.initialEquity,
    spread_pnl: sum(c.pnlByComponent.spread!),
    // fees as a P&L contribution (≤ 0), so total = spread + fee
    fee_pnl: -sum(c.cost),
    arbs: arbs.length,
    win_rate: arbs.length > 0 ? arbs.filter((a) => a.win).length / arbs.length : null,
    avg_pnl_per_arb: average(arbs.map((a) => a.pnl)),
    avg_edge_seen_bps: average(arbs.map((a) => a.edgeSeenBps)),
    avg_edge_captured_bps: average(arbs.map((a) => a.edgeCapturedBps)),
    max_drawdown: maxDrawdownCurrency(c.equity, run.initialEquity),
    // mean over sample sd of per-step P&L × √(steps per year)
    sharpe_annualized: sd > 0 ? (mean(c.netPnl) / sd) * Math.sqrt(1 / config.dt) : null,
    halted: run.halted ? 1 : 0
  }
}

export function latencyArbTelemetry(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): Record<string, unknown> {
  const replay = replayArbs(run, config)
  const byRegime = Object.fromEntries(
    run.regimeNames.map((name, r) => {
      const picked = replay.arbs.filter((a) => a.regime === r)
      return [name, { arbs: picked.length, win_rate: picked.length > 0 ? picked.filter((a) => a.win).length / picked.length : null, pnl: sum(picked.map((a) => a.pnl)) }]
    })
  )
  const eventsByRule: Record<string, number> = {}
  for (const e of run.events) eventsByRule[e.rule] = (eventsByRule[e.rule] ?? 0) + 1
  return {
    regime: { counts: regimeCounts(run.regimeNames, run.columns.regime), arbs_by_regime: byRegime },
    action: { counts: actionCounts(run.actions, run.columns.action) },
    execution: {
      latency_steps: config.latency.latency_steps,
      transfer_delay_steps: config.latency.transfer_delay_steps,
      signal_basis: config.corrections.signal_basis,
      arbs_a_to_b: replay.arbs.filter((a) => a.direction === 1).length,
      arbs_b_to_a: replay.arbs.filter((a) => a.direction === -1).length,
      rejected_for_inventory: replay.rejectedForInventory,
      rejected_at_horizon: replay.rejectedAtHorizon,
      // what latency (and, faithful, the mid signal) took from the edge the signal saw
      edge_decay_bps: average(replay.arbs.map((a) => a.edgeSeenBps - a.edgeCapturedBps)),
      fees_paid: sum(replay.arbs.map((a) => a.fees))
    },
    risk: { events_by_rule: eventsByRule, halted: run.halted }
  }
}

/** The run's report: the summary metrics and the telemetry blocks. */
export function latencyArbReport(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): LabReport {
  return { metrics: latencyArbMetrics(run, config), telemetry: latencyArbTelemetry(run, config) }
}
