import { actionCounts, mean, regimeCounts, std, sum, type LabReport, type LabRun } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import { ArbDesk, type ArbRecord } from './execution'
import type { LatencyArbMarket } from './market'
import { directionOf, type LatencyArbAction } from './policy'

// Summary metrics and telemetry. Per-arb statistics are the run's desk's (execution.ts), folded
// as each arb executed; replayArbs gives the arbs one by one for diagnostics and tests.

export interface ArbReplay {
  arbs: ArbRecord[]
  rejectedForInventory: number
  rejectedAtHorizon: number
}

/** Every arb of a run, from replaying its decisions through a fresh desk (the desk is deterministic in them). */
export function replayArbs(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): ArbReplay {
  const desk = new ArbDesk(config, run.market)
  const arbs: ArbRecord[] = []
  desk.onArb = (arb) => arbs.push({ ...arb })
  for (let t = 0; t < run.steps; t++) desk.step(t, directionOf(run.actions[run.columns.action[t]!] as LatencyArbAction))
  return { arbs, rejectedForInventory: desk.rejectedForInventory, rejectedAtHorizon: desk.rejectedAtHorizon }
}

/** The run's desk, checked to be the one that executed these steps. */
function runDesk(run: LabRun<LatencyArbMarket>): ArbDesk {
  const desk = run.market.desk
  if (desk.steps !== run.steps) {
    throw new Error(`latency-arb report: the market's desk executed ${desk.steps} steps, the run ${run.steps}; report on the market the run executed on, before it runs again`)
  }
  return desk
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

const average = (total: number, n: number): number | null => (n > 0 ? total / n : null)

export function latencyArbMetrics(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): Record<string, number | null> {
  const c = run.columns
  const arbs = runDesk(run).stats
  const sd = run.steps > 1 ? std(c.netPnl, 1) : 0
  return {
    total_pnl: run.finalEquity - run.initialEquity,
    spread_pnl: sum(c.pnlByComponent.spread!),
    // fees as a P&L contribution (≤ 0), so total = spread + fee
    fee_pnl: -sum(c.cost),
    arbs: arbs.count,
    win_rate: arbs.count > 0 ? arbs.wins / arbs.count : null,
    avg_pnl_per_arb: average(arbs.pnl, arbs.count),
    avg_edge_seen_bps: average(arbs.edgeSeenBps, arbs.count),
    avg_edge_captured_bps: average(arbs.edgeCapturedBps, arbs.count),
    max_drawdown: maxDrawdownCurrency(c.equity, run.initialEquity),
    // mean over sample sd of per-step P&L × √(steps per year)
    sharpe_annualized: sd > 0 ? (mean(c.netPnl) / sd) * Math.sqrt(1 / config.dt) : null,
    halted: run.halted ? 1 : 0
  }
}

export function latencyArbTelemetry(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): Record<string, unknown> {
  const desk = runDesk(run)
  const arbs = desk.stats
  const byRegime = Object.fromEntries(
    run.regimeNames.map((name, r) => {
      const n = arbs.countByRegime[r] ?? 0
      return [name, { arbs: n, win_rate: n > 0 ? arbs.winsByRegime[r]! / n : null, pnl: arbs.pnlByRegime[r] ?? 0 }]
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
      arbs_a_to_b: arbs.aToB,
      arbs_b_to_a: arbs.bToA,
      rejected_for_inventory: desk.rejectedForInventory,
      rejected_at_horizon: desk.rejectedAtHorizon,
      // what latency (and, faithful, the mid signal) took from the edge the signal saw
      edge_decay_bps: average(arbs.edgeDecayBps, arbs.count),
      fees_paid: arbs.fees
    },
    risk: { events_by_rule: eventsByRule, halted: run.halted }
  }
}

/** The run's report: the summary metrics and the telemetry blocks. */
export function latencyArbReport(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): LabReport {
  return { metrics: latencyArbMetrics(run, config), telemetry: latencyArbTelemetry(run, config) }
}
