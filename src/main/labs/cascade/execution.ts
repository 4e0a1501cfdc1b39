import type { ExecutionModel, StepContext } from '../../engine/kernel'
import type { CascadeConfig } from './config'
import type { CascadeMarket } from './market'
import type { CascadeAction } from './policy'

export const PNL_COMPONENTS = ['price'] as const
export const COST_COMPONENTS = ['fixed', 'proportional', 'slippage'] as const

type Context = StepContext<CascadeConfig, CascadeMarket, CascadeAction>

/**
 * book ch.10 §6.4; notebook cell 21 (PortfolioEnv.step): cost = cost_fixed + cost_bps·1e−4·|trade|·price
 * + |trade|·slippage_lambda·(1 + 6·cascade_pressure)·price·1e−3, and the run's notebook portfolio
 * (equity before the step, its own peak, the drawdown and the stop flag) advanced in the
 * notebook's float order.
 *
 * The kernel's book starts flat; the notebook's starts holding its opening position, bought at no
 * cost (cash = equity − pos·price). So step 0 opens that position free of cost and books its move
 * from 100 to the step-0 price here, at execution; the trade it costs is the notebook's
 * (target − opening position). From step 1 on the kernel marks the carried book (lab.mark) and the
 * trade is the kernel's.
 */
export function cascadeExecution(config: CascadeConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const stop = config.risk_params.max_dd_stop
  const bps = ep.cost_bps * 1e-4
  return {
    name: 'cascade-pressure slippage',
    kind: 'cost',
    components: COST_COMPONENTS,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, context, cost, pnl) {
      const m = context.market
      const run = m.run
      const t = context.t
      const price = m.price[t]!
      const cp = m.cascadePressure[t]!
      // trade = target − the kernel's book; at t = 0 that book is flat and the notebook's holds the opening position
      const notebookTrade = t === 0 ? trade[0]! - run.initialPosition : trade[0]!
      const size = Math.abs(notebookTrade)
      cost[0] = ep.cost_fixed
      cost[1] = bps * (size * price)
      cost[2] = size * ep.slippage_lambda * (1.0 + 6.0 * cp) * price * 1e-3
      const total = cost[0] + cost[1] + cost[2]
      const stepPnl = run.position * (price - run.lastPrice)
      pnl[0] = t === 0 ? stepPnl : 0
      // the notebook's PortfolioState, in its order: E + pnl − cost, peak, dd = (peak − E)/peak
      const equity = run.equity + stepPnl - total
      run.peak = Math.max(run.peak, equity)
      const dd = (run.peak - equity) / Math.max(run.peak, 1e-12)
      run.equity = equity
      run.cumCost = run.cumCost + total
      run.lastPrice = price
      run.trade[t] = notebookTrade
      run.dd[t] = dd
      run.equityAt[t] = equity
      run.cumCostAt[t] = run.cumCost
      if (dd >= stop && !run.stopped) {
        run.stopped = true
        run.stoppedAt = t
      }
      run.stopFlag[t] = dd >= stop ? 1 : 0
      return total
    }
  }
}
