import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { CascadeConfig } from './config'
import type { CascadeAction, CascadeObservation } from './policy'

/** The book's agent in the systemic stress (cascade) lab (notebook CHAPTER_10, its LLM context fields). */
export const cascadeAgent: LabAgent<CascadeConfig, CascadeObservation, CascadeAction> = {
  labId: 'cascade',
  brief: 'Leveraged institutions under funding and margin pressure: forced sales move prices, which raises distress elsewhere, and a cascade can follow.',
  actions: {
    DELEVER: 'cut the position to 40 % of its size',
    HOLD: 'keep the position',
    EMERGENCY_EXIT: 'close the whole position now, whatever it costs'
  },
  // The notebook asks no more often than every 5 steps (its decision_interval is floored to 5).
  settings: (c) => ({ ...notebookSwitches(c.policy_params), decisionEvery: Math.max(5, c.policy_params.decision_interval) }),
  context: (o, step) => ({
    t: o.t,
    regime: o.regimeName,
    funding: round(o.funding),
    margin: round(o.margin),
    risk_aversion: round(o.riskAversion),
    cascade_pressure: round(o.cascadePressure),
    avg_distress: round(o.avgDistress),
    max_distress: round(o.maxDistress),
    insolvent_count: o.insolventCount,
    price: round(o.price),
    position: round(o.position),
    leverage: round(o.leverage),
    recent_costs: round(o.recentCosts, 6),
    last_action: step.lastAction
  }),
  metricNames: { validityRate: 'LLM ok rate', latencyMeanMs: 'LLM mean latency (ms)' }
}
