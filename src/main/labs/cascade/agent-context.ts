import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { CascadeConfig } from './config'
import type { CascadeAction, CascadeObservation } from './policy'

// book ch.10 §6.2 (notebook constants, not in its run_config): an extra call whenever cascade
// pressure reaches 0.20, whatever the interval; after a failed call the model rests 15 steps;
// a step without a call is the baseline's ("baseline(no_llm)"); an over-long rationale is cut
// to 160 characters with "…", not rejected.
export const CASCADE_EXTRA_CALL_PRESSURE = 0.2
export const CASCADE_COOL_DOWN_STEPS = 15
export const CASCADE_RATIONALE_CAP = 160

/** The book's agent in the systemic stress (cascade) lab (notebook CHAPTER_10, its LLM context fields). */
export const cascadeAgent: LabAgent<CascadeConfig, CascadeObservation, CascadeAction> = {
  labId: 'cascade',
  brief: 'Leveraged institutions under funding and margin pressure: forced sales move prices, which raises distress elsewhere, and a cascade can follow.',
  actions: {
    DELEVER: 'cut the position to 40 % of its size',
    HOLD: 'keep the position',
    EMERGENCY_EXIT: 'close the whole position now, whatever it costs'
  },
  // The notebook asks no more often than every 5 steps (its decision_interval is floored to 5)
  // and caps the rationale at min(max_rationale_chars, 160) (book ch.10 §6.2).
  settings: (c) => ({
    ...notebookSwitches(c.policy_params),
    decisionEvery: Math.max(5, c.policy_params.decision_interval),
    maxRationaleChars: Math.min(c.policy_params.max_rationale_chars, CASCADE_RATIONALE_CAP)
  }),
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
  metricNames: { validityRate: 'LLM ok rate', latencyMeanMs: 'LLM mean latency (ms)' },
  quirks: {
    extraCall: (o) => o.cascadePressure >= CASCADE_EXTRA_CALL_PRESSURE,
    coolDownSteps: CASCADE_COOL_DOWN_STEPS,
    betweenCalls: 'baseline',
    overLongRationale: 'truncate'
  }
}
