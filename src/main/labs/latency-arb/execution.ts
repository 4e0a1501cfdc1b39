import type { ExecutionModel, StepContext } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import { simulateLatencyArbPath, type LatencyArbMarket, type LatencyArbPath } from './market'
import type { LatencyArbAction } from './policy'
import { buyPrice, edgeBps, sellPrice, type Direction } from './surface'

// The latency processor (after hftbacktest's split of local and exchange processors): orders
// decided at t reach both venues at t + latency and fill at the touch then; each arb holds one
// clip of pre-funded inventory until its transfer back completes transfer_delay steps later.
// The run's desk lives in the run's market (market.ts): the kernel creates the market once per
// run and hands it to the execution model (through the step context) and to the report, while
// lab.execution(config) is also called just to read its components. The desk folds each arb
// into ArbStats as it executes and keeps no list, so a run's memory does not grow with its arbs.

/** One arb as it executed. */
export interface ArbRecord {
  decidedAt: number
  executedAt: number
  direction: Direction
  /** Regime at execution. */
  regime: number
  /** The signal's gross edge at the decision (mid or executable, per corrections.signal_basis). */
  edgeSeenBps: number
  /** Realised sell/buy − 1 at execution, before fees. */
  edgeCapturedBps: number
  quantity: number
  spreadPnl: number
  fees: number
  pnl: number
  win: boolean
}

export interface DeskFill {
  /** Change of venue A's base inventory this step, in clips (venue B's is the opposite). */
  clipsA: number
  spreadPnl: number
  fees: number
}

/**
 * The per-arb statistics the report reads, folded in execution order: each sum adds the arbs
 * one by one from 0, as summing the list of every arb would.
 */
export class ArbStats {
  count = 0
  wins = 0
  aToB = 0
  bToA = 0
  pnl = 0
  fees = 0
  edgeSeenBps = 0
  edgeCapturedBps = 0
  /** Σ (edge seen − edge captured): what latency (and, faithful, the mid signal) took. */
  edgeDecayBps = 0
  readonly countByRegime: Float64Array
  readonly winsByRegime: Float64Array
  readonly pnlByRegime: Float64Array

  constructor(regimes: number) {
    this.countByRegime = new Float64Array(regimes)
    this.winsByRegime = new Float64Array(regimes)
    this.pnlByRegime = new Float64Array(regimes)
  }

  reset(): void {
    this.count = this.wins = this.aToB = this.bToA = 0
    this.pnl = this.fees = this.edgeSeenBps = this.edgeCapturedBps = this.edgeDecayBps = 0
    this.countByRegime.fill(0)
    this.winsByRegime.fill(0)
    this.pnlByRegime.fill(0)
  }

  add(a: Readonly<ArbRecord>): void {
    this.count++
    if (a.win) this.wins++
    if (a.direction === 1) this.aToB++
    else this.bToA++
    this.pnl += a.pnl
    this.fees += a.fees
    this.edgeSeenBps += a.edgeSeenBps
    this.edgeCapturedBps += a.edgeCapturedBps
    this.edgeDecayBps += a.edgeSeenBps - a.edgeCapturedBps
    this.countByRegime[a.regime]! += 1
    if (a.win) this.winsByRegime[a.regime]! += 1
    this.pnlByRegime[a.regime]! += a.pnl
  }
}

/** Head and length of a fixed-capacity FIFO whose entries live in parallel typed arrays. */
class Ring {
  head = 0
  length = 0

  constructor(
    readonly capacity: number,
    private readonly what: string
  ) {}

  /** The index a new entry is written at. */
  push(): number {
    if (this.length === this.capacity) throw new Error(`latency-arb desk: more ${this.what} than the ${this.capacity} the inventory allows`)
    const i = (this.head + this.length) % this.capacity
    this.length++
    return i
  }

  /** The index of the oldest entry (length > 0). */
  peek(): number {
    return this.head
  }

  /** Drops the oldest entry and returns its index (valid until the next push). */
  shift(): number {
    const i = this.head
    this.head = (this.head + 1) % this.capacity
    this.length--
    return i
  }

  reset(): void {
    this.head = 0
    this.length = 0
  }
}

export class ArbDesk {
  readonly stats: ArbStats
  rejectedForInventory = 0
  rejectedAtHorizon = 0
  /** Steps the desk has executed since its reset. */
  steps = 0
  /** Called with each arb as it executes (diagnostics); the record is reused, copy it to keep it. */
  onArb: ((arb: Readonly<ArbRecord>) => void) | null = null

  private readonly latency: number
  private readonly delay: number
  private readonly clips: number
  /** What step() returns, reused: read it before the next step. */
  private readonly fill: DeskFill = { clipsA: 0, spreadPnl: 0, fees: 0 }
  private readonly arb: ArbRecord = { decidedAt: 0, executedAt: 0, direction: 1, regime: 0, edgeSeenBps: 0, edgeCapturedBps: 0, quantity: 0, spreadPnl: 0, fees: 0, pnl: 0, win: false }
  // Latency and delay are constant, so orders fill, slots free and transfers complete in the
  // order they started: three FIFO rings. An order holds its slot over [t0, t0 + L + D), is
  // pending over [t0, t0 + L] and in transfer over [t0 + L, t0 + L + D]; at most `clips` slots
  // are busy after a step's releases and one order starts per step, so at most clips pending
  // orders and clips transfers are live, plus one whose slot was freed this step. Each ring is
  // also bounded by the steps its entries live and by T.
  private readonly pending: Ring
  private readonly orderDecidedAt: Float64Array
  private readonly orderDirection: Int8Array
  private readonly orderQuantity: Float64Array
  private readonly orderEdgeSeen: Float64Array
  private readonly slots: Ring
  /** Step at which each busy slot frees. */
  private readonly slotRelease: Float64Array
  private readonly transfers: Ring
  private readonly transferAt: Float64Array
  private readonly transferDirection: Int8Array

  constructor(
    private readonly config: LatencyArbConfig,
    private readonly market: LatencyArbPath
  ) {
    const { latency_steps: L, transfer_delay_steps: D } = config.latency
    const clips = config.risk_params.inventory_clips
    const T = market.T
    this.latency = L
    this.delay = D
    this.clips = clips
    this.stats = new ArbStats(config.regimes.names.length)
    this.pending = new Ring(Math.min(clips + 1, L + 1, T), 'orders in flight')
    this.orderDecidedAt = new Float64Array(this.pending.capacity)
    this.orderDirection = new Int8Array(this.pending.capacity)
    this.orderQuantity = new Float64Array(this.pending.capacity)
    this.orderEdgeSeen = new Float64Array(this.pending.capacity)
    this.slots = new Ring(Math.min(clips, L + D + 1, T), 'busy slots')
    this.slotRelease = new Float64Array(this.slots.capacity)
    this.transfers = new Ring(Math.min(clips + 1, D + 1, T), 'transfers')
    this.transferAt = new Float64Array(this.transfers.capacity)
    this.transferDirection = new Int8Array(this.transfers.capacity)
  }

  /** Back to an empty book before a run's first step. */
  reset(): void {
    this.stats.reset()
    this.rejectedForInventory = 0
    this.rejectedAtHorizon = 0
    this.steps = 0
    this.pending.reset()
    this.slots.reset()
    this.transfers.reset()
  }

  /** One step: free slots, accept the new order if any, fill what arrives now, complete transfers. */
  step(t: number, direction: Direction | 0): Readonly<DeskFill> {
    if (t !== this.steps) throw new Error(`latency-arb desk: step ${t} out of order (expected ${this.steps})`)
    this.steps = t + 1
    const L = this.latency
    const m = this.market
    while (this.slots.length > 0 && this.slotRelease[this.slots.peek()]! <= t) this.slots.shift()
    if (direction !== 0) {
      if (t + L > m.T - 1) this.rejectedAtHorizon++
      else if (this.slots.length >= this.clips) this.rejectedForInventory++
      else {
        const i = this.pending.push()
        this.orderDecidedAt[i] = t
        this.orderDirection[i] = direction
        // base quantity fixed at the decision: clip notional at the buy price seen
        this.orderQuantity[i] = this.config.strategy.clip_notional / buyPrice(m, t, direction)
        this.orderEdgeSeen[i] = edgeBps(m, t, direction, this.config.corrections.signal_basis)
        this.slotRelease[this.slots.push()] = t + L + this.delay
      }
    }
    const fill = this.fill
    fill.clipsA = 0
    fill.spreadPnl = 0
    fill.fees = 0
    while (this.pending.length > 0 && this.orderDecidedAt[this.pending.peek()]! + L === t) this.execute(this.pending.shift(), t, fill)
    while (this.transfers.length > 0 && this.transferAt[this.transfers.peek()]! <= t) fill.clipsA -= this.transferDirection[this.transfers.shift()]!
    return fill
  }

  /** Fills both legs of order i at the touch at t; P&L = q·(sell − buy), fees = taker bps on each leg's notional. */
  private execute(i: number, t: number, fill: DeskFill): void {
    const m = this.market
    const direction = this.orderDirection[i] === 1 ? 1 : -1
    const buy = buyPrice(m, t, direction)
    const sell = sellPrice(m, t, direction)
    const f = this.config.fees
    const buyFee = direction === 1 ? f.venue_a_bps : f.venue_b_bps
    const sellFee = direction === 1 ? f.venue_b_bps : f.venue_a_bps
    const q = this.orderQuantity[i]!
    const spreadPnl = q * (sell - buy)
    const fees = (q * buy * buyFee + q * sell * sellFee) / 1e4
    const a = this.arb
    a.decidedAt = this.orderDecidedAt[i]!
    a.executedAt = t
    a.direction = direction
    a.regime = m.regime[t]!
    a.edgeSeenBps = this.orderEdgeSeen[i]!
    a.edgeCapturedBps = 1e4 * (sell / buy - 1)
    a.quantity = q
    a.spreadPnl = spreadPnl
    a.fees = fees
    a.pnl = spreadPnl - fees
    a.win = spreadPnl - fees > 0
    this.stats.add(a)
    this.onArb?.(a)
    fill.clipsA += direction
    fill.spreadPnl += spreadPnl
    fill.fees += fees
    const k = this.transfers.push()
    this.transferAt[k] = t + this.delay
    this.transferDirection[k] = direction
  }
}

/** The run's market: the exogenous path and the desk that will execute on it. */
export function latencyArbMarket(config: LatencyArbConfig): LatencyArbMarket {
  const path = simulateLatencyArbPath(config)
  return { ...path, desk: new ArbDesk(config, path) }
}

export const PNL_COMPONENTS = ['spread'] as const
export const COST_COMPONENTS = ['fees'] as const

/**
 * The desk as the kernel's fill model: the arb asked for at t (the sign of venue A's trade)
 * goes to the run's desk, and the trade becomes what the desk executed now (clips arriving
 * after the latency, less transfers completing), with its taker fees as cost and its spread
 * booked as P&L at execution.
 */
export function latencyArbExecution(_config: LatencyArbConfig): ExecutionModel<StepContext<LatencyArbConfig, LatencyArbMarket, LatencyArbAction>> {
  return {
    name: 'latency desk: fills at the touch after latency_steps, fees per leg',
    kind: 'fill',
    components: COST_COMPONENTS,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, context, cost, pnl) {
      const desk = context.market.desk
      if (context.t === 0) desk.reset()
      const requested = Math.sign(trade[0]!)
      const fill = desk.step(context.t, requested === 1 ? 1 : requested === -1 ? -1 : 0)
      trade[0] = fill.clipsA
      trade[1] = -fill.clipsA
      cost[0] = fill.fees
      pnl[0] = fill.spreadPnl
      return fill.fees
    }
  }
}
