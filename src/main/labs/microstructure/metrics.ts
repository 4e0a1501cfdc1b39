import { POLICY_SOURCES, type LabReport, type RunEnd, type RunObserver, type StepChunk } from '../../engine/kernel'
import { REGIME_NAMES, type MicrostructureConfig } from './config'
import { crowdingReport } from './crowding'
import { AGGRESSIVE, COST_COMPONENTS, FLOW, INFORMED, type FillListener } from './execution'
import type { MicrostructureMarket } from './market'

// The seed's ten summary metrics (README, "Analytics") and its microstructure decomposition of
// P&L, folded while the run advances: the kernel's step chunks and the exchange's fills as they
// happen. Nothing here grows with the run: a fill waits in a queue only until the mid at its
// adverse-selection horizon is known, and the inventory still inside that horizon is a ring of
// horizon + 1 steps. Every sum is taken in the order the whole-run formulas took it (step order,
// fill order), so every metric is the whole-run value to the bit — except the Sharpe ratio's
// standard deviation, which a single pass cannot take the way two passes do (below).

/** Seed: steps from the |inventory| peak until it is at most half the peak; ∞ when it never is. 0 for a flat book. */
export class PeakHalfLife {
  private t = 0
  private peak = 0
  private peakAt = 0
  /** First step after the peak at which |inventory| ≤ peak/2 (−1: none yet). */
  private halfAt = -1

  add(inventory: number): void {
    const a = Math.abs(inventory)
    if (a > this.peak) {
      this.peak = a
      this.peakAt = this.t
      this.halfAt = -1
    } else if (this.halfAt === -1 && this.t > this.peakAt && a <= this.peak / 2) {
      this.halfAt = this.t
    }
    this.t++
  }

  value(): number {
    if (this.peak === 0) return 0
    return this.halfAt === -1 ? Number.POSITIVE_INFINITY : this.halfAt - this.peakAt
  }
}

/** Corrected: φ = Σ q(t)q(t+1) / Σ q(t)² (AR(1) through the origin), half-life ln ½ / ln |φ|; ∞ when |φ| ≥ 1. */
export class AR1HalfLife {
  private cross = 0
  private square = 0
  private previous = 0
  private started = false

  add(inventory: number): void {
    if (this.started) {
      this.cross += this.previous * inventory
      this.square += this.previous * this.previous
    }
    this.previous = inventory
    this.started = true
  }

  value(): number {
    if (this.square === 0) return 0
    const phi = Math.abs(this.cross / this.square)
    if (phi >= 1) return Number.POSITIVE_INFINITY
    return phi === 0 ? 0 : Math.log(0.5) / Math.log(phi)
  }
}

/** Largest fall of cumulative P&L from its running peak (starting at 0), as the seed reports it: ≤ 0. */
export class PnlDrawdown {
  private peak = 0
  private worst = 0

  add(pnl: number): void {
    this.peak = Math.max(this.peak, pnl)
    this.worst = Math.min(this.worst, pnl - this.peak)
  }

  value(): number {
    return this.worst
  }
}

/**
 * Per-step P&L mean over its sample standard deviation, annualised; 0 for a P&L that never moves.
 * The mean is the plain left-to-right sum over n, as before. Σ(x − mean)² needs the mean before
 * its first term, so one pass cannot take it: it is Welford's update (M2 += d·(x − running mean)),
 * which is as accurate but may differ from the two-pass sum in the last bits.
 */
export class SharpeFold {
  private n = 0
  private sum = 0
  private runningMean = 0
  private m2 = 0

  add(x: number): void {
    this.n++
    this.sum += x
    const d = x - this.runningMean
    this.runningMean += d / this.n
    this.m2 += d * (x - this.runningMean)
  }

  value(periodsPerYear: number): number {
    if (this.n < 2) return 0
    const m = this.sum / this.n
    const sd = Math.sqrt(this.m2 / (this.n - 1))
    return sd > 0 ? (m / sd) * Math.sqrt(periodsPerYear) : 0
  }
}

function fold<F extends { add(x: number): void }>(f: F, values: ArrayLike<number>): F {
  for (let t = 0; t < values.length; t++) f.add(values[t]!)
  return f
}

export const halfLifeFromPeak = (inventory: ArrayLike<number>): number => fold(new PeakHalfLife(), inventory).value()
export const halfLifeFromAR1 = (inventory: ArrayLike<number>): number => fold(new AR1HalfLife(), inventory).value()
export const maxDrawdownPnl = (pnl: ArrayLike<number>): number => fold(new PnlDrawdown(), pnl).value()
export const sharpeAnnualized = (stepPnl: ArrayLike<number>, periodsPerYear: number): number => fold(new SharpeFold(), stepPnl).value(periodsPerYear)

/**
 * The run's report, a RunObserver fed by the step chunks and, through the exchange, by every
 * strategy fill as it happens. Make it on the run's market before the run starts (it listens to
 * that market's exchange, and reads the mid while the run's scenario window still holds it): it
 * cannot be replayed from a finished run. One report per market (a market serves one run).
 *
 * The P&L decomposition (seed notebook 01): total = spread capture + rebates − fees + inventory
 * P&L, and inventory P&L = −adverse selection + residual. Adverse selection is
 * side·(mid at fill − mid after h)·qty over passive fills: the marks of each passive fill's
 * inventory over its first h steps (h cut at the run's last step). The residual is computed on its
 * own, from the inventory older than h steps (or taken aggressively), so the identity is a check:
 * residual = Σ_t (q(t−1) − young(t−1))·(mid(t) − mid(t−1)), young = passive inventory under h steps old.
 */
export class MicrostructureReport implements RunObserver<LabReport>, FillListener {
  private readonly horizon: number
  private readonly initialEquity: number
  private readonly periodsPerYear: number
  private readonly halfLife: PeakHalfLife | AR1HalfLife
  private readonly drawdown = new PnlDrawdown()
  private readonly sharpe = new SharpeFold()

  // Fills waiting for the mid at their horizon, oldest first: a ring of `capacity` entries.
  // [head, applied) have entered the young-inventory ring; [applied, tail) are of steps not yet chunked.
  private capacity = 1024
  private qT = new Int32Array(this.capacity)
  private qSide = new Int8Array(this.capacity)
  private qPrice = new Float64Array(this.capacity)
  private qQty = new Float64Array(this.capacity)
  private qKind = new Uint8Array(this.capacity)
  private qMid = new Float64Array(this.capacity)
  private head = 0
  private applied = 0
  private tail = 0

  /** Signed passive lots filled at step x, less those filled at x − h: slot x mod (h + 1). */
  private readonly young: Float64Array
  private inWindow = 0
  private residual = 0
  private previousPosition = 0

  private steps = 0
  private lastPosition = 0
  private absInventory = 0
  private spreadCapture = 0
  private rebates = 0
  private fees = 0
  private inventoryPnl = 0
  private readonly costByComponent = new Float64Array(COST_COMPONENTS.length)
  private readonly regimeCounts = new Float64Array(REGIME_NAMES.length)
  private readonly sourceCounts = new Float64Array(256)
  private readonly sourceOrder: number[] = []
  private readonly eventsByRule: Record<string, number> = {}

  private fills = 0
  private passive = 0
  private effective = 0
  private realized = 0
  private adverse = 0
  private adverseLots = 0
  private readonly byKind = { flow: 0, informed: 0, aggressive: 0 }
  private readonly volume = { passive: 0, aggressive: 0 }

  constructor(
    private readonly config: MicrostructureConfig,
    private readonly market: MicrostructureMarket
  ) {
    this.horizon = config.analytics.adverse_horizon_steps
    this.initialEquity = config.risk.initial_equity
    this.periodsPerYear = config.analytics.periods_per_year
    this.halfLife = config.corrections.half_life === 'ar1' ? new AR1HalfLife() : new PeakHalfLife()
    this.young = new Float64Array(this.horizon + 1)
    market.exchange.listen(this)
  }

  onStrategyFill(t: number, side: number, price: number, qty: number, kind: number, mid: number): void {
    if (this.tail - this.head === this.capacity) this.grow()
    const i = this.tail++ & (this.capacity - 1)
    this.qT[i] = t
    this.qSide[i] = side
    this.qPrice[i] = price
    this.qQty[i] = qty
    this.qKind[i] = kind
    this.qMid[i] = mid
    this.fills++
    if (kind === FLOW) this.byKind.flow++
    else if (kind === INFORMED) this.byKind.informed++
    else this.byKind.aggressive++
    if (kind === AGGRESSIVE) this.volume.aggressive += qty
    else this.volume.passive += qty
  }

  onChunk(chunk: StepChunk): void {
    const c = chunk.columns
    const h = this.horizon
    const slots = h + 1
    const scenario = this.market.scenario
    const mid = scenario.mid
    const midMask = scenario.midMask
    // Everything read below is among the points the scenario still holds (market.ts says why); say so if not.
    if (chunk.count > 0) scenario.midAt(Math.max(0, chunk.first - 1))
    const inventory = c.pnlByComponent.inventory!
    const spread = c.pnlByComponent.spread_capture!
    const rebate = c.pnlByComponent.rebate!
    const costs = COST_COMPONENTS.map((name) => c.costByComponent[name]!)
    const mask = this.capacity - 1
    for (let i = 0; i < chunk.count; i++) {
      const t = chunk.first + i
      const q = c.position[i]!
      this.drawdown.add(c.equity[i]! - this.initialEquity)
      this.sharpe.add(c.netPnl[i]!)
      this.halfLife.add(q)
      this.absInventory += Math.abs(q)
      this.spreadCapture += spread[i]!
      this.rebates += rebate[i]!
      this.fees += c.cost[i]!
      this.inventoryPnl += inventory[i]!
      for (let k = 0; k < costs.length; k++) this.costByComponent[k]! += costs[k]![i]!
      this.regimeCounts[c.regime[i]!]!++
      const source = c.source[i]!
      if (this.sourceCounts[source]!++ === 0) this.sourceOrder.push(source)
      // The residual mark of step t reads the young inventory carried into it (filled before t).
      if (t >= 1) {
        const slot = (t - 1) % slots
        this.inWindow += this.young[slot]!
        this.young[slot] = 0
        this.residual += (this.previousPosition - this.inWindow) * (mid[t & midMask]! - mid[(t - 1) & midMask]!)
      }
      // Then step t's passive fills enter the young inventory, and leave it h steps later.
      while (this.applied < this.tail && this.qT[this.applied & mask]! <= t) {
        const j = this.applied++ & mask
        if (this.qKind[j] === AGGRESSIVE) continue
        const signed = this.qSide[j]! * this.qQty[j]!
        this.young[t % slots]! += signed
        this.young[(t + h) % slots]! -= signed
      }
      this.previousPosition = q
    }
    for (const e of chunk.events) this.eventsByRule[e.rule] = (this.eventsByRule[e.rule] ?? 0) + 1
    const last = chunk.first + chunk.count - 1
    if (chunk.count > 0) {
      this.steps = last + 1
      this.lastPosition = c.position[chunk.count - 1]!
    }
    // Fills whose horizon is inside the steps seen so far: their mid after h is known.
    while (this.head < this.applied && this.qT[this.head & mask]! + h <= last) this.resolve(mid[(this.qT[this.head & mask]! + h) & midMask]!)
  }

  /** The oldest waiting fill, measured against the mid at its horizon. */
  private resolve(midAfter: number): void {
    const j = this.head++ & (this.capacity - 1)
    if (this.qKind[j] === AGGRESSIVE) return
    const s = this.qSide[j]!
    const before = this.qMid[j]!
    const price = this.qPrice[j]!
    this.passive++
    this.effective += s * (before - price)
    this.realized += s * (midAfter - price)
    this.adverse += s * (before - midAfter)
    this.adverseLots += s * this.qQty[j]! * (before - midAfter)
  }

  private grow(): void {
    const n = this.capacity * 2
    const mask = this.capacity - 1
    const move = <T extends Int32Array | Int8Array | Float64Array | Uint8Array>(from: T, to: T): T => {
      for (let k = this.head; k < this.tail; k++) to[k & (n - 1)] = from[k & mask]!
      return to
    }
    this.qT = move(this.qT, new Int32Array(n))
    this.qSide = move(this.qSide, new Int8Array(n))
    this.qPrice = move(this.qPrice, new Float64Array(n))
    this.qQty = move(this.qQty, new Float64Array(n))
    this.qKind = move(this.qKind, new Uint8Array(n))
    this.qMid = move(this.qMid, new Float64Array(n))
    this.capacity = n
  }

  /** Bytes of the typed arrays this report holds: bounded by the horizon and the fills in flight, not by the run's length. */
  retainedBytes(): number {
    return this.young.byteLength + this.capacity * (4 + 1 + 8 + 8 + 1 + 8) + this.sourceCounts.byteLength + this.regimeCounts.byteLength
  }

  finish(end: RunEnd): LabReport {
    const steps = end.steps
    // The horizon of the last fills is cut at the run's last step.
    const scenario = this.market.scenario
    while (this.head < this.tail) this.resolve(scenario.midAt(Math.min(this.qT[this.head & (this.capacity - 1)]! + this.horizon, steps - 1)))
    const halfLife = this.halfLife.value()
    const decomposition = {
      total: end.finalEquity - end.initialEquity,
      spread_capture: this.spreadCapture,
      rebates: this.rebates,
      fees: this.fees,
      inventory: this.inventoryPnl,
      adverse_selection: this.adverseLots,
      inventory_residual: this.residual
    }
    const passive = this.passive
    const perPassive = (x: number): number | null => (passive > 0 ? x / passive : null)
    const events = this.market.exchange.book.events
    const metrics = {
      final_pnl: decomposition.total,
      max_drawdown: this.drawdown.value(),
      sharpe_annualized: this.sharpe.value(this.periodsPerYear),
      fills: this.fills,
      fees_paid: decomposition.fees - decomposition.rebates,
      avg_abs_inventory: steps > 0 ? this.absInventory / steps : 0,
      inventory_half_life: Number.isFinite(halfLife) ? halfLife : null,
      fill_rate: this.fills / steps,
      realized_spread_avg: perPassive(this.config.corrections.realized_spread === 'at_horizon' ? this.realized : this.effective),
      adverse_selection_avg: perPassive(this.adverse),
      inventory_half_life_infinite: Number.isFinite(halfLife) ? 0 : 1,
      effective_spread_avg: perPassive(this.effective),
      passive_fills: passive,
      aggressive_fills: this.fills - passive,
      final_inventory: steps > 0 ? this.lastPosition : 0,
      decomp_spread_capture: decomposition.spread_capture,
      decomp_rebates: decomposition.rebates,
      decomp_fees: decomposition.fees,
      decomp_inventory: decomposition.inventory,
      decomp_adverse_selection: decomposition.adverse_selection,
      decomp_inventory_residual: decomposition.inventory_residual,
      book_events: events
    }
    const sources: Record<string, number> = {}
    for (const s of this.sourceOrder) sources[POLICY_SOURCES[s] ?? String(s)] = this.sourceCounts[s]!
    const telemetry = {
      strategy: { type: this.config.strategy.type, profile: this.config.profile },
      execution: {
        cost_by_component: Object.fromEntries(COST_COMPONENTS.map((name, k) => [name, this.costByComponent[k]!])),
        fills_by_kind: { ...this.byKind },
        volume: { ...this.volume }
      },
      book: { events, events_per_step: steps > 0 ? events / steps : 0 },
      regime: { counts: Object.fromEntries(end.regimeNames.map((name, r) => [name, this.regimeCounts[r] ?? 0])) },
      decomposition,
      risk: { events_by_rule: { ...this.eventsByRule } },
      policy: { sources }
    }
    // A crowded-execution run adds the crowd's figures (crowding.ts) to the book's own.
    const crowd = crowdingReport(this.config)
    if (crowd) return { metrics: { ...metrics, ...crowd.metrics }, telemetry: { ...telemetry, crowding: crowd.table } }
    return { metrics, telemetry }
  }
}

/** The run's report: the seed's metrics and the telemetry blocks, folded while the run advances. */
export function microstructureReport(config: MicrostructureConfig, market: MicrostructureMarket): MicrostructureReport {
  return new MicrostructureReport(config, market)
}
