import type { StepContext } from '../../engine/kernel'
import { stressImpactCost } from '../common/execution'
import type { CreditSpreadsConfig } from './config'
import type { CreditMarket } from './market'
import type { CreditSpreadsAction } from './policy'

/**
 * book ch.5 §5.4; notebook cell 21 (trade_cost): on the gross trade notional,
 * proportional = cost_bps/1e4 · notional · 100, impact = notional · λ · (liq + corr) · 10,
 * total = cost_fixed + proportional + impact (the 100 and 10 are the notebook's "make it
 * visible" scales). The fixed fee is charged every step, traded or not, as in the notebook.
 */
export function creditSpreadsExecution(config: CreditSpreadsConfig) {
  const ep = config.execution_params
  return stressImpactCost<StepContext<CreditSpreadsConfig, CreditMarket, CreditSpreadsAction>>({
    fixed: ep.cost_fixed,
    costBps: ep.cost_bps,
    proportionalScale: 100.0,
    lambda: ep.slippage_lambda,
    impactScale: 10.0,
    stress: (context) => context.market.liq[context.t]! + context.market.corr[context.t]!
  })
}
