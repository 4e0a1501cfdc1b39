import { mean, std, type LabReport, type LabRun, type RunEnd, type RunObserver, type StepChunk } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import { ArbDesk, type ArbRecord } from './execution'
import type { LatencyArbMarket } from './market'
import { LATENCY_ARB_ACTIONS, directionOf, type LatencyArbAction } from './policy'

// Summary metrics and telemetry, folded over the step chunks as the run advances. Per-arb
// statistics are the run's desk's (execution.ts), folded as each arb executed. Every sum adds
// its terms from 0 in step order, as summing the whole columns did; the one two-pass statistic
// (the sample sd of per-step P&L) keeps the net P&L series, 8 bytes a step and nothing per arb.

/**
 * The report as a RunObserver: fed every chunk of the run, on the market the run executes on
 * (whose desk it reads at the end).
 */
export class LatencyArbReportObserver implements RunObserver<LabReport> {
  private spreadPnl = 0
  private cost = 0
  private peak: number
  private worstDrawdown = 0
  private readonly netPnl: Float64Array
  private readonly regimeSteps: Float64Array
  private readonly actionSteps: Float64Array
  private readonly eventsByRule: Record<string, number> = {}
  private steps = 0

  constructor(
    private readonly config: LatencyArbConfig,
    private readonly market: LatencyArbMarket,
    initialEquity: number,
    capacity: number = config.T
  ) {
    this.peak = initialEquity
    this.netPnl = new Float64Array(capacity)
    this.regimeSteps = new Float64Array(config.regimes.names.length)
    this.actionSteps = new Float64Array(LATENCY_ARB_ACTIONS.length)
  }

  onChunk(chunk: StepChunk): void {
    const c = chunk.columns
    const spread = c.pnlByComponent.spread!
    for (let i = 0; i < chunk.count; i++) {
      this.spreadPnl += spread[i]!
      this.cost += c.cost[i]!
      // largest fall of equity from its running peak (the initial equity included), in currency
      const e = c.equity[i]!
      if (e > this.peak) this.peak = e
      if (this.peak - e > this.worstDrawdown) this.worstDrawdown = this.peak - e
      this.regimeSteps[c.regime[i]!]! += 1
      this.actionSteps[c.action[i]!]! += 1
    }
    this.netPnl.set(c.netPnl.subarray(0, chunk.count), chunk.first)
    for (const e of chunk.events) this.eventsByRule[e.rule] = (this.eventsByRule[e.rule] ?? 0) + 1
    this.steps = chunk.first + chunk.count
  }

  finish(end: RunEnd): LabReport {
    const desk = this.market.desk
    if (desk.steps !== end.steps || this.steps !== end.steps) {
      throw new Error(`latency-arb report: the run executed ${end.steps} steps, the market's desk ${desk.steps} and the report saw ${this.steps}; report on the market the run executed on, before it runs again`)
    }
    return { metrics: this.metrics(end, desk), telemetry: this.telemetry(end, desk) }
  }

  private metrics(end: RunEnd, desk: ArbDesk): Record<string, number | null> {
    const arbs = desk.stats
    const net = this.netPnl.subarray(0, end.steps)
    const sd = end.steps > 1 ? std(net, 1) : 0
    return {
      total_pnl: end.finalEquity - end.initialEquity,
      spread_pnl: this.spreadPnl,
      // fees as a P&L contribution (≤ 0), so total = spread + fee
      fee_pnl: -this.cost,
      arbs: arbs.count,
      win_rate: arbs.count > 0 ? arbs.wins / arbs.count : null,
      avg_pnl_per_arb: average(arbs.pnl, arbs.count),
      avg_edge_seen_bps: average(arbs.edgeSeenBps, arbs.count),
      avg_edge_captured_bps: average(arbs.edgeCapturedBps, arbs.count),
      max_drawdown: this.worstDrawdown,
      // mean over sample sd of per-step P&L × √(steps per year)
      sharpe_annualized: sd > 0 ? (mean(net) / sd) * Math.sqrt(1 / this.config.dt) : null,
      halted: end.halted ? 1 : 0
    }
  }

  private telemetry(end: RunEnd, desk: ArbDesk): Record<string, unknown> {
    const config = this.config
    const arbs = desk.stats
    const byRegime = Object.fromEntries(
      end.regimeNames.map((name, r) => {
        const n = arbs.countByRegime[r] ?? 0
        return [name, { arbs: n, win_rate: n > 0 ? arbs.winsByRegime[r]! / n : null, pnl: arbs.pnlByRegime[r] ?? 0 }]
      })
    )
    return {
      regime: { counts: countsByName(end.regimeNames, this.regimeSteps), arbs_by_regime: byRegime },
      action: { counts: countsByName(end.actions, this.actionSteps) },
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
      risk: { events_by_rule: { ...this.eventsByRule }, halted: end.halted }
    }
  }
}

const average = (total: number, n: number): number | null => (n > 0 ? total / n : null)

/** Step counts by name, in the names' order (as the kernel's actionCounts gives them). */
function countsByName(names: readonly string[], counts: Float64Array): Record<string, number> {
  const out = Object.fromEntries(names.map((n) => [n, 0])) as Record<string, number>
  names.forEach((n, i) => (out[n]! += counts[i] ?? 0))
  return out
}

/** The report of a whole run (tests, small runs): the observer fed the run as one chunk. */
export function latencyArbReport(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): LabReport {
  const observer = new LatencyArbReportObserver(config, run.market, run.initialEquity, run.steps)
  observer.onChunk({ first: 0, count: run.steps, columns: run.columns, events: run.events, firstEvent: 0, rationales: run.rationales })
  return observer.finish(run)
}

export interface ArbReplay {
  arbs: ArbRecord[]
  rejectedForInventory: number
  rejectedAtHorizon: number
}

/** Every arb of a run, one by one, from replaying its decisions through a fresh desk (deterministic in them): for tests and diagnostics. */
export function replayArbs(run: LabRun<LatencyArbMarket>, config: LatencyArbConfig): ArbReplay {
  const desk = new ArbDesk(config, run.market)
  const arbs: ArbRecord[] = []
  desk.onArb = (arb) => arbs.push({ ...arb })
  for (let t = 0; t < run.steps; t++) desk.step(t, directionOf(run.actions[run.columns.action[t]!] as LatencyArbAction))
  return { arbs, rejectedForInventory: desk.rejectedForInventory, rejectedAtHorizon: desk.rejectedAtHorizon }
}
