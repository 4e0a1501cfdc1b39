import type { ExecutionModel, StepContext } from '../../engine/kernel'
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
 * The chapter's execution: spread + surface impact + slippage + adverse selection + fee − rebate
 * (book ch.8 §4.5; notebook CELL 5 exec_trade and the cash update of CELL 9). In bps:
 *   hs   = half_spread_bps_base + half_spread_bps_toxic_add·tox
 *   imp  = G[size, horizon] (the action's bucket; corrected: read at |Δq| in the horizon's column)
 *   slip = slippage_lambda·|Δq|·(1 + 2·illiq)       (illiq unclamped)
 *   as   = adverse_selection_lambda·tox^1.3·(0.5 + 0.5·|imb|)·10
 *   passive:    eff = −hs + as + 0.35·imp + 0.35·slip − rebate
 *   aggressive: eff =  hs + imp + slip + fee
 * filled at mid·(1 + sign(Δq)·eff/1e4). faithful: cash also pays |Δq|·mid·|eff|/1e4 (charged twice;
 * a passive fill's spread capture cancels exactly) and FLAT is filled at mid for free; corrected:
 * the fill price is the only charge, and FLAT crosses (aggressive, shortest horizon).
 * The kernel gets the price channel split into its cost components and the spread captured, and
 * the explicit charge as its own component; the run state keeps the notebook's cash arithmetic.
 */
export function orderFlowExecution(config: OrderFlowConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const sizes = config.surface_params.axes.size_buckets
  const baseVol = config.market_params.base_vol
  const twice = config.corrections.cost_accounting === 'double'
  const flatFree = config.corrections.flat_execution === 'free'
  const atSize = config.corrections.impact_bucket === 'traded_size'
  return {
    name: 'spread + surface impact + slippage + adverse selection + fee − rebate',
    kind: 'cost',
    components: COST_COMPONENTS,
    bookedPnl: ['spread_capture'],
    execute(trade, context, cost, pnl) {
      const m = context.market
      const run = m.run
      const t = context.t
      const dq = trade[0]!
      const mid = m.mid[t]!
      const b = t * 6
      for (let k = 0; k < 6; k++) cost[k] = 0
      pnl[0] = 0
      for (let k = 0; k < 6; k++) run.bps[b + k] = 0
      let total = 0
      let execPx = mid
      let charged = 0
      let passive = run.passive
      let sizeIndex = run.sizeIndex
      let horizonIndex = run.horizonIndex
      if ((run.flat && flatFree) || Math.abs(dq) < 1e-12) {
        // CELL 9: FLAT (or no trade) fills at mid, no cost
      } else {
        if (run.flat) {
          passive = false
          sizeIndex = 0
          horizonIndex = 0
        }
        const tox = m.toxicity[t]!
        const imb = m.imbalance[t]!
        const hs = ep.half_spread_bps_base + ep.half_spread_bps_toxic_add * tox
        const size = Math.abs(dq)
        const grid = stepGrid(m, t, context.config)
        const imp = atSize ? impactAtSize(grid, sizes, horizonIndex, size) : grid[sizeIndex * HORIZONS + horizonIndex]!
        const illiq = illiquidity(tox, m.latentVol[t]!, m.depth[t]!, baseVol)
        const slip = ep.slippage_lambda * size * (1.0 + 2.0 * illiq)
        const as = ep.adverse_selection_lambda * tox ** 1.3 * (0.5 + 0.5 * Math.abs(imb)) * 10.0
        const eff = passive ? -hs + as + 0.35 * imp + 0.35 * slip - ep.maker_rebate_bps : hs + imp + slip + ep.fee_bps
        const side = dq > 0 ? 1 : -1
        execPx = mid * (1.0 + side * (eff / 1e4))
        const notional = size * mid
        charged = (notional * Math.abs(eff)) / 1e4
        run.bps[b] = hs
        run.bps[b + 1] = imp
        run.bps[b + 2] = slip
        if (passive) {
          run.bps[b + 3] = as
          run.bps[b + 5] = ep.maker_rebate_bps
          cost[1] = (notional * 0.35 * imp) / 1e4
          cost[2] = (notional * 0.35 * slip) / 1e4
          cost[3] = (notional * as) / 1e4
          pnl[0] = (notional * (hs + ep.maker_rebate_bps)) / 1e4
        } else {
          run.bps[b + 4] = ep.fee_bps
          cost[0] = (notional * hs) / 1e4
          cost[1] = (notional * imp) / 1e4
          cost[2] = (notional * slip) / 1e4
          cost[4] = (notional * ep.fee_bps) / 1e4
        }
        if (twice) cost[5] = charged
        else charged = (notional * eff) / 1e4
      }
      for (let k = 0; k < 6; k++) total += cost[k]!
      // the notebook's portfolio: cash pays the fill, then (faithful) the explicit charge; post-trade mark
      run.cash -= dq * execPx
      if (twice) run.cash -= charged
      run.cumCosts += charged
      run.inv = run.target
      run.equity = run.cash + run.inv * mid
      run.peak = Math.max(run.peak, run.equity)
      run.eqCurve[t] = run.equity
      run.costCurve[t] = run.cumCosts
      run.costTotal[t] = charged
      run.execPx[t] = execPx
      run.isPassive[t] = passive ? 1 : 0
      run.sizeBucket[t] = sizeIndex
      run.horizonBucket[t] = horizonIndex
      run.stoppedAt[t] = run.stopped ? 1 : 0
      return total
    }
  }
}
