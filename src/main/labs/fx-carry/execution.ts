import type { StepContext } from '../../engine/kernel'
import { convexImpactCost } from '../common/execution'
import type { FxCarryConfig } from './config'
import { RISK_OFF } from './market'
import type { FxCarryAction } from './policy'
import type { FxCarryMarket } from './surface'

/**
 * book ch.3 §4.2; notebook cell 21: total_bps = cost_bps + impact_bps(regime)·turnover^(exp − 1)
 * when turnover > 0, cost = total_bps/1e4 · turnover; impact is larger in risk-off.
 */
export function fxCarryExecution(config: FxCarryConfig) {
  const ep = config.execution_params
  return convexImpactCost<StepContext<FxCarryConfig, FxCarryMarket, FxCarryAction>>({
    costBps: ep.cost_bps,
    exponent: ep.impact_exponent,
    impactBps: (context) => (context.market.regimes[context.t] === RISK_OFF ? ep.impact_bps_risk_off : ep.impact_bps_calm)
  })
}
