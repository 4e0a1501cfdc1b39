/** A trade's cost split by component (proportional, impact, slippage, …); total = Σ components. */
export interface CostBreakdown {
  total: number
  components: Record<string, number>
}

/**
 * What really happened to a requested trade: the executed quantity per leg (a fill model may
 * fill part of it, or fill resting quotes the policy left), its costs, and P&L booked at
 * execution (spread captured against mid, rebates) by component.
 */
export interface ExecutionResult {
  executed: Float64Array
  cost: CostBreakdown
  pnl?: Record<string, number>
}

/**
 * Prices a trade. `trade` is target − position per leg; `context` is whatever state the
 * model needs at the decision step (regime, liquidity…). Costs are never negative: income
 * such as maker rebates is P&L, not a negative cost.
 * A model with `execute` decides what was executed; without it the whole trade is.
 */
export interface ExecutionModel<Ctx> {
  readonly name: string
  readonly components: readonly string[]
  cost(trade: Float64Array, context: Ctx): CostBreakdown
  execute?(trade: Float64Array, context: Ctx): ExecutionResult
}

export function grossNotional(legs: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < legs.length; i++) sum += Math.abs(legs[i] ?? 0)
  return sum
}

export const NO_COST = (components: readonly string[]): CostBreakdown => ({
  total: 0,
  components: Object.fromEntries(components.map((c) => [c, 0]))
})
