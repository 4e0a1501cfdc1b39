import { actionCounts, mean, regimeCounts, std, sum, sumByRegime, type LabReport, type LabRun } from '../../engine/kernel'
import type { FundingBasisConfig } from './config'
import type { FundingBasisMarket } from './market'
import { sideOfPerp } from './policy'

// Summary metrics, round trips and telemetry, all read off the run's columns (no second model).

export interface RoundTrip {
  entry: number
  /** Step whose trade closed it; null if still open at the end. */
  exit: number | null
  side: -1 | 1
  carry: number
  basis: number
  cost: number
  pnl: number
}

/**
 * Splits the run into round trips. The mark at t belongs to the trip held into t; a step that
 * closes one side and opens the other splits its cost by |old| : |new|, exact for costs linear
 * in |trade|. Σ pnl over all trips equals the run's P&L.
 */
export function roundTrips(run: LabRun<unknown>): RoundTrip[] {
  const c = run.columns
  const legs = run.legs.length
  const carry = c.pnlByComponent.carry!
  const basis = c.pnlByComponent.basis!
  const trips: RoundTrip[] = []
  let open: RoundTrip | null = null
  const close = (trip: RoundTrip): RoundTrip => ({ ...trip, pnl: trip.carry + trip.basis - trip.cost })
  for (let t = 0; t < run.steps; t++) {
    const before = t === 0 ? 0 : c.position[(t - 1) * legs + 1]!
    const after = c.position[t * legs + 1]!
    if (open) {
      open.carry += carry[t]!
      open.basis += basis[t]!
    }
    const sideBefore = sideOfPerp(before)
    const sideAfter = sideOfPerp(after)
    if (sideBefore === sideAfter) {
      if (open) open.cost += c.cost[t]!
      continue
    }
    const gross = Math.abs(before) + Math.abs(after)
    if (open) {
      open.cost += (c.cost[t]! * Math.abs(before)) / gross
      open.exit = t
      trips.push(close(open))
      open = null
    }
    if (sideAfter !== 0) open = { entry: t, exit: null, side: sideAfter, carry: 0, basis: 0, cost: (c.cost[t]! * Math.abs(after)) / gross, pnl: 0 }
  }
  if (open) trips.push(close(open))
  return trips
}

/** Largest fall of equity from its running peak, in currency (≥ 0). */
export function maxDrawdownCurrency(equity: ArrayLike<number>, initial: number): number {
  let peak = initial
  let worst = 0
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!
    if (e > peak) peak = e
    if (peak - e > worst) worst = peak - e
  }
  return worst
}

/** Mean over sample sd of per-step P&L, × √(steps per year); null when the P&L never varies. */
export function sharpeAnnualized(netPnl: ArrayLike<number>, dt: number): number | null {
  if (netPnl.length < 2) return null
  const sd = std(netPnl, 1)
  return sd > 0 ? (mean(netPnl) / sd) * Math.sqrt(1 / dt) : null
}

export function fundingBasisMetrics(run: LabRun<FundingBasisMarket>, config: FundingBasisConfig): Record<string, number | null> {
  const c = run.columns
  const trips = roundTrips(run)
  const closed = trips.filter((t) => t.exit !== null)
  let inMarket = 0
  for (let t = 0; t < run.steps; t++) if (c.position[t * run.legs.length + 1] !== 0) inMarket++
  return {
    total_pnl: run.finalEquity - run.initialEquity,
    carry_pnl: sum(c.pnlByComponent.carry!),
    basis_pnl: sum(c.pnlByComponent.basis!),
    // costs as a P&L contribution (≤ 0), so total = carry + basis + cost
    cost_pnl: -sum(c.cost),
    trades: trips.length,
    round_trips_closed: closed.length,
    time_in_market: run.steps > 0 ? inMarket / run.steps : null,
    sharpe_annualized: sharpeAnnualized(c.netPnl, config.dt),
    max_drawdown: maxDrawdownCurrency(c.equity, run.initialEquity),
    // per closed round trip; a trip still open at the end is not counted
    win_rate: closed.length > 0 ? closed.filter((t) => t.pnl > 0).length / closed.length : null,
    avg_round_trip_pnl: closed.length > 0 ? sum(closed.map((t) => t.pnl)) / closed.length : null
  }
}

export function fundingBasisTelemetry(run: LabRun<FundingBasisMarket>, config: FundingBasisConfig): Record<string, unknown> {
  const c = run.columns
  const trips = roundTrips(run)
  const holding = trips.map((t) => (t.exit ?? run.steps) - t.entry)
  const eventsByRule: Record<string, number> = {}
  for (const e of run.events) eventsByRule[e.rule] = (eventsByRule[e.rule] ?? 0) + 1
  let fundingTimes = 0
  for (let t = 0; t < run.steps; t++) fundingTimes += run.market.fundingTime[t]!
  return {
    regime: {
      counts: regimeCounts(run.regimeNames, c.regime),
      carry_by_regime: sumByRegime(run.regimeNames, c.regime, c.pnlByComponent.carry!),
      basis_by_regime: sumByRegime(run.regimeNames, c.regime, c.pnlByComponent.basis!),
      cost_by_regime: sumByRegime(run.regimeNames, c.regime, c.cost)
    },
    action: { counts: actionCounts(run.actions, c.action) },
    execution: { cost_by_component: Object.fromEntries(Object.entries(c.costByComponent).map(([k, v]) => [k, sum(v)])) },
    carry: { funding_mode: config.corrections.funding, funding_times: fundingTimes, fee_legs: config.corrections.fee_legs },
    round_trips: {
      count: trips.length,
      long_basis: trips.filter((t) => t.side === 1).length,
      short_basis: trips.filter((t) => t.side === -1).length,
      avg_holding_steps: holding.length > 0 ? sum(holding) / holding.length : null,
      longest_holding_steps: holding.length > 0 ? Math.max(...holding) : null
    },
    risk: { events_by_rule: eventsByRule, halted: run.halted }
  }
}

/**
 * The run's report: summary metrics, round trips and telemetry. Round trips pair each entry
 * with its exit across the whole run, so the report reads the whole run (T ≤ 1,000,000 steps).
 */
export function fundingBasisReport(run: LabRun<FundingBasisMarket>, config: FundingBasisConfig): LabReport {
  return { metrics: fundingBasisMetrics(run, config), telemetry: fundingBasisTelemetry(run, config) }
}
