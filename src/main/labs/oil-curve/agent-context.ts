import { round, type LabAgent } from '../../agent/selector/lab-agent'
import type { OilCurveConfig } from './config'
import type { OilCurveAction, OilCurveObservation } from './policy'

/** The book's agent in the oil curve lab (notebook CHAPTER 2, its LLM context fields). */
export const oilCurveAgent: LabAgent<OilCurveConfig, OilCurveObservation, OilCurveAction> = {
  labId: 'oil-curve',
  brief: 'Crude futures: inventories set the convenience yield, which shapes the curve into contango or backwardation; positions earn or pay the roll.',
  actions: {
    FLAT: 'no position',
    LONG_F1: 'long the front contract',
    SHORT_F1: 'short the front contract',
    SPREAD_L1_S2: 'long the front, short the second contract (gains when backwardation steepens)',
    SPREAD_S1_L2: 'short the front, long the second contract (gains when contango steepens)',
    FLY_L1_S2_L3: 'long front and third, short two of the second (curvature)'
  },
  // The notebook has no LLM switches in its config: a run with an agent asks it on the lab's cadence.
  settings: (c) => ({ decisionEvery: c.decision_every }),
  context: (o, step) => ({
    t: o.t,
    spot: round(o.spot),
    inventory: round(o.inventory),
    equity: round(o.equity, 2),
    drawdown: round(o.drawdown),
    curve_features: { slope_1_6: round(o.slope16, 5), slope_1_12: round(o.slope112, 5), contango_score: round(o.contangoScore), roll_long_front: round(o.rollLongFront, 5) },
    last_action: step.lastAction
  })
}
