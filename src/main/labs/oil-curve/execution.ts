import type { StepContext } from '../../engine/kernel'
import { tradedNotionalCost } from '../common/execution'
import type { OilCurveConfig } from './config'
import { LEG_COUNT, type OilMarket } from './market'
import type { OilCurveAction } from './policy'

/**
 * book ch.2 costs; notebook cell 21 (_cost): (fee_bps + slippage_bps)/1e4 on Σ|Δcontracts|·F at the
 * curve of the step the trade is made at (1.25 bps with the defaults).
 */
export function oilCurveExecution(config: OilCurveConfig) {
  return tradedNotionalCost<StepContext<OilCurveConfig, OilMarket, OilCurveAction>>({
    feeBps: config.env.fee_bps,
    slippageBps: config.env.slippage_bps,
    price: (context, leg) => context.market.front[context.t * LEG_COUNT + leg]!
  })
}
