import { notebookSwitches, round, type LabAgent } from '../../agent/selector/lab-agent'
import type { VolSurfaceConfig } from './config'
import type { VolSurfaceAction, VolSurfaceObservation } from './policy'

/** The book's agent in the volatility surface lab (notebook CHAPTER_6, its LLM context fields). */
export const volSurfaceAgent: LabAgent<VolSurfaceConfig, VolSurfaceObservation, VolSurfaceAction> = {
  labId: 'vol-surface',
  brief: 'Options on one underlying: implied volatility across tenor and moneyness moves with realised vol, vol-of-vol, skew and jumps; the book trades vega outright or across the term structure.',
  actions: {
    FLAT: 'no options position',
    LONG_VOL: 'long vega (gains when implied volatility rises)',
    SHORT_VOL: 'short vega (earns the premium, loses in vol spikes)',
    CALENDAR_VOL: 'a calendar: long one tenor, short another'
  },
  settings: (c) => notebookSwitches(c.policy_params),
  context: (o, step) => ({
    t: o.t,
    regime: o.regimeName,
    state: { spot: round(o.spot, 2), vol: round(o.vol), vol_of_vol: round(o.volOfVol), skew: round(o.skew), jump: round(o.jump) },
    surface: { iv_atm_30d: round(o.ivAtm30), skew_proxy: round(o.skewProxy), term_slope: round(o.termSlope) },
    portfolio: { outright: round(o.outright), calendar: round(o.calendar), leverage: round(o.leverage), equity: round(o.equity, 2) },
    last_action: step.lastAction
  }),
  metricNames: { calls: 'LLM calls', successes: 'LLM successes', controlShare: 'LLM control share' }
}
