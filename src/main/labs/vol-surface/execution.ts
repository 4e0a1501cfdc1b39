import type { StepContext } from '../../engine/kernel'
import { unitsOnEquityCost } from '../common/execution'
import { byCode, type VolSurfaceConfig } from './config'
import type { VolSurfaceAction } from './policy'
import type { VolSurfaceMarket } from './surface'

/**
 * book ch.6 L2235–L2247; notebook cell 5 (execution_cost): on the gross vega units traded,
 * proportional = cost_bps·1e−4 · units · E0 and impact = units · λ · illiq(regime) · E0 · 1e−6,
 * total = cost_fixed + proportional + impact (cost_fixed is charged every step, as in the
 * notebook). Corrected (impact_base = current_equity): impact on the equity marked at the step,
 * with impact_scale 1e−3.
 */
export function volSurfaceExecution(config: VolSurfaceConfig) {
  const ep = config.execution_params
  const E0 = config.risk_params.initial_equity
  const illiquidity = byCode(ep.illiquidity_by_regime)
  const current = config.corrections.impact_base === 'current_equity'
  return unitsOnEquityCost<StepContext<VolSurfaceConfig, VolSurfaceMarket, VolSurfaceAction>>({
    fixed: ep.cost_fixed,
    costBps: ep.cost_bps,
    base: E0,
    lambda: ep.slippage_lambda,
    impactScale: ep.impact_scale,
    // step k trades at the notebook's t = k + 1
    illiquidity: (context) => illiquidity[context.market.regime[context.t + 1]!]!,
    impactBase: current ? (context) => context.equity : () => E0
  })
}
