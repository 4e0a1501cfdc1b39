import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { OrderFlowConfig } from './config'
import type { OrderFlowAction, OrderFlowObservation } from './policy'

// book ch.8 §4.6: the notebook rejects a rationale containing any of these (any case). "change"
// is so common in trading prose that 97 of its 100 recorded calls failed on it; kept as the
// notebook has it, and counted as its own fallback reason so the cost of the guard shows.
export const ORDER_FLOW_BANNED_PHRASES = ['```', 'import ', 'pip ', 'parameter', 'change', 'edit code', 'modify', 'set run_config', 'hyperparameter'] as const

/** The book's agent in the order flow lab (notebook CHAPTER_8, its LLM context fields). */
export const orderFlowAgent: LabAgent<OrderFlowConfig, OrderFlowObservation, OrderFlowAction> = {
  labId: 'order-flow',
  brief: 'A limit order book: order imbalance predicts short moves, toxic flow and thin depth make providing liquidity costly, and taking pays the spread and impact.',
  actions: {
    PASSIVE_PROVIDE: 'quote passively and earn the spread (risk of adverse selection)',
    AGGRESSIVE_TAKE: 'take liquidity in the direction of the imbalance (pay spread and impact)',
    FLAT: 'no inventory'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => ({
    t: o.t,
    regime: step.regimes[o.regime] ?? String(o.regime),
    state_summary: { imbalance: round(o.imbalance), depth: round(o.depth), toxicity: round(o.toxicity), latent_vol: round(o.latentVol, 6), half_spread_bps_est: round(o.halfSpreadBpsEst, 3) },
    surface_summary: { impact_bps_min: round(o.impactBpsMin, 3), impact_bps_median: round(o.impactBpsMedian, 3), impact_bps_max: round(o.impactBpsMax, 3) },
    current_position: round(o.position),
    current_leverage: round(o.leverage),
    last_action: step.lastAction
  }),
  metricNames: { calls: 'llm_calls', successes: 'llm_valid', latencyMeanMs: 'llm_avg_latency_ms' },
  quirks: { bannedPhrases: ORDER_FLOW_BANNED_PHRASES }
}
