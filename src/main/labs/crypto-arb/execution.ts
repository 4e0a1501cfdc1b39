import type { ExecutionModel, StepContext } from '../../engine/kernel'
import type { CryptoArbConfig } from './config'
import type { StepCosts } from './inventory'
import type { CryptoMarket } from './market'
import type { CryptoArbAction } from './policy'

type Context = StepContext<CryptoArbConfig, CryptoMarket, CryptoArbAction>

/** The trade's gross P&L (slippage is inside it: the legs fill at their slipped prices). */
export const PNL_COMPONENTS = ['gross'] as const
/** The costs the notebook subtracts from gross: taker fees on both legs and the buy venue's withdrawal. */
export const COST_COMPONENTS = ['fees', 'withdrawal'] as const
/** With open inventory (scenarios transfer_delay, perpetuals): funding paid and liquidation losses too. */
export const SCENARIO_COST_COMPONENTS = ['fees', 'withdrawal', 'funding', 'liquidation'] as const

/**
 * The notebook's ExecutionEngine (CELL 4) behind the RiskManager (CELL 5), as a fill model: a
 * positive trade is the top opportunity's size; the risk gate checks it, both legs execute (each
 * drawing latency and drift from the run's generator), update_post_trade books it, and the step's
 * position becomes the buy leg's filled notional. The notebook's own engine is not one of the
 * shared cost models (labs/common/execution.ts): its book walk, latency drift and two-venue
 * accounting are the chapter's mechanism, so it lives in execution-engine.ts.
 */
export function cryptoArbExecution(config: CryptoArbConfig): ExecutionModel<Context> {
  if (config.scenarios.transfer_delay.enabled || config.scenarios.perpetuals.enabled) return scenarioExecution()
  return {
    name: 'notebook execution engine (latency, drift, book walk, impact, fees, withdrawal)',
    kind: 'fill',
    components: COST_COMPONENTS,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, c, cost, pnl) {
      cost[0] = 0
      cost[1] = 0
      pnl[0] = 0
      const held = c.position[0]!
      const size = trade[0]! + held
      trade[0] = -held
      if (!(size > 0)) return 0
      const m = c.market
      const o = m.approveTop(size)
      if (o === null) return 0
      const r = m.executeArbitrage(o.asset, o.buy, o.sell, size, o.net, c.t)
      trade[0] = r.buyOrder.filledUsd - held
      pnl[0] = r.gross
      cost[0] = r.bookedFees
      cost[1] = r.withdrawal
      return r.bookedFees + r.withdrawal
    }
  }
}

/**
 * The same gate and ExecutionEngine with inventory left open between steps (inventory.ts): every
 * step settles funding, liquidations, arrivals and expiries before a new lot opens; the kernel books
 * gross = Δ(desk equity) + the step's costs, so its equity is the desk's cash plus what is open, marked.
 */
function scenarioExecution(): ExecutionModel<Context> {
  const costs: StepCosts = { fees: 0, withdrawal: 0, funding: 0, liquidation: 0 }
  return {
    name: 'notebook execution engine with open inventory (transfers in transit or perpetual pairs; funding, liquidation)',
    kind: 'fill',
    components: SCENARIO_COST_COMPONENTS,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, c, cost, pnl) {
      const m = c.market
      const book = m.scenario!
      costs.fees = costs.withdrawal = costs.funding = costs.liquidation = 0
      const held = c.position[0]!
      const size = trade[0]! + held
      book.settle(m, m.desk, c.t, costs)
      const o = size > 0 ? m.approveTop(size) : null
      if (o !== null) book.open(m, m.desk, c.t, o.asset, o.buy, o.sell, size, o.net, costs)
      book.record(m, c.t)
      const equity = book.equity(m, m.desk)
      const total = costs.fees + costs.withdrawal + costs.funding + costs.liquidation
      pnl[0] = equity - m.lastEquity + total
      m.lastEquity = equity
      cost[0] = costs.fees
      cost[1] = costs.withdrawal
      cost[2] = costs.funding
      cost[3] = costs.liquidation
      trade[0] = book.notional(m) - held
      return total
    }
  }
}
