import type { ExecutionModel, StepContext } from '../../engine/kernel'
import { couplingImpactCost } from '../common/execution'
import { REGIME_NAMES, type CrossAssetConfig } from './config'
import { A, type CrossAssetMarket } from './market'
import type { CrossAssetAction } from './policy'

type Context = StepContext<CrossAssetConfig, CrossAssetMarket, CrossAssetAction>

/** The one P&L component: the book carried into the step over its returns. */
export const PNL_COMPONENTS = ['holdings'] as const

/**
 * book ch.9 §5.5; notebook CELL 5 (PortfolioEnv.step): the trade pays the proportional cost and
 * the impact proxy at the step's regime liquidity, stress level and avg_corr, and the book carried
 * into the step earns pnl = pos·(0.01·r_t) (np.dot: a sequential sum), booked here because the
 * env checks its stop, and the policy reads the drawdown, before this P&L: the kernel's mark is
 * empty and its drawdown before deciding is then the env's. The equity settles to
 * E·(1 + (pnl − cost)) where the env computes E·((1 + pnl) − cost): an ulp apart at most.
 */
export function crossAssetExecution(config: CrossAssetConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const liq = REGIME_NAMES.map((n) => ep.liquidity_mult[n])
  const cost = couplingImpactCost<Context>({
    costBps: ep.cost_bps,
    slippageLambda: ep.slippage_lambda,
    liquidity: (c) => liq[c.market.regime[c.t]!]!,
    stress: (c) => c.market.stressLevel[c.t]!,
    coupling: (c) => c.market.avgCorr[c.t]!
  })
  return {
    name: cost.name,
    kind: 'cost',
    components: cost.components,
    bookedPnl: PNL_COMPONENTS,
    execute(trade, context, costs, pnl) {
      const total = cost.execute(trade, context, costs, pnl)
      const r = context.market.rets
      const pos = context.position
      const row = context.t * A
      let dot = 0.0
      for (let i = 0; i < A; i++) dot += pos[i]! * (0.01 * r[row + i]!)
      pnl[0] = dot
      return total
    }
  }
}
