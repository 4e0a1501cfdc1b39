import { NV } from './price-engine'

// The notebook's PortfolioState and the session's logs (book ch.1; notebook CELLS 4–5): cash split
// across five venues, the RiskManager's counters, every order, check and trade.

export const INITIAL_CAPITAL = 1_000_000

/** One executed leg (CELL 4, Order). */
export interface OrderRecord {
  tick: number
  venue: number
  asset: number
  side: 'buy' | 'sell'
  requested: number
  status: 'filled' | 'partial' | 'rejected'
  price: number
  filledUsd: number
  qty: number
  slippage: number
  fee: number
  latency: number
}

/** One trade as update_post_trade books it (CELL 5, pnl_history). */
export interface TradeRecord {
  tick: number
  step: number
  asset: number
  buy: number
  sell: number
  size: number
  expectedBps: number
  gross: number
  fees: number
  slippage: number
  withdrawal: number
  net: number
  cumulative: number
  equity: number
  /** What the kernel's cost decomposition charges as fees (the notebook's −fee_buy of a one-legged trade included). */
  bookedFees: number
  buyOrder: OrderRecord
  sellOrder: OrderRecord
}

export interface RiskCheck {
  tick: number
  size: number
  buy: number
  sell: number
  expectedBps: number
  ok: boolean
  reason: string
}

/** The notebook's PortfolioState, its RiskManager's counters and the session's logs. */
export class Desk {
  cash = INITIAL_CAPITAL
  realizedPnl = 0
  fees = 0
  slippage = 0
  withdrawal = 0
  trades = 0
  wins = 0
  losses = 0
  volume = 0
  maxDrawdown = 0
  peak = INITIAL_CAPITAL
  dailyLoss = 0
  readonly balances = new Float64Array(NV).fill(200_000)
  readonly marginUsed = new Float64Array(NV)
  readonly tradeLog: TradeRecord[] = []
  readonly orders: OrderRecord[] = []
  readonly checks: RiskCheck[] = []

  // scenarios only (transfer delay, perpetuals): costs the notebook has no name for
  funding = 0
  liquidation = 0
  liquidations = 0

  /**
   * update_post_trade (CELL 5): book a trade's net P&L and costs, then rescale venue balances to
   * cash. A scenario that has already moved the cash and venue balances leg by leg books the round
   * trip with moveCash false.
   */
  book(net: number, fees: number, slippage: number, withdrawal: number, volume: number, moveCash = true): void {
    this.realizedPnl += net
    this.fees += fees
    this.slippage += slippage
    this.withdrawal += withdrawal
    if (moveCash) this.cash += net
    this.trades += 1
    this.volume += volume
    if (net > 0) this.wins += 1
    else if (net < 0) {
      this.losses += 1
      this.dailyLoss += Math.abs(net)
    }
    const equity = this.cash
    this.peak = Math.max(this.peak, equity)
    const dd = (this.peak - equity) / this.peak
    this.maxDrawdown = Math.max(this.maxDrawdown, dd)
    if (!moveCash) return // the scenario desk moved each venue's balance with its cash
    let total = 0
    for (let v = 0; v < NV; v++) total += this.balances[v]!
    if (total > 0) for (let v = 0; v < NV; v++) this.balances[v] = this.cash * (this.balances[v]! / total)
  }
}
