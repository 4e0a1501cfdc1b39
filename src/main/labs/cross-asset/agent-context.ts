import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { CrossAssetConfig } from './config'
import type { CrossAssetAction, CrossAssetObservation } from './policy'

/** The book's agent in the cross-asset lab (notebook CHAPTER_9, its LLM context fields). */
export const crossAssetAgent: LabAgent<CrossAssetConfig, CrossAssetObservation, CrossAssetAction> = {
  labId: 'cross-asset',
  brief: 'Equities, rates, credit and commodities coupled by macro shocks: in stress their correlations converge on one factor and diversification disappears.',
  actions: {
    RISK_ON: 'the risk-on sleeve, scaled by inverse volatility',
    RISK_OFF: 'the defensive sleeve, scaled by inverse volatility',
    NEUTRAL: 'no position'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => ({
    t: o.t,
    regime: step.regimes[o.regime] ?? String(o.regime),
    stress_level: round(o.stressLevel),
    avg_corr: round(o.avgCorr),
    top_eig_share: round(o.topEigShare),
    eq_rates_corr: round(o.eqRatesCorr),
    equity: round(o.equity, 4),
    drawdown: round(o.drawdown),
    last_action: step.lastAction
  }),
  metricNames: { successes: 'llm_ok_steps' }
}
