import type { ExecutionModel, StepContext } from '../../engine/kernel'
import type { LatencyArbConfig } from './config'
import { simulateLatencyArbPath, type LatencyArbMarket, type LatencyArbPath } from './market'
import type { LatencyArbAction } from './policy'
import { edgeBps, legPrices, type Direction } from './surface'

// The latency processor (after hftbacktest's split of local and exchange processors): orders
// decided at t reach both venues at t + latency and fill at the touch then; each arb holds one
// clip of pre-funded inventory until its transfer back completes transfer_delay steps later.
// The same code runs inside the kernel's execution model and in the report's replay, so the
// per-arb records and the run's columns come from one source. The run's desk lives in the
// run's market (market.ts): the kernel creates the market once per run, while
// lab.execution(config) is also called just to read its components.

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

interface Order {
  decidedAt: number
  direction: Direction
  quantity: number
  edgeSeenBps: number
}

export class ArbDesk {
  readonly arbs: ArbRecord[] = []
  rejectedForInventory = 0
  rejectedAtHorizon = 0
  private readonly pending: Order[] = []
  /** Step at which each busy slot frees, in order (latency and delay are constant). */
  private readonly slotRelease: number[] = []
  private readonly transfers: Array<{ at: number; direction: Direction }> = []
  private next = 0

  constructor(
    private readonly config: LatencyArbConfig,
    private readonly market: LatencyArbPath
  ) {}

  /** Back to an empty book before a run's first step. */
  reset(): void {
    this.arbs.length = 0
    this.rejectedForInventory = 0
    this.rejectedAtHorizon = 0
    this.pending.length = 0
    this.slotRelease.length = 0
    this.transfers.length = 0
    this.next = 0
  }

  /** One step: free slots, accept the new order if any, fill what arrives now, complete transfers. */
  step(t: number, direction: Direction | 0): DeskFill {
    if (t !== this.next) throw new Error(`latency-arb desk: step ${t} out of order (expected ${this.next})`)
    this.next = t + 1
    const { latency_steps: L, transfer_delay_steps: D } = this.config.latency
    while (this.slotRelease.length > 0 && this.slotRelease[0]! <= t) this.slotRelease.shift()
    if (direction !== 0) {
      if (t + L > this.market.T - 1) this.rejectedAtHorizon++
      else if (this.slotRelease.length >= this.config.risk_params.inventory_clips) this.rejectedForInventory++
      else {
        // base quantity fixed at the decision: clip notional at the buy price seen
        const quantity = this.config.strategy.clip_notional / legPrices(this.market, t, direction).buy
        this.pending.push({ decidedAt: t, direction, quantity, edgeSeenBps: edgeBps(this.market, t, direction, this.config.corrections.signal_basis) })
        this.slotRelease.push(t + L + D)
      }
    }
    const fill: DeskFill = { clipsA: 0, spreadPnl: 0, fees: 0 }
    while (this.pending.length > 0 && this.pending[0]!.decidedAt + L === t) this.execute(this.pending.shift()!, t, fill)
    while (this.transfers.length > 0 && this.transfers[0]!.at <= t) fill.clipsA -= this.transfers.shift()!.direction
    return fill
  }

  /** Fills both legs at the touch at t; P&L = q·(sell − buy), fees = taker bps on each leg's notional. */
  private execute(order: Order, t: number, fill: DeskFill): void {
    const { buy, sell } = legPrices(this.market, t, order.direction)
    const f = this.config.fees
    const [buyFee, sellFee] = order.direction === 1 ? [f.venue_a_bps, f.venue_b_bps] : [f.venue_b_bps, f.venue_a_bps]
    const q = order.quantity
    const spreadPnl = q * (sell - buy)
    const fees = (q * buy * buyFee + q * sell * sellFee) / 1e4
    this.arbs.push({
      decidedAt: order.decidedAt,
      executedAt: t,
      direction: order.direction,
      regime: this.market.regime[t]!,
      edgeSeenBps: order.edgeSeenBps,
      edgeCapturedBps: 1e4 * (sell / buy - 1),
      quantity: q,
      spreadPnl,
      fees,
      pnl: spreadPnl - fees,
      win: spreadPnl - fees > 0
    })
    fill.clipsA += order.direction
    fill.spreadPnl += spreadPnl
    fill.fees += fees
    this.transfers.push({ at: t + this.config.latency.transfer_delay_steps, direction: order.direction })
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
