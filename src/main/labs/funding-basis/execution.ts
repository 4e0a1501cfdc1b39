import type { StepContext } from '../../engine/kernel'
import { takerSlippageCost } from '../common/execution'
import { CALM } from '../common/fields'
import type { FundingBasisConfig } from './config'
import type { FundingBasisMarket } from './market'
import type { FundingBasisAction } from './policy'

/** |Δ perp|: the scalar basis position the faithful preset charges once. */
const perpLeg = (trade: Float64Array): number => Math.abs(trade[1]!)
/** |Δ spot| + |Δ perp|: both markets the carry trade crosses (corrections.fee_legs = "both_legs"). */
const bothLegs = (trade: Float64Array): number => Math.abs(trade[0]!) + Math.abs(trade[1]!)

/**
 * Taker fee + regime slippage in bps of notional on the traded legs (faithful: the scalar basis
 * leg only): fees = taker_bps·turnover·N/1e4, slippage = slippage_bps(regime)·turnover·N/1e4.
 */
export function fundingBasisExecution(config: FundingBasisConfig) {
  const ep = config.execution_params
  return takerSlippageCost<StepContext<FundingBasisConfig, FundingBasisMarket, FundingBasisAction>>({
    takerBps: ep.taker_fee_bps,
    notional: config.strategy.notional,
    slippageBps: (context) => (context.market.regime[context.t] === CALM ? ep.slippage_bps_calm : ep.slippage_bps_stressed),
    turnover: config.corrections.fee_legs === 'both_legs' ? bothLegs : perpLeg
  })
}
