import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { YieldCurveConfig } from './config'
import type { YieldCurveAction, YieldCurveObservation } from './policy'

/** The book's agent in the yield curve lab (notebook CHAPTER_4, its LLM context fields). */
export const yieldCurveAgent: LabAgent<YieldCurveConfig, YieldCurveObservation, YieldCurveAction> = {
  labId: 'yield-curve',
  brief: 'The front end is anchored by the policy rate and the long end moves with the term premium; DV01-neutral curve trades bet on slope and curvature reverting.',
  actions: {
    FLAT: 'no curve position',
    STEEPENER: 'DV01-neutral 2s10s steepener',
    FLATTENER: 'DV01-neutral 2s10s flattener',
    BUTTERFLY: '2s10s30s butterfly on curvature'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => {
    o.zScores()
    return {
      t: o.t,
      regime: step.regimes[o.regime] ?? String(o.regime),
      state_summary: { policy: round(o.policy, 6), term_premium: round(o.termPremium, 6), vol: round(o.vol, 6), liquidity: round(o.liq) },
      surface_summary: { y2: round(o.y2, 6), y10: round(o.y10, 6), y30: round(o.y30, 6), slope_2s10: round(o.slope, 6), fly_2s10s30: round(o.fly, 6), z_slope: round(o.zSlope), z_fly: round(o.zFly) },
      equity: round(o.equity, 2),
      last_action: step.lastAction
    }
  },
  metricNames: { calls: 'llm_calls', successes: 'llm_ok', validityRate: 'llm_ok_rate', latencyMeanMs: 'llm_latency_ms_avg', latencyP95Ms: 'LLM latency p95 (ms)' }
}
