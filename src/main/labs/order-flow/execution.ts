import type { ExecutionModel, StepContext } from '../../engine/kernel'
import { spreadImpactCost, type SpreadImpactFill } from '../common/execution'
import type { OrderFlowConfig } from './config'
import type { OrderFlowMarket } from './market'
import type { OrderFlowAction } from './policy'
import { HORIZONS, illiquidity, impactAtSize, stepGrid } from './surface'

type Context = StepContext<OrderFlowConfig, OrderFlowMarket, OrderFlowAction>

/** The P&L components, in the order the kernel sums them: the inventory's mark, and the spread and rebate a passive fill earns. */
export const PNL_COMPONENTS = ['inventory', 'spread_capture'] as const

/**
 * The cost channels of the book (spec §4.7's decomposition), each |Δq|·mid·bps/1e4 ≥ 0, and the
 * notebook's explicit charge of |Δq|·mid·|eff|/1e4 on top of the execution price (faithful only).
 */
export const COST_COMPONENTS = ['half_spread', 'impact', 'slippage', 'adverse_selection', 'fee', 'explicit_charge'] as const

/** Index of each logged bps component in the run state's step-major `bps` (the log's cost_components_bps). */
export const BPS = { half_spread_bps: 0, impact_bps: 1, slip_bps: 2, adverse_selection_bps: 3, fee_bps: 4, rebate_bps: 5 } as const

/**
 * The chapter's execution (book ch.8 §4.5; notebook CELL 5 exec_trade and the cash update of CELL 9)
 * on `spreadImpactCost` (labs/common/execution.ts), with the chapter's bps:
 *   hs   = half_spread_bps_base + half_spread_bps_toxic_add·tox
 *   imp  = G[size, horizon] (the action's bucket; corrected: read at |Δq| in the horizon's column)
 *   slip = slippage_lambda·|Δq|·(1 + 2·illiq)       (illiq unclamped)
 *   as   = adverse_selection_lambda·tox^1.3·(0.5 + 0.5·|imb|)·10
 * faithful: cash also pays |Δq|·mid·|eff|/1e4 (charged twice; a passive fill's spread capture
 * cancels exactly) and FLAT is filled at mid for free; corrected: the fill price is the only
 * charge, and FLAT crosses (aggressive, shortest horizon). The run state keeps the notebook's cash
 * arithmetic and its step log.
 */
export function orderFlowExecution(config: OrderFlowConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const sizes = config.surface_params.axes.size_buckets
  const baseVol = config.market_params.base_vol
  const twice = config.corrections.cost_accounting === 'double'
  const flatFree = config.corrections.flat_execution === 'free'
  const atSize = config.corrections.impact_bucket === 'traded_size'
  const fill: SpreadImpactFill = { filled: false, passive: true, halfSpreadBps: 0, impactBps: 0, slippageBps: 0, adverseSelectionBps: 0, effBps: 0, price: 0, explicitCharge: 0 }
  // corrected FLAT closes as an aggressive take at the smallest size and shortest horizon
  const closes = (c: Context): boolean => c.market.run.flat && !flatFree
  const cost = spreadImpactCost<Context>({
    feeBps: ep.fee_bps,
    rebateBps: ep.maker_rebate_bps,
    chargeTwice: twice,
    mid: (c) => c.market.mid[c.t]!,
    // CELL 9: FLAT (or no trade) fills at mid, no cost
    skip: (dq, c) => (c.market.run.flat && flatFree) || Math.abs(dq) < 1e-12,
    passive: (c) => (closes(c) ? false : c.market.run.passive),
    halfSpreadBps: (c) => ep.half_spread_bps_base + ep.half_spread_bps_toxic_add * c.market.toxicity[c.t]!,
    impactBps(c, size) {
      const run = c.market.run
      const s = closes(c) ? 0 : run.sizeIndex
      const h = closes(c) ? 0 : run.horizonIndex
      const grid = stepGrid(c.market, c.t, c.config)
      return atSize ? impactAtSize(grid, sizes, h, size) : grid[s * HORIZONS + h]!
    },
    slippageBps: (c, size) => ep.slippage_lambda * size * (1.0 + 2.0 * illiquidity(c.market.toxicity[c.t]!, c.market.latentVol[c.t]!, c.market.depth[c.t]!, baseVol)),
    adverseSelectionBps: (c) => ep.adverse_selection_lambda * c.market.toxicity[c.t]! ** 1.3 * (0.5 + 0.5 * Math.abs(c.market.imbalance[c.t]!)) * 10.0,
    fill
  })
  return {
    name: cost.name,
    kind: 'cost',
    components: COST_COMPONENTS,
    bookedPnl: PNL_COMPONENTS.slice(1),
    execute(trade, context, costs, pnl) {
      const total = cost.execute(trade, context, costs, pnl)
      const m = context.market
      const run = m.run
      const t = context.t
      const dq = trade[0]!
      const mid = m.mid[t]!
      const filled = fill.filled
      // the notebook's portfolio: cash pays the fill, then (faithful) the explicit charge; post-trade mark
      const charged = !filled ? 0 : twice ? fill.explicitCharge : (Math.abs(dq) * mid * fill.effBps) / 1e4
      run.cash -= dq * fill.price
      if (twice) run.cash -= charged
      run.cumCosts += charged
      run.inv = run.target
      run.equity = run.cash + run.inv * mid
      run.peak = Math.max(run.peak, run.equity)
      run.eqCurve[t] = run.equity
      run.costCurve[t] = run.cumCosts
      run.execPx[t] = fill.price
      // an unfilled step (most of a faithful run: FLAT at mid) charges 0 and logs 0 bps, which the
      // run's fresh state already holds: its step-major bps block is not touched
      if (filled) {
        run.costTotal[t] = charged
        const b = t * 6
        run.bps[b] = fill.halfSpreadBps
        run.bps[b + 1] = fill.impactBps
        run.bps[b + 2] = fill.slippageBps
        run.bps[b + 3] = fill.passive ? fill.adverseSelectionBps : 0
        run.bps[b + 4] = !fill.passive ? ep.fee_bps : 0
        run.bps[b + 5] = fill.passive ? ep.maker_rebate_bps : 0
      }
      run.isPassive[t] = fill.passive ? 1 : 0
      run.sizeBucket[t] = closes(context) ? 0 : run.sizeIndex
      run.horizonBucket[t] = closes(context) ? 0 : run.horizonIndex
      run.stoppedAt[t] = run.stopped ? 1 : 0
      return total
    }
  }
}
