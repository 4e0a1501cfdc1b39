import { POLICY_SOURCES, mean, regimeCounts, sum, type LabReport, type LabRun } from '../../engine/kernel'
import type { MicrostructureConfig } from './config'
import { AGGRESSIVE, INFORMED, FLOW, annotateFills, type AnnotatedFills } from './fill-log'
import type { MicrostructureMarket } from './market'

// The seed's ten summary metrics (README, "Analytics") and its microstructure decomposition of
// P&L (notebook 01), from the run's columns and fill log.

/** Seed: steps from the |inventory| peak until it is at most half the peak; ∞ when it never is. 0 for a flat book. */
export function halfLifeFromPeak(inventory: ArrayLike<number>): number {
  let peakAt = 0
  let peak = 0
  for (let t = 0; t < inventory.length; t++) {
    const a = Math.abs(inventory[t]!)
    if (a > peak) {
      peak = a
      peakAt = t
    }
  }
  if (peak === 0) return 0
  for (let t = peakAt + 1; t < inventory.length; t++) if (Math.abs(inventory[t]!) <= peak / 2) return t - peakAt
  return Number.POSITIVE_INFINITY
}

/** Corrected: φ = Σ q(t)q(t+1) / Σ q(t)² (AR(1) through the origin), half-life ln ½ / ln |φ|; ∞ when |φ| ≥ 1. */
export function halfLifeFromAR1(inventory: ArrayLike<number>): number {
  let cross = 0
  let square = 0
  for (let t = 0; t + 1 < inventory.length; t++) {
    cross += inventory[t]! * inventory[t + 1]!
    square += inventory[t]! * inventory[t]!
  }
  if (square === 0) return 0
  const phi = Math.abs(cross / square)
  if (phi >= 1) return Number.POSITIVE_INFINITY
  return phi === 0 ? 0 : Math.log(0.5) / Math.log(phi)
}

/** Largest fall of cumulative P&L from its running peak (starting at 0), as the seed reports it: ≤ 0. */
export function maxDrawdownPnl(pnl: ArrayLike<number>): number {
  let peak = 0
  let worst = 0
  for (let t = 0; t < pnl.length; t++) {
    peak = Math.max(peak, pnl[t]!)
    worst = Math.min(worst, pnl[t]! - peak)
  }
  return worst
}

/** Per-step P&L mean over its sample standard deviation, annualised; 0 for a P&L that never moves. */
export function sharpeAnnualized(stepPnl: ArrayLike<number>, periodsPerYear: number): number {
  const n = stepPnl.length
  if (n < 2) return 0
  const m = mean(stepPnl)
  let ss = 0
  for (let t = 0; t < n; t++) ss += (stepPnl[t]! - m) ** 2
  const sd = Math.sqrt(ss / (n - 1))
  return sd > 0 ? (m / sd) * Math.sqrt(periodsPerYear) : 0
}

/**
 * total = spread capture + rebates − fees + inventory P&L, and inventory P&L = −adverse selection
 * + residual. Adverse selection is side·(mid at fill − mid after h)·qty over passive fills: the
 * marks of each passive fill's inventory over its first h steps. The residual is computed on its
 * own, from the inventory older than h steps (or taken aggressively), so the identity is a check.
 */
export function pnlDecomposition(run: LabRun<MicrostructureMarket>, fills: AnnotatedFills) {
  const c = run.columns
  const mid = run.market.mid
  const steps = run.steps
  const young = new Float64Array(steps + 1)
  let adverse = 0
  for (let i = 0; i < fills.n; i++) {
    if (fills.kind[i] === AGGRESSIVE) continue
    const signed = fills.side[i]! * fills.qty[i]!
    adverse += signed * (fills.midBefore[i]! - fills.midAfter[i]!)
    young[fills.t[i]!]! += signed
    young[fills.t[i]! + fills.horizon[i]!]! -= signed
  }
  let residual = 0
  let inWindow = 0
  for (let t = 1; t < steps; t++) {
    inWindow += young[t - 1]!
    residual += (c.position[t - 1]! - inWindow) * (mid[t]! - mid[t - 1]!)
  }
  const spreadCapture = sum(c.pnlByComponent.spread_capture ?? [])
  const rebates = sum(c.pnlByComponent.rebate ?? [])
  const fees = sum(c.cost)
  const inventory = sum(c.pnlByComponent.inventory ?? [])
  return {
    total: run.finalEquity - run.initialEquity,
    spread_capture: spreadCapture,
    rebates,
    fees,
    inventory,
    adverse_selection: adverse,
    inventory_residual: residual
  }
}

export function fillsOf(run: LabRun<MicrostructureMarket>, config: MicrostructureConfig): AnnotatedFills {
  return annotateFills(run.market.exchange.fills, run.market.mid, config.analytics.adverse_horizon_steps, run.steps - 1)
}

/** The seed's ten metrics, then the decomposition and book facts. ∞ is reported as null with a flag. */
export function microstructureMetrics(run: LabRun<MicrostructureMarket>, config: MicrostructureConfig): Record<string, number | null> {
  const c = run.columns
  const steps = run.steps
  const fills = fillsOf(run, config)
  const inventory = c.position.subarray(0, steps)
  const pnl = new Float64Array(steps)
  for (let t = 0; t < steps; t++) pnl[t] = c.equity[t]! - run.initialEquity
  const halfLife = config.corrections.half_life === 'ar1' ? halfLifeFromAR1(inventory) : halfLifeFromPeak(inventory)
  let absInventory = 0
  for (let t = 0; t < steps; t++) absInventory += Math.abs(inventory[t]!)
  let passive = 0
  let realized = 0
  let effective = 0
  let adverse = 0
  for (let i = 0; i < fills.n; i++) {
    if (fills.kind[i] === AGGRESSIVE) continue
    const s = fills.side[i]!
    passive++
    effective += s * (fills.midBefore[i]! - fills.price[i]!)
    realized += s * (fills.midAfter[i]! - fills.price[i]!)
    adverse += s * (fills.midBefore[i]! - fills.midAfter[i]!)
  }
  const d = pnlDecomposition(run, fills)
  const perPassive = (x: number): number | null => (passive > 0 ? x / passive : null)
  return {
    final_pnl: d.total,
    max_drawdown: maxDrawdownPnl(pnl),
    sharpe_annualized: sharpeAnnualized(c.netPnl, config.analytics.periods_per_year),
    fills: fills.n,
    fees_paid: d.fees - d.rebates,
    avg_abs_inventory: steps > 0 ? absInventory / steps : 0,
    inventory_half_life: Number.isFinite(halfLife) ? halfLife : null,
    fill_rate: fills.n / steps,
    realized_spread_avg: perPassive(config.corrections.realized_spread === 'at_horizon' ? realized : effective),
    adverse_selection_avg: perPassive(adverse),
    inventory_half_life_infinite: Number.isFinite(halfLife) ? 0 : 1,
    effective_spread_avg: perPassive(effective),
    passive_fills: passive,
    aggressive_fills: fills.n - passive,
    final_inventory: steps > 0 ? inventory[steps - 1]! : 0,
    decomp_spread_capture: d.spread_capture,
    decomp_rebates: d.rebates,
    decomp_fees: d.fees,
    decomp_inventory: d.inventory,
    decomp_adverse_selection: d.adverse_selection,
    decomp_inventory_residual: d.inventory_residual,
    book_events: run.market.exchange.book.events
  }
}

/** Telemetry blocks: execution (fees, fills by kind), book events, regime, the decomposition, risk, policy. */
export function microstructureTelemetry(run: LabRun<MicrostructureMarket>, config: MicrostructureConfig): Record<string, unknown> {
  const c = run.columns
  const fills = fillsOf(run, config)
  const byKind = { flow: 0, informed: 0, aggressive: 0 }
  const volume = { passive: 0, aggressive: 0 }
  for (let i = 0; i < fills.n; i++) {
    const k = fills.kind[i]
    if (k === FLOW) byKind.flow++
    else if (k === INFORMED) byKind.informed++
    else byKind.aggressive++
    if (k === AGGRESSIVE) volume.aggressive += fills.qty[i]!
    else volume.passive += fills.qty[i]!
  }
  const eventsByRule: Record<string, number> = {}
  for (const e of run.events) eventsByRule[e.rule] = (eventsByRule[e.rule] ?? 0) + 1
  const sources: Record<string, number> = {}
  for (const s of c.source) sources[POLICY_SOURCES[s] ?? String(s)] = (sources[POLICY_SOURCES[s] ?? String(s)] ?? 0) + 1
  const events = run.market.exchange.book.events
  return {
    strategy: { type: config.strategy.type, profile: config.profile },
    execution: {
      cost_by_component: Object.fromEntries(Object.entries(c.costByComponent).map(([k, v]) => [k, sum(v)])),
      fills_by_kind: byKind,
      volume
    },
    book: { events, events_per_step: run.steps > 0 ? events / run.steps : 0 },
    regime: { counts: regimeCounts(run.regimeNames, c.regime) },
    decomposition: pnlDecomposition(run, fills),
    risk: { events_by_rule: eventsByRule },
    policy: { sources }
  }
}

/** The run's report: the seed's metrics and the telemetry blocks, from the whole run. */
export function microstructureReport(run: LabRun<MicrostructureMarket>, config: MicrostructureConfig): LabReport {
  return { metrics: microstructureMetrics(run, config), telemetry: microstructureTelemetry(run, config) }
}
