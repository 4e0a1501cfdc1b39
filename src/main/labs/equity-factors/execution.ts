import type { ExecutionModel, StepContext } from '../../engine/kernel'
import { quadraticImpactCost } from '../common/execution'
import { npSum } from '../common/numpy'
import type { EquityFactorsConfig } from './config'
import type { EquityMarket } from './market'
import type { EquityFactorsAction } from './policy'

type Context = StepContext<EquityFactorsConfig, EquityMarket, EquityFactorsAction>

/** The one P&L component: the pre-trade weights over the step's factor returns. */
export const PNL_COMPONENTS = ['factor'] as const

/**
 * book ch.7 §3.4; notebook CELL 5 (step_portfolio): the trade to the target costs
 * (cost_bps·1e−4)·Σ|Δw|·E + (λ·illiquidity)·‖Δw‖₂²·E, and the P&L of the step is the weights held
 * before the trade over r_t, (w₀·r_t)·E, booked here: the notebook decides at t on the equity
 * before r_t and books r_t on the old book after trading (no look-ahead: the new book earns from
 * t + 1). E is the equity before the step (the kernel's mark is 0).
 */
export function equityFactorsExecution(config: EquityFactorsConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  let abs = new Float64Array(0)
  const cost = quadraticImpactCost<Context>({
    costBps: ep.cost_bps,
    lambda: ep.slippage_lambda,
    illiquidity: (c) => c.market.illiq[c.t]!,
    equity: (c) => c.equity,
    turnover(trade) {
      if (abs.length !== trade.length) abs = new Float64Array(trade.length)
      for (let i = 0; i < trade.length; i++) abs[i] = Math.abs(trade[i]!)
      return npSum(abs)
    }
  })
  return {
    name: cost.name,
    kind: 'cost',
    components: cost.components,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, context, costs, pnl) {
      const total = cost.execute(trade, context, costs, pnl)
      const m = context.market
      const K = m.K
      const w0 = context.position
      let dot = 0
      for (let k = 0; k < K; k++) dot += w0[k]! * m.ret[context.t * K + k]!
      pnl[0] = dot * context.equity
      return total
    }
  }
}
