import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { CreditSpreadsConfig } from './config'
import type { CreditSpreadsAction, CreditSpreadsObservation } from './policy'

/** The book's agent in the credit spreads lab (notebook CHAPTER_5, its LLM context fields). */
export const creditSpreadsAgent: LabAgent<CreditSpreadsConfig, CreditSpreadsObservation, CreditSpreadsAction> = {
  labId: 'credit-spreads',
  brief: 'Investment-grade and high-yield spread curves pay carry and roll-down for default and liquidity risk; hazard, liquidity withdrawal and correlation stress widen them by regime.',
  actions: {
    FLAT: 'no credit exposure',
    LONG_SPREAD: 'long credit risk (earn the spread, lose when spreads widen)',
    SHORT_SPREAD: 'short credit risk (gain when spreads widen)',
    CURVE_STEEPENER: 'a curve tilt position on the spread term structure'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => ({
    t: o.t,
    regime: o.regime,
    state_summary: { hazard: round(o.hazard, 6), liq: round(o.liq), corr: round(o.corr), credit_beta: round(o.creditBeta) },
    surface_summary: { level_ig: round(o.levelIG, 6), slope_ig: round(o.slopeIG, 6), level_hy: round(o.levelHY, 6), slope_hy: round(o.slopeHY, 6) },
    portfolio: { leverage: round(o.leverage) },
    last_action: step.lastAction
  }),
  metricNames: { calls: 'llm_calls', successes: 'used_llm_count' }
}
