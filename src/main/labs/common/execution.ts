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
 * Fee and slippage in bps of the traded notional of a strip of contracts (book ch.2; notebook
 * cell 21, _cost): traded = Σ|Δp_i|·F_i (NumPy's sum; legs beyond the traded ones hold no
 * contracts), total = traded · ((fee_bps + slippage_bps)/1e4), split as fees = traded · fee_bps/1e4
 * and slippage = the rest. `price(context, leg)` is the leg's price where the trade executes.
 */
export function tradedNotionalCost<Ctx>(p: { feeBps: number; slippageBps: number; price: (context: Ctx, leg: number) => number }): ExecutionModel<Ctx> {
  const rate = (p.feeBps + p.slippageBps) / 10_000.0
  const feeRate = p.feeBps / 10_000.0
  return {
    name: 'fee + slippage bps on traded notional',
    kind: 'cost',
    components: ['fees', 'slippage'],
    execute(trade, context, cost) {
      // NumPy's pairwise sum of the strip, whose untraded points add zeros: a left-to-right sum
      let traded = 0
      for (let i = 0; i < trade.length; i++) traded += Math.abs(trade[i]!) * p.price(context, i)
      const total = traded * rate
      const fees = Math.min(total, traded * feeRate)
      cost[0] = fees
      cost[1] = total - fees
      return total
    }
  }
}

/**
 * A fixed cost every step, proportional bps and a liquidity-scaled impact on the gross units
 * traded, each on an equity base (book ch.6 §2.5; notebook cell 5, execution_cost):
 *   proportional = (cost_bps·1e−4)·units·base,  impact = units·λ·illiquidity(state)·impactBase(state)·impactScale
 *   total = (fixed + proportional) + impact
 * in the notebook's order of operations (base = E0, impactBase = E0, impactScale = 1e−6).
 */
export function unitsOnEquityCost<Ctx>(p: { fixed: number; costBps: number; base: number; lambda: number; impactScale: number; illiquidity: (context: Ctx) => number; impactBase: (context: Ctx) => number }): ExecutionModel<Ctx> {
  return {
    name: 'proportional + illiquidity-scaled impact on equity',
    kind: 'cost',
    components: ['proportional', 'impact', 'fixed'],
    execute(trade, context, cost) {
      const units = grossNotional(trade)
      const proportional = p.costBps * 1e-4 * units * p.base
      const impact = units * p.lambda * p.illiquidity(context) * p.impactBase(context) * p.impactScale
      cost[0] = proportional
      cost[1] = impact
      cost[2] = p.fixed
      return p.fixed + proportional + impact
    }
  }
}

/**
 * Linear cost on the L1 turnover plus an impact on the squared L2 norm of the trade, both in
 * currency on equity (book ch.7 §3.4, L2489–L2493; notebook CELL 5, step_portfolio):
 *   linear = (cost_bps·1e−4)·turnover·equity,  impact = (λ·illiquidity(state))·‖trade‖₂²·equity
 * `turnover` is the lab's Σ|trade| (NumPy's pairwise order); ‖trade‖₂² is summed in index order
 * (np.dot). Weights are fractions of equity.
 */
export function quadraticImpactCost<Ctx>(p: { costBps: number; lambda: number; illiquidity: (context: Ctx) => number; equity: (context: Ctx) => number; turnover: (trade: Float64Array) => number }): ExecutionModel<Ctx> {
  return {
    name: 'linear L1 cost + quadratic L2 impact × illiquidity',
    kind: 'cost',
    components: ['lin_cost', 'impact'],
    execute(trade, context, cost) {
      const equity = p.equity(context)
      const turnover = p.turnover(trade)
      let sq = 0
      for (let i = 0; i < trade.length; i++) sq += trade[i]! * trade[i]!
      const linear = p.costBps * 1e-4 * turnover * equity
      const impact = p.lambda * p.illiquidity(context) * sq * equity
      cost[0] = linear
      cost[1] = impact
      return linear + impact
    }
  }
}

/** One fill of `spreadImpactCost`, for the lab's log: the bps by channel, the effective bps and the fill price. */
export interface SpreadImpactFill {
  /** False when the step filled nothing (no trade, or a trade the lab fills at mid for free). */
  filled: boolean
  passive: boolean
  halfSpreadBps: number
  impactBps: number
  slippageBps: number
  adverseSelectionBps: number
  /** eff in bps against the trader (negative: the fill earned), and mid·(1 + sign(Δq)·eff/1e4). */
  effBps: number
  price: number
  /** |Δq|·mid·|eff|/1e4: the notebook's explicit charge on top of the fill price. */
  explicitCharge: number
}

/**
 * Spread + surface impact + slippage + adverse selection + fee − rebate on one leg (book ch.8 §4.5;
 * notebook CELL 5, exec_trade), in bps of notional |Δq|·mid:
 *   passive:    eff = −hs + as + 0.35·imp + 0.35·slip − rebate
 *   aggressive: eff =  hs + imp + slip + fee
 * filled at mid·(1 + sign(Δq)·eff/1e4). The price channel is split into cost components
 * (half_spread, impact, slippage, adverse_selection, fee; each ≥ 0) and P&L booked at execution
 * (spread_capture: a passive fill's hs + rebate). With `chargeTwice` the notebook's second charge
 * |Δq|·mid·|eff|/1e4 is the component explicit_charge. A step the lab marks as no fill (`skip`)
 * costs nothing and fills at mid. The state-dependent bps come from the lab; `fill` is refilled.
 */
export function spreadImpactCost<Ctx>(p: {
  feeBps: number
  rebateBps: number
  chargeTwice: boolean
  mid: (context: Ctx) => number
  skip: (trade: number, context: Ctx) => boolean
  passive: (context: Ctx) => boolean
  halfSpreadBps: (context: Ctx) => number
  impactBps: (context: Ctx, size: number, passive: boolean) => number
  slippageBps: (context: Ctx, size: number) => number
  adverseSelectionBps: (context: Ctx) => number
  fill: SpreadImpactFill
}): ExecutionModel<Ctx> {
  const f = p.fill
  return {
    name: 'spread + surface impact + slippage + adverse selection + fee − rebate',
    kind: 'cost',
    components: ['half_spread', 'impact', 'slippage', 'adverse_selection', 'fee', 'explicit_charge'],
    bookedPnl: ['spread_capture'],
    execute(trade, context, cost, pnl) {
      const dq = trade[0]!
      const mid = p.mid(context)
      for (let k = 0; k < 6; k++) cost[k] = 0
      pnl[0] = 0
      f.halfSpreadBps = f.impactBps = f.slippageBps = f.adverseSelectionBps = f.effBps = f.explicitCharge = 0
      f.price = mid
      f.passive = p.passive(context)
      f.filled = !p.skip(dq, context)
      if (!f.filled) return 0
      const passive = f.passive
      const size = Math.abs(dq)
      const hs = p.halfSpreadBps(context)
      const imp = p.impactBps(context, size, passive)
      const slip = p.slippageBps(context, size)
      const as = p.adverseSelectionBps(context)
      const eff = passive ? -hs + as + 0.35 * imp + 0.35 * slip - p.rebateBps : hs + imp + slip + p.feeBps
      const notional = size * mid
      f.halfSpreadBps = hs
      f.impactBps = imp
      f.slippageBps = slip
      f.adverseSelectionBps = as
      f.effBps = eff
      f.price = mid * (1.0 + (dq > 0 ? 1 : -1) * (eff / 1e4))
      f.explicitCharge = (notional * Math.abs(eff)) / 1e4
      if (passive) {
        cost[1] = (notional * 0.35 * imp) / 1e4
        cost[2] = (notional * 0.35 * slip) / 1e4
        cost[3] = (notional * as) / 1e4
        pnl[0] = (notional * (hs + p.rebateBps)) / 1e4
      } else {
        cost[0] = (notional * hs) / 1e4
        cost[1] = (notional * imp) / 1e4
        cost[2] = (notional * slip) / 1e4
        cost[4] = (notional * p.feeBps) / 1e4
      }
      if (p.chargeTwice) cost[5] = f.explicitCharge
      return cost[0]! + cost[1]! + cost[2]! + cost[3]! + cost[4]! + cost[5]!
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
