import type { ExecutionModel, PnlComponents, StepContext } from '../../engine/kernel'
import type { CreditSpreadsConfig } from './config'
import type { MarketPath } from './market'

// The book's P&L and trading costs (book ch.5 §5.4; notebook cell 21, portfolio environment).

export const PNL_COMPONENTS = ['ig', 'hy', 'tilt', 'carry'] as const
export const COST_COMPONENTS = ['proportional', 'impact', 'fixed'] as const

/**
 * P&L of holding `position` over t−1 → t, by leg. notebook cell 21 (pnl_step):
 * level legs earn pos × ΔP (faithful) or −pos × ΔP (corrected: long spread = long protection);
 * the tilt earns pos × Δ(0.6·slope_IG + 0.4·slope_HY)·5000; carry (corrected) accrues
 * credit exposure × level × dt from the level at the start of the interval.
 */
export function markPosition(market: MarketPath, t: number, position: Float64Array, config: CreditSpreadsConfig): PnlComponents {
  const sign = config.corrections.spread_sign === 'notebook' ? 1 : -1
  const ig = position[0] ?? 0
  const hy = position[1] ?? 0
  const tilt = position[2] ?? 0
  const dIG = market.priceIG[t]! - market.priceIG[t - 1]!
  const dHY = market.priceHY[t]! - market.priceHY[t - 1]!
  const mixBefore = 0.6 * market.slopeIG[t - 1]! + 0.4 * market.slopeHY[t - 1]!
  const mixNow = 0.6 * market.slopeIG[t]! + 0.4 * market.slopeHY[t]!
  const carry = config.corrections.carry_accrual ? sign * (ig * market.levelIG[t - 1]! + hy * market.levelHY[t - 1]!) * config.dt : 0
  return { ig: sign * (ig * dIG), hy: sign * (hy * dHY), tilt: tilt * ((mixNow - mixBefore) * 5000.0), carry }
}

/** Proportional bps on gross trade notional + impact scaled by (liq + corr) + a fixed fee per step. notebook cell 21 (trade_cost) */
export function creditExecution<M extends MarketPath>(config: CreditSpreadsConfig): ExecutionModel<StepContext<CreditSpreadsConfig, M, string>> {
  const ep = config.execution_params
  return {
    name: 'proportional + stress-scaled impact',
    components: COST_COMPONENTS,
    cost(trade, context) {
      const notional = Math.abs(trade[0] ?? 0) + Math.abs(trade[1] ?? 0) + Math.abs(trade[2] ?? 0)
      const proportional = (ep.cost_bps / 1e4) * notional * 100.0
      const impact = notional * ep.slippage_lambda * (context.market.liq[context.t]! + context.market.corr[context.t]!) * 10.0
      return { total: ep.cost_fixed + proportional + impact, components: { proportional, impact, fixed: ep.cost_fixed } }
    }
  }
}

