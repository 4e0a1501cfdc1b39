import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { FxCarryConfig } from './config'
import type { FxCarryAction, FxCarryObservation } from './policy'

/** The book's agent in the FX carry lab (notebook CHAPTER_3, its LLM context fields). */
export const fxCarryAgent: LabAgent<FxCarryConfig, FxCarryObservation, FxCarryAction> = {
  labId: 'fx-carry',
  brief: 'A basket of high-yield currencies funded in USD earns the rate differential (carry) in calm markets and loses in risk-off unwinds.',
  actions: {
    FLAT: 'no position',
    LONG_HIGH_YIELD_BASKET: 'long the high-yield basket against USD (harvest carry)',
    SHORT_HIGH_YIELD_BASKET: 'short the basket against USD (hedge a carry unwind)',
    RISK_OFF_NEUTRAL: 'a small short hedge in risk-off, flat in calm'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => ({
    t: o.t,
    regime: o.regimeName,
    risk_sentiment: round(o.riskSentiment),
    carry30_mean: round(o.carry30Mean, 6),
    current_position: round(o.position),
    current_leverage: round(o.leverage),
    recent_cost: round(o.recentCost, 6),
    last_action: step.lastAction
  })
}
