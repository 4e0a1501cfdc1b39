/** A trade's cost split by component (proportional, impact, slippage, …); total = Σ components. */
export interface CostBreakdown {
  total: number
  components: Record<string, number>
}

/**
 * Prices a trade. `trade` is target − position per leg; `context` is whatever state the
 * model needs at the decision step (regime, liquidity…). Costs are never negative.
 */
export interface ExecutionModel<Ctx> {
  readonly name: string
  readonly components: readonly string[]
  cost(trade: Float64Array, context: Ctx): CostBreakdown
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
