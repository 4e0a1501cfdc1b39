import type { ExecutionModel, StepContext } from '../../engine/kernel'
import { convexImpactCost } from '../common/execution'
import type { MarketTerrainConfig } from './config'
import type { TerrainMarket } from './market'
import type { MarketTerrainAction } from './policy'

type Context = StepContext<MarketTerrainConfig, TerrainMarket, MarketTerrainAction>

/** The one P&L component: the class baskets' weights over the baskets' simple returns. */
export const PNL_COMPONENTS = ['baskets'] as const

/**
 * Trades pay cost_bps plus a regime impact (risk_off thinner) on gross turnover, in weights of
 * equity (compound ledger): total = (cost_bps + impact_bps(regime))/1e4 · Σ|Δw|.
 */
export function marketTerrainExecution(config: MarketTerrainConfig): ExecutionModel<Context> {
  const impact = config.execution.impact_bps
  return convexImpactCost<Context>({
    costBps: config.execution.cost_bps,
    exponent: 1,
    impactBps: (c) => (c.market.universe.regime[c.t] === 1 ? impact.risk_off : impact.risk_on)
  })
}

/** P&L of the basket weights held into bar t: Σ_c w_c · (bar t's return of basket c as composed at t − 1). */
export function markBook(m: TerrainMarket, t: number, position: Float64Array, out: Float64Array): void {
  const K = position.length
  let pnl = 0
  for (let c = 0; c < K; c++) {
    const w = position[c]!
    if (w !== 0) pnl += w * m.basketReturn[t * K + c]!
  }
  out[0] = pnl
}
