import type { ExecutionModel, StepContext } from '../../engine/kernel'
import type { CryptoArbConfig } from './config'
import type { CryptoMarket } from './market'
import type { CryptoArbAction } from './policy'

type Context = StepContext<CryptoArbConfig, CryptoMarket, CryptoArbAction>

/** The trade's gross P&L (slippage is inside it: the legs fill at their slipped prices). */
export const PNL_COMPONENTS = ['gross'] as const
/** The costs the notebook subtracts from gross: taker fees on both legs and the buy venue's withdrawal. */
export const COST_COMPONENTS = ['fees', 'withdrawal'] as const

/**
 * The notebook's ExecutionEngine (CELL 4) behind the RiskManager (CELL 5), as a fill model: a
 * positive trade is the top opportunity's size; the risk gate checks it, both legs execute (each
 * drawing latency and drift from the run's generator), update_post_trade books it, and the step's
 * position becomes the buy leg's filled notional. The notebook's own engine is not one of the
 * shared cost models (labs/common/execution.ts): its book walk, latency drift and two-venue
 * accounting are the chapter's mechanism, so it lives in market.ts.
 */
export function cryptoArbExecution(_config: CryptoArbConfig): ExecutionModel<Context> {
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
      const o = m.opps[0]
      if (o === undefined) return 0
      const reason = m.checkTrade(size, o.buy, o.sell, o.net)
      m.desk.checks.push({ tick: m.tick, size, buy: o.buy, sell: o.sell, expectedBps: o.net, ok: reason === null, reason: reason ?? 'approved' })
      if (reason !== null) return 0
      const r = m.executeArbitrage(o.asset, o.buy, o.sell, size, o.net, c.t)
      trade[0] = r.buyOrder.filledUsd - held
      pnl[0] = r.gross
      cost[0] = r.bookedFees
      cost[1] = r.withdrawal
      return r.bookedFees + r.withdrawal
    }
  }
}
