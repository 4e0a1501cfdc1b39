import { wholeRunReport, type Lab } from '../../engine/kernel'
import { CREDIT_SPREADS_PRESETS, CreditSpreadsConfigSchema, creditSpreadsStressMenu, type CreditSpreadsConfig } from './config'
import { creditSpreadsExecution } from './execution'
import { creditMarket, type CreditMarket } from './market'
import { creditSpreadsReport } from './metrics'
import { CREDIT_SPREADS_ACTIONS, CreditSpreadsObservation, LEGS, baselinePolicy, targetLegs, type CreditSpreadsAction } from './policy'
import { readSurfaceFeatures, spreadSurface } from './surface'

// Chapter 5 wired into the kernel (book ch.5; notebook cells 21–41). The notebook books at its
// iteration t the P&L of the position set at t over t → t+1 plus the cost at t; the kernel marks
// at step t the position carried from t−1 over t−1 → t. So the notebook's equity after iteration
// t is the kernel's markedEquity at step t+1, and after the last one the run's finalEquity
// (an additive ledger with a closing mark).

export const INITIAL_EQUITY = 1000

/** The P&L components the mark writes, in the order the kernel sums them. */
export const PNL_COMPONENTS = ['ig', 'hy', 'tilt', 'carry'] as const

const REPORT_COLUMNS = ['regime', 'action', 'source', 'trade', 'markPnl', 'cost', 'costByComponent', 'markedEquity', 'leverage'] as const

export const creditSpreadsLab: Lab<CreditSpreadsConfig, CreditMarket, CreditSpreadsObservation, CreditSpreadsAction> = {
  id: 'credit-spreads',
  title: 'Credit spreads — credit risk surface',
  origin: { kind: 'book', chapter: 5, notebook: 'notebooks/CHAPTER_5.ipynb' },
  description:
    'Carry from spread roll-down and compensation for default and liquidity risk, under regime-dependent hazard, liquidity withdrawal and correlation stress; IG/HY spread curves by tenor; level, curve-tilt and flat actions under a leverage cap and a drawdown stop.',
  selfDescription: {
    leverageCapPath: 'risk_params.max_leverage',
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'risk_params.max_leverage', values: [0.5, 1, 2, 3] }, { path: 'execution_params.cost_bps', values: [1, 3, 10, 30] }],
      metric: 'total_return',
      why: 'The leverage cap against the cost of trading the curves (book ch.5 experiments).'
    }
  },
  config: { schema: CreditSpreadsConfigSchema, presets: CREDIT_SPREADS_PRESETS },
  actions: CREDIT_SPREADS_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  // the position set at the last iteration earns its move over T−2 → T−1 (notebook cell 41)
  finalMark: true,
  seed: (c) => c.seed,
  // notebook cell 41: t = 0 … T−2, each booking t → t+1; the step budget replaces the wall clock
  steps: (c) => Math.min(c.T - 1, c.policy_params.step_budget ?? Number.POSITIVE_INFINITY),
  regimes: (c) => c.regimes.names,
  // notebook cell 21: equity starts at 1000 and adds the step's P&L in currency
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: (c) => c.policy_params.decision_every,

  market: (c) => creditMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  /**
   * P&L of holding `position` over t−1 → t, by leg. notebook cell 21 (pnl_step): level legs earn
   * pos × ΔP (faithful) or −pos × ΔP (corrected: long spread = long protection); the tilt earns
   * pos × Δ(0.6·slope_IG + 0.4·slope_HY)·5000; carry (corrected) accrues credit exposure × level × dt
   * from the level at the start of the interval.
   */
  mark(m, t, position, c, out) {
    const sign = c.corrections.spread_sign === 'notebook' ? 1 : -1
    const ig = position[0]!
    const hy = position[1]!
    const tilt = position[2]!
    const dIG = m.priceIG[t]! - m.priceIG[t - 1]!
    const dHY = m.priceHY[t]! - m.priceHY[t - 1]!
    const mixBefore = 0.6 * m.slopeIG[t - 1]! + 0.4 * m.slopeHY[t - 1]!
    const mixNow = 0.6 * m.slopeIG[t]! + 0.4 * m.slopeHY[t]!
    out[0] = sign * (ig * dIG)
    out[1] = sign * (hy * dHY)
    out[2] = tilt * ((mixNow - mixBefore) * 5000.0)
    out[3] = c.corrections.carry_accrual ? sign * (ig * m.levelIG[t - 1]! + hy * m.levelHY[t - 1]!) * c.dt : 0
  },
  observation: (c) => new CreditSpreadsObservation(c),
  observe(context, o) {
    const { market: m, t } = context
    o.t = t
    o.regime = context.config.regimes.names[m.regime[t]!]!
    readSurfaceFeatures(m, t, o)
    o.hazard = m.hazard[t]!
    o.liq = m.liq[t]!
    o.corr = m.corr[t]!
    o.levelIGMean = m.signals.levelIGMean[t]!
    o.levelHYMean = m.signals.levelHYMean[t]!
    o.hazardMean = m.signals.hazardMean[t]!
    o.slopeIGMedian = m.signals.slopeIGMedian[t]!
    o.leverage = context.leverage
  },
  baseline: baselinePolicy,
  // notebook cell 26: the budget shrinks with liquidity and correlation stress at t
  target: (action, o, _context, out) => targetLegs(action, o.liq, o.corr, out),
  // notebook cells 21, 41: clip each leg, then scale gross leverage to the cap; dd > stop flattens for good
  risk: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    maxLeverage: { cap: c.risk_params.max_leverage, mode: 'scale' },
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: true, onBreach: 'flatten' }
  }),
  execution: creditSpreadsExecution,
  surface: spreadSurface,

  // the columns the notebook's series, metrics and telemetry read (metrics.ts)
  report: (c, m) => wholeRunReport(creditSpreadsLab, c, m, (run) => creditSpreadsReport(run, c), REPORT_COLUMNS),
  stressMenu: creditSpreadsStressMenu
}
