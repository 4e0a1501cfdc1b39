import { wholeRunReport, type Lab } from '../../engine/kernel'
import { CURVE_LABELS, OIL_CURVE_PRESETS, OilCurveConfigSchema, oilCurveStressMenu, type OilCurveConfig } from './config'
import { oilCurveExecution } from './execution'
import { LEG_COUNT, oilMarket, type OilMarket } from './market'
import { oilCurveReport } from './metrics'
import { LEGS, OIL_CURVE_ACTIONS, OilCurveObservation, baselinePolicy, targetContracts, type OilCurveAction } from './policy'
import { futuresPrice, futuresSurface, tenor } from './surface'

// Chapter 2 wired into the kernel (book ch.2; notebook cells 21–46). The notebook's iteration k
// decides on state k, trades to the target at state k's prices and pays the cost there, then
// moves the market and books pnl_step = Σ position_before_trade·(F(k+1) − F(k)). The kernel's
// step t = k does the same in its order: it marks at step t the interval t−1 → t (for the
// faithful preset on the book carried into t−1, the notebook's pre-trade position), then decides
// and trades. So the notebook's equity after iteration k is the kernel's marked equity at step
// k+1, and after the last iteration the final equity (an additive ledger with a closing mark).

/** The P&L components the mark writes, in the order the kernel sums them. */
export const PNL_COMPONENTS = ['price', 'roll'] as const

const REPORT_COLUMNS = ['action', 'cost', 'markPnl', 'markedEquity'] as const

export const oilCurveLab: Lab<OilCurveConfig, OilMarket, OilCurveObservation, OilCurveAction> = {
  id: 'oil-curve',
  title: 'Oil futures curve — contango, backwardation and roll',
  origin: { kind: 'book', chapter: 2, notebook: 'notebooks/CHAPTER 2.ipynb' },
  description:
    'The cost of carry F ≈ S·e^{(r+u−y)τ} with a convenience yield set by a mean-reverting inventory, a jumpy mean-reverting spot and a seasonal factor; a 12-month futures strip with its slopes, contango score and roll proxy; flat, outright, calendar-spread and butterfly actions under a gross leverage cap and a stop at half the notional. The notebook’s tenor-only seasonality keeps the curve in backwardation (faithful); the corrected preset puts seasonality in calendar time, adds a glut/tight inventory regime, marks the traded book and books roll yield.',
  selfDescription: {
    // the notebook's gross cap is in currency (Σ|contracts|·F vs equity), the gate's notional cap;
    // the kernel's leverage rule (and the views' cap line) bounds Σ|legs|, here contracts
    leverageCapPath: null,
    surface: { layout: 'curve', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'policy.thresh', values: [0.005, 0.01, 0.02, 0.04] }, { path: 'env.fee_bps', values: [0.75, 3, 10, 30] }],
      metric: 'final_equity',
      why: 'How selective the carry rule must be once trading costs rise (book ch.2 policy and cost experiments).'
    }
  },
  config: { schema: OilCurveConfigSchema, presets: OIL_CURVE_PRESETS },
  actions: OIL_CURVE_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  // the last iteration's P&L is the move T−1 → T (notebook cell 36)
  finalMark: true,
  seed: (c) => c.seed,
  steps: (c) => c.T,
  regimes: (c) => (c.corrections.inventory_regime ? c.regimes.names : [...CURVE_LABELS]),
  // notebook cell 21: equity = notional + Σ(pnl_step − costs)
  ledger: (c) => ({ mode: 'additive', initialEquity: c.env.notional }),
  decisionEvery: (c) => c.decision_every,

  market: (c) => oilMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  /**
   * P&L over t−1 → t, in currency. price: Σ book_i·(F_i(t) − F_i(t−1)) on the constant-maturity
   * points (notebook cell 21, pnl_step; NumPy's sum over the strip, whose untraded points add
   * zeros); the book is the one carried into t−1 (faithful: the notebook's pre-trade position) or
   * into t (corrected). roll (corrected): Σ book_i·(F_t(τ_i − dt) − F_t(τ_i)), each contract's
   * roll down the curve as it ages one step.
   */
  mark(m, t, position, c, out) {
    const book = c.corrections.mark_book === 'pre_trade' ? m.markBook : position
    const now = t * LEG_COUNT
    const before = now - LEG_COUNT
    const f = m.front
    out[0] = book[0]! * (f[now]! - f[before]!) + book[1]! * (f[now + 1]! - f[before + 1]!) + book[2]! * (f[now + 2]! - f[before + 2]!)
    let roll = 0
    if (c.corrections.roll_accrual) {
      const dt = c.market.dt
      for (let i = 0; i < LEG_COUNT; i++) roll += book[i]! * (futuresPrice(c, m.spot[t]!, m.cy[t]!, t, tenor(i + 1) - dt) - f[now + i]!)
    }
    out[1] = roll
  },
  observation: (c) => new OilCurveObservation(c),
  observe(context, o) {
    const { market: m, t, config: c } = context
    o.t = t
    o.spot = m.spot[t]!
    o.inventory = m.inventory[t]!
    o.cy = m.cy[t]!
    o.f1 = m.front[t * LEG_COUNT]!
    o.f2 = m.front[t * LEG_COUNT + 1]!
    o.f3 = m.front[t * LEG_COUNT + 2]!
    o.slope16 = m.slope16[t]!
    o.slope112 = m.slope112[t]!
    o.contangoScore = m.contangoScore[t]!
    o.rollLongFront = m.rollLongFront[t]!
    o.equity = context.equity
    // notebook cell 26: the agent updates its peak each time it is asked to decide
    if (t % c.decision_every === 0) o.peakEquity = Math.max(o.peakEquity, o.equity)
    o.drawdown = (o.peakEquity - o.equity) / o.peakEquity
  },
  baseline: (o) => baselinePolicy(o),
  target(action, o, context, out) {
    // the book carried into t: the faithful mark of step t+1 reads it (see OilMarket.markBook)
    context.market.markBook.set(context.position)
    targetContracts(action, o.f1, context.config, out)
  },
  // notebook cell 21: if Σ|target|·F > max_gross_leverage·equity the target is scaled to it (the
  // gross is NumPy's sum over the strip, whose untraded points add zeros: (a1 + a2) + a3 bit for
  // bit); done = equity <= 0.5·notional ends the run
  risk: (c) => ({
    notionalCap: { cap: c.env.max_gross_leverage, price: (m, t, leg) => (m as OilMarket).front[t * LEG_COUNT + leg]! },
    equityFloor: { level: 0.5 * c.env.notional }
  }),
  execution: oilCurveExecution,
  surface: futuresSurface,

  // the columns the notebook's summary reads (metrics.ts)
  report: (c, m) => wholeRunReport(oilCurveLab, c, m, (run) => oilCurveReport(run, c), REPORT_COLUMNS),
  stressMenu: oilCurveStressMenu
}
