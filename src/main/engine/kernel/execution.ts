/** A trade's cost split by component (proportional, impact, slippage, …); total = what the model charged. */
export interface CostBreakdown {
  total: number
  components: Record<string, number>
}

/**
 * Executes a trade: what really happened to it, what it cost and what it earned at execution.
 *
 * `trade` is target − position per leg. A fill model may change it in place to what was
 * executed (a partial fill, fills of resting quotes the policy left); a cost model leaves it.
 * The model writes each cost component into `cost` (in `components` order, each ≥ 0: income
 * such as a maker rebate is P&L, not a negative cost) and each P&L component it books at
 * execution into `pnl` (in `bookedPnl` order: spread captured against mid, rebates), and
 * returns the total cost. Called once per step: it must not allocate.
 */
export interface ExecutionModel<Ctx> {
  readonly name: string
  /** 'cost': the whole trade executes and is priced; 'fill': the model decides what executed (it may rewrite `trade`). */
  readonly kind: 'cost' | 'fill'
  readonly components: readonly string[]
  /** The lab's P&L components this model books at execution (none for a pure cost model). */
  readonly bookedPnl?: readonly string[]
  execute(trade: Float64Array, context: Ctx, cost: Float64Array, pnl: Float64Array): number
}

export function grossNotional(legs: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < legs.length; i++) sum += Math.abs(legs[i] ?? 0)
  return sum
}
