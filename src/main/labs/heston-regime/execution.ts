import type { StepContext } from '../../engine/kernel'
import { changeFeeCost } from '../common/execution'
import type { HestonRegimeConfig } from './config'
import type { HestonRegimeMarket } from './market'
import type { HestonRegimeAction } from './policy'

/**
 * spec §5.5 (Ch.9.3): faithful charges cost_per_flip (0.1%) whenever the position changes,
 * whatever the size; corrected (corrections.cost_model = "per_turnover") cost_per_flip × |Δposition|.
 */
export function hestonRegimeExecution(config: HestonRegimeConfig) {
  return changeFeeCost<StepContext<HestonRegimeConfig, HestonRegimeMarket, HestonRegimeAction>>({
    fee: config.strategy.cost_per_flip,
    perChange: config.corrections.cost_model === 'per_flip'
  })
}
