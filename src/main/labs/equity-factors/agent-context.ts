import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { EquityFactorsConfig } from './config'
import type { EquityFactorsAction, EquityFactorsObservation } from './policy'

/** The book's agent in the equity factors lab (notebook CHAPTER_7, its LLM context fields). */
export const equityFactorsAgent: LabAgent<EquityFactorsConfig, EquityFactorsObservation, EquityFactorsAction> = {
  labId: 'equity-factors',
  brief: 'Equity factors whose correlations rise together in stress: diversification works while correlation is low and dispersion high, and fails when the factors move as one.',
  actions: {
    LOW_CORR_BASKET: 'a risk-scaled basket of the least correlated factors',
    MOMENTUM_ROTATION: 'long the recent winners, short the losers',
    DEFENSIVE: 'a small defensive subset',
    FLAT: 'no position'
  },
  settings: (c) => ({ ...notebookSwitches(c.policy_params), maxRationaleChars: 320 }),
  context: (o, step) => ({
    t: o.t,
    regime: step.regimes[o.regime] ?? String(o.regime),
    state_summary: { dispersion: round(o.dispersion, 3), momentum_strength: round(o.momStrength, 5), drawdown: round(o.drawdown, 4) },
    surface_summary: { avg_corr: round(o.avgCorr), stress_proxy: round(o.stressProxy), illiquidity: round(o.illiquidity), crowding: round(o.crowding) },
    equity: round(o.equity, 2),
    last_action: step.lastAction
  }),
  metricNames: { latencyMeanMs: 'avg_policy_latency_ms' }
}
