import type { ExecutionModel, StepContext } from '../../engine/kernel'
import { saturatingImpactCost } from '../common/execution'
import type { YieldCurveConfig } from './config'
import { STRESS, type YieldMarket } from './market'
import type { YieldCurveAction } from './policy'

type Context = StepContext<YieldCurveConfig, YieldMarket, YieldCurveAction>

/** The P&L components, in the order the kernel sums them (funding is booked negative). */
export const PNL_COMPONENTS = ['price', 'carry', 'funding'] as const

/** Carry per unit of gross market value per step (step_mark_to_market, notebook cell 21). */
const GROSS_CARRY = 0.00002
const DAYS_PER_YEAR = 252.0

/**
 * P&L of the book (n2, n10, n30) over nt−1 → nt, into out (price, carry, −funding), notebook cell 21
 * (step_mark_to_market), in its order of operations:
 *   price   = n2·ΔP2 + n10·ΔP10 + n30·ΔP30
 *   carry   = 0.00002·Σ|n·P[nt]|  (faithful)  |  Σ n·P[nt−1]·(y[nt−1] − policy[nt−1])·dt/252  (corrected: signed)
 *   funding = margin_rate·max(0, lev − 1)·equity·1e−3·(1 + 2·[stress at nt]),  lev = Σ|n·P[nt]|/equity
 * where equity is the equity before the interval. The faithful preset books it on the book just
 * traded at nt (the look-ahead), the corrected one on the book carried into nt.
 */
export function bookPnl(m: YieldMarket, nt: number, n2: number, n10: number, n30: number, equity: number, config: YieldCurveConfig, out: Float64Array): void {
  const p = m.price
  const a = nt * 3
  const b = a - 3
  out[0] = n2 * (p[a]! - p[b]!) + n10 * (p[a + 1]! - p[b + 1]!) + n30 * (p[a + 2]! - p[b + 2]!)
  const gross = Math.abs(n2 * p[a]!) + Math.abs(n10 * p[a + 1]!) + Math.abs(n30 * p[a + 2]!)
  if (config.corrections.carry === 'gross_mv') out[1] = GROSS_CARRY * gross
  else {
    const r = m.policy[nt - 1]!
    const accrual = n2 * p[b]! * (m.y2[nt - 1]! - r) + n10 * p[b + 1]! * (m.y10[nt - 1]! - r) + n30 * p[b + 2]! * (m.y30[nt - 1]! - r)
    out[1] = (accrual * config.dt) / DAYS_PER_YEAR
  }
  const lev = gross / Math.max(equity, 1e-12)
  const funding = config.risk_params.margin_rate * Math.max(0.0, lev - 1.0) * equity * 1e-3 * (1.0 + (m.regime[nt] === STRESS ? 1 : 0) * 2.0)
  out[2] = -funding
}

/**
 * book ch.4 §5.2; notebook cell 21 (execution_cost_and_fill) on the trade as the notebook scaled
 * it (market.run.trade): the size is the DV01 traded Σ|tr·DV| (faithful), or the traded market
 * value Σ|tr·P| (corrected: costs in bps of notional). The faithful preset also books here the
 * look-ahead P&L of the book just traded (the notebook marks it after trading).
 */
export function yieldCurveExecution(config: YieldCurveConfig): ExecutionModel<Context> {
  const ep = config.execution_params
  const notional = config.corrections.cost_size === 'notional'
  const cost = saturatingImpactCost<Context>({
    fixed: ep.cost_fixed,
    costBps: ep.cost_bps,
    slippageVolLambda: ep.slippage_vol_lambda,
    impactEta: ep.impact_eta,
    impactPower: ep.impact_power,
    permanentFrac: ep.permanent_frac,
    minLiquidity: ep.min_liquidity,
    size(_trade, context) {
      const m = context.market
      const tr = m.run.trade
      const a = (context.t + 1) * 3
      const dv = Math.abs(tr[0]! * m.dv01[a]!) + Math.abs(tr[1]! * m.dv01[a + 1]!) + Math.abs(tr[2]! * m.dv01[a + 2]!)
      m.run.dvTrade[context.t] = dv
      return notional ? Math.abs(tr[0]! * m.price[a]!) + Math.abs(tr[1]! * m.price[a + 1]!) + Math.abs(tr[2]! * m.price[a + 2]!) : dv
    },
    vol: (context) => context.market.vol[context.t + 1]!,
    liquidity: (context) => context.market.liq[context.t + 1]!
  })
  const lookahead = config.corrections.pnl_timing === 'lookahead'
  return {
    name: cost.name,
    kind: 'cost',
    components: cost.components,
    bookedPnl: lookahead ? PNL_COMPONENTS : [],
    execute(trade, context, costs, pnl) {
      const total = cost.execute(trade, context, costs, pnl)
      const run = context.market.run
      let booked = 0
      if (lookahead) {
        const tr = run.trade
        const pos = context.position
        bookPnl(context.market, context.t + 1, pos[0]! + tr[0]!, pos[1]! + tr[1]!, pos[2]! + tr[2]!, context.equity, context.config, pnl)
        booked = pnl[0]! + pnl[1]! + pnl[2]!
      }
      // the equity the ledger settles to (additive: equity + booked − cost), which the next mark's funding reads
      run.equity = context.equity + (booked - total)
      return total
    }
  }
}
