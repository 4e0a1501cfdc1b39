import { VENUES, type CryptoArbConfig, type ExchangeConfig } from './config'
import type { Desk } from './desk'

// The notebook's RiskManager gate (book ch.1; notebook CELL 5): position limit, venue balance,
// initial margin, drawdown, cumulative loss and minimum edge, in the notebook's order.

/** RiskManager.check_trade (CELL 5): the first reason to refuse the trade, or null to approve it. */
export function checkTrade(d: Desk, ex: readonly ExchangeConfig[], risk: CryptoArbConfig['risk'], size: number, buy: number, sell: number, expectedBps: number): string | null {
  if (size > d.cash * risk.max_position_pct) return `Size $${fmtUsd(size)} > position limit`
  const buyBal = d.balances[buy]!
  if (buyBal < size) return `Insufficient ${VENUES[buy]} balance`
  const marginReq = size * ex[buy]!.margin_requirement
  if (marginReq > buyBal - d.marginUsed[buy]!) return `Margin insufficient on ${VENUES[buy]}`
  const equity = d.cash + 0
  const dd = (d.peak - equity) / d.peak
  if (dd > risk.max_drawdown_pct) return `Drawdown ${(dd * 100).toFixed(2)}% > limit`
  if (d.dailyLoss > risk.daily_loss_limit) return 'Daily loss limit hit'
  if (expectedBps < risk.min_spread_bps) return `Spread ${expectedBps.toFixed(1)}bps < minimum`
  void sell
  return null
}

function fmtUsd(x: number): string {
  return Math.round(x).toLocaleString('en-US')
}
