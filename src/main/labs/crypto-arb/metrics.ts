import { actionCounts, type LabReport, type LabRun } from '../../engine/kernel'
import { npSum } from '../common/numpy'
import { VENUES, type CryptoArbConfig } from './config'
import { INITIAL_CAPITAL } from './desk'
import type { CryptoMarket } from './market'
import { ASSETS, NV } from './price-engine'

// The session report (CELL 8's summary and CELL 10's stats) under the notebook's names, unrounded,
// from the desk (the notebook's PortfolioState arithmetic). profit_factor and sharpe follow CELL 10's
// pandas reductions (pairwise sums; std with ddof 1); both are null where the notebook leaves None.

export function cryptoArbMetrics(m: CryptoMarket, config: CryptoArbConfig): Record<string, number | null> {
  const d = m.desk
  const nets = Float64Array.from(d.tradeLog, (t) => t.net)
  let profitFactor: number | null = null
  let sharpe: number | null = null
  if (nets.length > 0) {
    const w = npSum(nets.filter((x) => x > 0))
    const l = Math.abs(npSum(nets.filter((x) => x < 0)))
    profitFactor = w / Math.max(l, 0.01)
    if (nets.length > 1) {
      const mean = npSum(nets) / nets.length
      const sq = Float64Array.from(nets, (x) => (x - mean) * (x - mean))
      const std = Math.sqrt(npSum(sq) / (nets.length - 1))
      sharpe = (mean / Math.max(std, 0.001)) * Math.sqrt((252 * 24 * 60) / config.session.agent_interval)
    }
  }
  return {
    equity: d.cash,
    realized_pnl: d.realizedPnl,
    fees: d.fees,
    slippage: d.slippage,
    withdrawal_costs: d.withdrawal,
    volume: d.volume,
    trades: d.trades,
    wins: d.wins,
    losses: d.losses,
    win_rate: d.wins / Math.max(d.trades, 1),
    max_dd_pct: d.maxDrawdown * 100,
    profit_factor: profitFactor,
    sharpe,
    roi_pct: ((d.cash - INITIAL_CAPITAL) / INITIAL_CAPITAL) * 100,
    ticks: config.session.num_ticks
  }
}

export function cryptoArbReport(run: LabRun<CryptoMarket>, config: CryptoArbConfig): LabReport {
  const m = run.market
  const d = m.desk
  const n = run.steps
  let sumCount = 0
  for (let t = 0; t < n; t++) sumCount += m.oppCount[t]!
  const volume = d.volume
  return {
    metrics: cryptoArbMetrics(m, config),
    telemetry: {
      pre_session: {
        positive_raw_spread_pct: m.preSession.positivePct * 100,
        ticks_with_opp_pct: m.preSession.ticksWithOpp * 100,
        best_spread_mean_bps: npSum(m.preSession.bestPerTick) / m.preSession.bestPerTick.length,
        best_spread_max_bps: Math.max(...m.preSession.bestPerTick),
        scanner_avg_opps: m.preSession.avgOpps
      },
      scanner: { avg_opps_per_tick: n > 0 ? sumCount / n : 0, opp_counts: Array.from(m.oppCount.subarray(0, n)), best_net_bps: Array.from(m.bestNet.subarray(0, n)) },
      costs: { fees: d.fees, slippage: d.slippage, withdrawal: d.withdrawal, funding: d.funding, liquidation: d.liquidation, all_in_cost_bps: ((d.fees + d.slippage + d.withdrawal + d.funding + d.liquidation) / Math.max(volume, 1)) * 10000 },
      risk: { checks: d.checks.length, rejected: d.checks.filter((c) => !c.ok).length, reasons: d.checks.filter((c) => !c.ok).map((c) => c.reason) },
      trades: d.tradeLog.map((t) => ({
        step: t.step,
        tick: t.tick,
        symbol: ASSETS[t.asset],
        buy: VENUES[t.buy],
        sell: VENUES[t.sell],
        size_usd: t.size,
        expected_bps: t.expectedBps,
        gross: t.gross,
        fees: t.fees,
        slippage: t.slippage,
        withdrawal: t.withdrawal,
        net: t.net,
        buy_latency_ms: t.buyOrder.latency,
        sell_latency_ms: t.sellOrder.latency,
        buy_status: t.buyOrder.status,
        sell_status: t.sellOrder.status
      })),
      action: { counts: actionCounts(run.actions, run.columns.action) },
      scenarios: scenarioTelemetry(m, n),
      baseline: config.policy.kind === 'top_opportunity' ? 'workstation baseline (not the book’s): top opportunity at its optimal size' : 'none: the notebook with its LLM unreachable'
    }
  }
}

/** What the scenarios changed (null where a scenario is off): outages, coins in transit, perpetual margin, funding and liquidations. */
function scenarioTelemetry(m: CryptoMarket, n: number): Record<string, unknown> {
  const d = m.desk
  const s = m.scenario
  const upFraction: Record<string, number> = {}
  for (let v = 0; v < NV; v++) {
    let up = 0
    for (let t = 0; t < n; t++) up += m.venueUp[t * NV + v]!
    upFraction[VENUES[v]!] = n > 0 ? up / n : 1
  }
  return {
    venue_downtime: m.outages === null ? null : { up_fraction: upFraction },
    transfer_delay:
      s === null || s.kind !== 'transit' ? null : { in_transit_usd: Array.from(s.transitUsd.subarray(0, n)), usd_minutes_in_transit: s.transitUsdMinutes, waiting_cost_usd: s.transitCost, still_in_transit: s.lots.length },
    perpetuals:
      s === null || s.kind !== 'perp'
        ? null
        : {
            notional_usd: Array.from(s.perpNotional.subarray(0, n)),
            margin_used_usd: Array.from(s.marginUsed.subarray(0, n)),
            funding_paid: d.funding,
            liquidation_losses: d.liquidation,
            liquidations: s.liquidationEvents.map((e) => ({ step: e.step, venue: VENUES[e.venue], notional: e.notional, equity: e.equity, maintenance: e.maintenance, loss: e.loss })),
            open_pairs: s.lots.length
          }
  }
}
