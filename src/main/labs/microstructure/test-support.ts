import { POLICY_SOURCES, mean, regimeCounts, runCollected, sum, type LabReport, type LabRun } from '../../engine/kernel'
import { CALM, STRESSED } from '../common/fields'
import type { MicrostructureConfig } from './config'
import { AGGRESSIVE, FLOW, INFORMED, type FillListener } from './execution'
import { microstructureLab } from './lab'
import { ScenarioStream, lognormalTable, stream, type MicrostructureMarket, type ScenarioPath } from './market'

// Test-side helpers, and the whole-run implementations the lab had before it streamed, kept
// verbatim as the references the streaming code is tested against: the up-front scenario
// simulation, a growable log of every fill, its look-ahead annotation, and the seed's metrics and
// telemetry read off whole columns.

/**
 * The scenario as the lab simulated it before it streamed: the whole path at once, up front (the
 * reference the windowed ScenarioStream is tested against, point for point).
 * mid(t+1) = mid(t)·exp(μ − σ(t)²/2 + σ(t)·Z), σ(t) = σ_calm or σ_calm·stress_vol_mult by regime;
 * spread_bps(t) = base_spread_bps + spread_vol_sensitivity·σ_bps(t), at least min_spread_ticks;
 * level k holds round(depth_qty·e^(−depth_decay·k)·(stress_depth_mult when stressed)·e^(noise·Z − noise²/2)) ≥ 1
 * whole lots (so the book's float64 sums stay exact), Z read off a 256-point quantile table.
 */
export function simulateScenario(config: MicrostructureConfig): ScenarioPath {
  const s = config.scenario
  const n = config.steps + 1
  const levels = s.depth_levels
  const tick = s.tick_size
  const sigmaCalm = s.sigma_bps * 1e-4
  const mu = s.drift_bps * 1e-4
  const rng = stream(config.seed, 'scenario')
  const depthRng = stream(config.seed, 'depth')
  const regime = new Uint8Array(n)
  const sigmaAt = new Float64Array(n)
  const midAt = new Float64Array(n)
  const spreadTicks = new Int32Array(n)
  const bidTick = new Int32Array(n)
  const askTick = new Int32Array(n)
  const depthBid = new Float64Array(n * levels)
  const depthAsk = new Float64Array(n * levels)
  // Everything that depends only on the regime, computed once per regime.
  const sigmas = [sigmaCalm, sigmaCalm * s.stress_vol_mult]
  const drift = sigmas.map((v) => mu - (v * v) / 2)
  const spreadPerTick = sigmas.map((v) => ((s.base_spread_bps + s.spread_vol_sensitivity * v * 1e4) * 1e-4) / tick)
  // Whole lots per (regime, level, noise byte), so a level costs one table read per step.
  const noise = lognormalTable(s.depth_noise)
  const lots = new Float64Array(2 * levels * 256)
  for (let r = 0; r < 2; r++) {
    for (let k = 0; k < levels; k++) {
      const shape = s.depth_qty * Math.exp(-s.depth_decay * k) * (r === STRESSED ? s.stress_depth_mult : 1)
      for (let b = 0; b < 256; b++) lots[((r * levels + k) << 8) + b] = Math.max(1, Math.round(shape * noise[b]!))
    }
  }
  // Config fields read once: zod's output objects are slow to read in a hot loop.
  const minSpread = s.min_spread_ticks
  const pEnter = s.p_enter_stress
  const pExit = s.p_exit_stress
  const sigmaCalmStress = Float64Array.from(sigmas)
  const driftOf = Float64Array.from(drift)
  const spreadOf = Float64Array.from(spreadPerTick)
  let r = CALM
  let mid = s.mid0
  let bits = 0
  for (let t = 0; t < n; t++) {
    // The regime draw is made every step (also at t = 0, where it is unused) so the stream's
    // alignment never depends on the transition probabilities.
    const u = rng.nextDouble()
    if (t > 0) r = r === CALM ? (u < pEnter ? STRESSED : CALM) : u < pExit ? CALM : STRESSED
    const sigma = sigmaCalmStress[r]!
    regime[t] = r
    sigmaAt[t] = sigma
    midAt[t] = mid
    const spread = Math.max(minSpread, Math.round(spreadOf[r]! * mid))
    // Keep every level at a positive price even if the path wanders towards zero.
    const bid = Math.max(levels + 1, Math.round(mid / tick - spread / 2))
    spreadTicks[t] = spread
    bidTick[t] = bid
    askTick[t] = bid + spread
    const off = t * levels
    const row = (r * levels) << 8
    for (let j = 0; j < 2 * levels; j++) {
      // one 32-bit draw gives the noise of four levels (a byte each)
      if ((j & 3) === 0) bits = depthRng.nextUint32()
      const q = lots[row + ((j >> 1) << 8) + ((bits >>> ((j & 3) << 3)) & 255)]!
      if ((j & 1) === 0) depthBid[off + (j >> 1)] = q
      else depthAsk[off + (j >> 1)] = q
    }
    mid = mid * Math.exp(driftOf[r]! + sigma * rng.standardNormal())
  }
  return { n, levels, tick, sigmaCalm, regime, sigma: sigmaAt, mid: midAt, spreadTicks, bidTick, askTick, depthBid, depthAsk }
}

/** The windowed scenario read out point by point into a whole path (the production generator, for tests of its properties). */
export function collectScenario(config: MicrostructureConfig): ScenarioPath {
  const s = ScenarioStream.simulate(config)
  const L = s.levels
  const path: ScenarioPath = {
    n: s.n,
    levels: L,
    tick: s.tick,
    sigmaCalm: s.sigmaCalm,
    regime: new Uint8Array(s.n),
    sigma: new Float64Array(s.n),
    mid: new Float64Array(s.n),
    spreadTicks: new Int32Array(s.n),
    bidTick: new Int32Array(s.n),
    askTick: new Int32Array(s.n),
    depthBid: new Float64Array(s.n * L),
    depthAsk: new Float64Array(s.n * L)
  }
  for (let t = 0; t < s.n; t++) {
    s.ensure(t)
    const slot = t & s.mask
    path.regime[t] = s.regime[slot]!
    path.sigma[t] = s.sigma[slot]!
    path.mid[t] = s.mid[t & s.midMask]!
    path.spreadTicks[t] = s.spreadTicks[slot]!
    path.bidTick[t] = s.bidTick[slot]!
    path.askTick[t] = s.askTick[slot]!
    path.depthBid.set(s.depthBid.subarray(slot * L, (slot + 1) * L), t * L)
    path.depthAsk.set(s.depthAsk.subarray(slot * L, (slot + 1) * L), t * L)
  }
  return path
}

/** Every strategy fill of a run, columnar and growable. */
export class FillLog implements FillListener {
  length = 0
  t = new Int32Array(256)
  side = new Int8Array(256)
  price = new Float64Array(256)
  qty = new Float64Array(256)
  kind = new Uint8Array(256)
  mid = new Float64Array(256)

  onStrategyFill(t: number, side: number, price: number, qty: number, kind: number, mid: number): void {
    this.push(t, side, price, qty, kind, mid)
  }

  push(t: number, side: number, price: number, qty: number, kind: number, mid: number): void {
    if (this.length === this.t.length) this.grow()
    const i = this.length++
    this.t[i] = t
    this.side[i] = side
    this.price[i] = price
    this.qty[i] = qty
    this.kind[i] = kind
    this.mid[i] = mid
  }

  private grow(): void {
    const n = this.t.length * 2
    const copy = <T extends Int32Array | Int8Array | Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a)
      return b
    }
    this.t = copy(this.t, new Int32Array(n))
    this.side = copy(this.side, new Int8Array(n))
    this.price = copy(this.price, new Float64Array(n))
    this.qty = copy(this.qty, new Float64Array(n))
    this.kind = copy(this.kind, new Uint8Array(n))
    this.mid = copy(this.mid, new Float64Array(n))
  }
}

/** A fill with its look-ahead annotation: the adverse-selection horizon after the fact. */
export interface AnnotatedFills {
  n: number
  t: Int32Array
  side: Int8Array
  price: Float64Array
  qty: Float64Array
  kind: Uint8Array
  /** Mid at the fill: the price the ledger starts marking the new inventory from. */
  midBefore: Float64Array
  /** Mid `horizon` steps later (the horizon is cut at the run's last mark). */
  midAfter: Float64Array
  horizon: Int32Array
}

/**
 * Annotates each fill after the run with mid_after = mid(min(t + h, lastStep)) and the horizon used.
 * Cutting at the last marked step keeps the adverse-selection split of inventory P&L exact.
 */
export function annotateFills(log: FillLog, mid: Float64Array, horizon: number, lastStep: number): AnnotatedFills {
  const n = log.length
  const midAfter = new Float64Array(n)
  const h = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const end = Math.min(log.t[i]! + horizon, lastStep)
    midAfter[i] = mid[end]!
    h[i] = end - log.t[i]!
  }
  return {
    n,
    t: log.t.slice(0, n),
    side: log.side.slice(0, n),
    price: log.price.slice(0, n),
    qty: log.qty.slice(0, n),
    kind: log.kind.slice(0, n),
    midBefore: log.mid.slice(0, n),
    midAfter,
    horizon: h
  }
}

/** What the whole-run reference reads besides the run's columns: every fill, the whole mid path, the book's event count. */
export interface WholeRun {
  run: LabRun<unknown>
  fills: FillLog
  mid: Float64Array
  bookEvents: number
}

export const reference = {
  halfLifeFromPeak(inventory: ArrayLike<number>): number {
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
  },

  halfLifeFromAR1(inventory: ArrayLike<number>): number {
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
  },

  maxDrawdownPnl(pnl: ArrayLike<number>): number {
    let peak = 0
    let worst = 0
    for (let t = 0; t < pnl.length; t++) {
      peak = Math.max(peak, pnl[t]!)
      worst = Math.min(worst, pnl[t]! - peak)
    }
    return worst
  },

  /** Two-pass: the mean first, then Σ(x − mean)². */
  sharpeAnnualized(stepPnl: ArrayLike<number>, periodsPerYear: number): number {
    const n = stepPnl.length
    if (n < 2) return 0
    const m = mean(stepPnl)
    let ss = 0
    for (let t = 0; t < n; t++) ss += (stepPnl[t]! - m) ** 2
    const sd = Math.sqrt(ss / (n - 1))
    return sd > 0 ? (m / sd) * Math.sqrt(periodsPerYear) : 0
  },

  fills(w: WholeRun, config: MicrostructureConfig): AnnotatedFills {
    return annotateFills(w.fills, w.mid, config.analytics.adverse_horizon_steps, w.run.steps - 1)
  },

  pnlDecomposition(w: WholeRun, fills: AnnotatedFills) {
    const { run } = w
    const c = run.columns
    const mid = w.mid
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
  },

  metrics(w: WholeRun, config: MicrostructureConfig): Record<string, number | null> {
    const { run } = w
    const c = run.columns
    const steps = run.steps
    const fills = reference.fills(w, config)
    const inventory = c.position.subarray(0, steps)
    const pnl = new Float64Array(steps)
    for (let t = 0; t < steps; t++) pnl[t] = c.equity[t]! - run.initialEquity
    const halfLife = config.corrections.half_life === 'ar1' ? reference.halfLifeFromAR1(inventory) : reference.halfLifeFromPeak(inventory)
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
    const d = reference.pnlDecomposition(w, fills)
    const perPassive = (x: number): number | null => (passive > 0 ? x / passive : null)
    return {
      final_pnl: d.total,
      max_drawdown: reference.maxDrawdownPnl(pnl),
      sharpe_annualized: reference.sharpeAnnualized(c.netPnl, config.analytics.periods_per_year),
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
      book_events: w.bookEvents
    }
  },

  telemetry(w: WholeRun, config: MicrostructureConfig): Record<string, unknown> {
    const { run } = w
    const c = run.columns
    const fills = reference.fills(w, config)
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
    const events = w.bookEvents
    return {
      strategy: { type: config.strategy.type, profile: config.profile },
      execution: {
        cost_by_component: Object.fromEntries(Object.entries(c.costByComponent).map(([k, v]) => [k, sum(v)])),
        fills_by_kind: byKind,
        volume
      },
      book: { events, events_per_step: run.steps > 0 ? events / run.steps : 0 },
      regime: { counts: regimeCounts(run.regimeNames, c.regime) },
      decomposition: reference.pnlDecomposition(w, fills),
      risk: { events_by_rule: eventsByRule },
      policy: { sources }
    }
  },

  report(w: WholeRun, config: MicrostructureConfig): LabReport {
    return { metrics: reference.metrics(w, config), telemetry: reference.telemetry(w, config) }
  }
}

/** A finished run with everything a test reads: every step, every fill, the streaming report. */
export interface MicrostructureTestRun extends LabReport {
  run: LabRun<MicrostructureMarket>
  fills: FillLog
}

/** What the whole-run reference reads for a finished test run: its mid from the up-front simulation. */
export function wholeRun(result: MicrostructureTestRun, config: MicrostructureConfig): WholeRun {
  return { run: result.run, fills: result.fills, mid: simulateScenario(config).mid, bookEvents: result.run.market.exchange.book.events }
}

/** Runs the lab as the engine does (the report folding the chunks and the fills), keeping every step and every fill too. */
export async function runMicrostructure(config: MicrostructureConfig): Promise<MicrostructureTestRun> {
  const market = microstructureLab.market(config, {})
  const fills = new FillLog()
  market.exchange.listen(fills)
  const report = microstructureLab.report(config, market)
  const run = await runCollected(microstructureLab, config, { market, sinks: [report] })
  return { run, fills, ...report.finish(run) }
}
