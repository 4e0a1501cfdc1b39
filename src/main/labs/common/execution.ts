import { grossNotional, type ExecutionModel } from '../../engine/kernel'

// The execution models labs share, by name. Each keeps its notebook's exact arithmetic (the
// order of operations is part of the parity), takes what depends on the step (regime,
// liquidity) as a function of the step context, and writes its components in place: they
// run every step and allocate nothing. Fill models live beside them: the limit order book
// (./order-book) that the microstructure lab's exchange runs.

/**
 * Proportional cost plus a convex, state-dependent impact on gross turnover (book ch.3 §4.2):
 *   total = (cost_bps + impact_bps(state)·turnover^(exponent − 1)) / 1e4 · turnover   (turnover > 0)
 * split as proportional = cost_bps/1e4 · turnover and impact = the rest.
 */
export function convexImpactCost<Ctx>(p: { costBps: number; exponent: number; impactBps: (context: Ctx) => number }): ExecutionModel<Ctx> {
  return {
    name: 'proportional + state-dependent convex impact',
    kind: 'cost',
    components: ['proportional', 'impact'],
    execute(trade, context, cost) {
      const turnover = grossNotional(trade)
      if (!(turnover > 0.0)) {
        cost[0] = 0
        cost[1] = 0
        return 0
      }
      const totalBps = p.costBps + p.impactBps(context) * turnover ** (p.exponent - 1.0)
      const total = (totalBps / 1e4) * turnover
      const proportional = (p.costBps / 1e4) * turnover
      cost[0] = proportional
      cost[1] = total - proportional
      return total
    }
  }
}

/**
 * A fixed fee per step, proportional bps on gross notional and an impact that scales with a
 * stress measure (book ch.5 §5.4; notebook cell 21, trade_cost):
 *   proportional = cost_bps/1e4 · notional · proportionalScale
 *   impact = notional · lambda · stress(state) · impactScale
 *   total = fixed + proportional + impact
 * (the scales are the notebook's "make it visible" factors).
 */
export function stressImpactCost<Ctx>(p: { fixed: number; costBps: number; proportionalScale: number; lambda: number; impactScale: number; stress: (context: Ctx) => number }): ExecutionModel<Ctx> {
  return {
    name: 'proportional + stress-scaled impact',
    kind: 'cost',
    components: ['proportional', 'impact', 'fixed'],
    execute(trade, context, cost) {
      const notional = grossNotional(trade)
      const proportional = (p.costBps / 1e4) * notional * p.proportionalScale
      const impact = notional * p.lambda * p.stress(context) * p.impactScale
      cost[0] = proportional
      cost[1] = impact
      cost[2] = p.fixed
      return p.fixed + proportional + impact
    }
  }
}

/**
 * A taker fee and a state-dependent slippage, both in bps of traded notional:
 *   fees = taker_bps · turnover · notional / 1e4,  slippage = slippage_bps(state) · turnover · notional / 1e4
 * where turnover is what the lab counts as traded (one leg or both).
 */
export function takerSlippageCost<Ctx>(p: { takerBps: number; notional: number; slippageBps: (context: Ctx) => number; turnover: (trade: Float64Array) => number }): ExecutionModel<Ctx> {
  return {
    name: 'taker fee + state-dependent slippage',
    kind: 'cost',
    components: ['fees', 'slippage'],
    execute(trade, context, cost) {
      const turnover = p.turnover(trade)
      const fees = (p.takerBps * turnover * p.notional) / 1e4
      const slippage = (p.slippageBps(context) * turnover * p.notional) / 1e4
      cost[0] = fees
      cost[1] = slippage
      return fees + slippage
    }
  }
}

/** A fee whenever the book changes: `fee` per change (per flip), or `fee` × |Δposition|. */
export function changeFeeCost<Ctx>(p: { fee: number; perChange: boolean }): ExecutionModel<Ctx> {
  return {
    name: p.perChange ? 'fee per position change' : 'fee × |Δposition|',
    kind: 'cost',
    components: ['fee'],
    execute(trade, _context, cost) {
      const size = grossNotional(trade)
      const total = size > 1e-12 ? (p.perChange ? p.fee : p.fee * size) : 0
      cost[0] = total
      return total
    }
  }
}

/**
 * A temporary cost that saturates with volatility and grows convexly with size and illiquidity,
 * plus a permanent fraction booked as cost (book ch.4 §5.2; notebook cell 21,
 * execution_cost_and_fill), on a trade size q the lab measures (DV01 traded, or notional):
 *   illiq = 1/max(liq, min_liquidity) − 1
 *   temporary = fixed + cost_bps/1e4·q + (λ·vol)·q/(1e4 + q) + η·q^power·1e−10·(1 + illiq)
 *   permanent = permanent_frac·temporary          (the notebook books it as cost, with no mark impact)
 * The fixed fee is charged every step, traded or not, as in the notebook.
 */
export function saturatingImpactCost<Ctx>(p: {
  fixed: number
  costBps: number
  slippageVolLambda: number
  impactEta: number
  impactPower: number
  permanentFrac: number
  minLiquidity: number
  size: (trade: Float64Array, context: Ctx) => number
  vol: (context: Ctx) => number
  liquidity: (context: Ctx) => number
}): ExecutionModel<Ctx> {
  const costBps = p.costBps / 1e4
  return {
    name: 'proportional + vol-saturating slippage + convex impact, with a permanent fraction',
    kind: 'cost',
    components: ['temporary', 'permanent'],
    execute(trade, context, cost) {
      const q = p.size(trade, context)
      const illiq = 1.0 / Math.max(p.liquidity(context), p.minLiquidity) - 1.0
      let temp = p.fixed + costBps * q
      temp += p.slippageVolLambda * p.vol(context) * (q / (1e4 + q))
      temp += p.impactEta * q ** p.impactPower * 1e-10 * (1.0 + illiq)
      const perm = p.permanentFrac * temp
      cost[0] = temp
      cost[1] = perm
      return temp + perm
    }
  }
}

/**
 * A proportional cost and an impact proxy that grows with stress and cross-asset coupling, both
 * scaled by the regime's liquidity multiplier, on gross turnover (book ch.9 §5.5; notebook CELL 5,
 * PortfolioEnv.step), in the notebook's order of operations:
 *   proportional = (cost_bps·1e−4)·turnover·liq
 *   impact = λ·turnover·(1 + 1.5·stress)·(1 + max(0, coupling))·1e−3·liq
 */
export function couplingImpactCost<Ctx>(p: {
  costBps: number
  slippageLambda: number
  liquidity: (context: Ctx) => number
  stress: (context: Ctx) => number
  coupling: (context: Ctx) => number
}): ExecutionModel<Ctx> {
  const rate = p.costBps * 1e-4
  return {
    name: 'proportional + stress- and coupling-scaled impact, × regime liquidity',
    kind: 'cost',
    components: ['proportional', 'impact'],
    execute(trade, context, cost) {
      const turnover = grossNotional(trade)
      const liq = p.liquidity(context)
      const proportional = rate * turnover * liq
      const impact = p.slippageLambda * turnover * (1.0 + 1.5 * p.stress(context)) * (1.0 + Math.max(0.0, p.coupling(context))) * 1e-3 * liq
      cost[0] = proportional
      cost[1] = impact
      return proportional + impact
    }
  }
}
