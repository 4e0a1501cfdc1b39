import { wholeRunReport, type Lab } from '../../engine/kernel'
import { REGIME_NAMES, YIELD_CURVE_PRESETS, YieldCurveConfigSchema, yieldCurveStressMenu, type YieldCurveConfig } from './config'
import { PNL_COMPONENTS, bookPnl, yieldCurveExecution } from './execution'
import { INITIAL_EQUITY, YieldRunState, yieldMarket, type YieldMarket } from './market'
import { yieldCurveReport } from './metrics'
import { LEGS, YIELD_CURVE_ACTIONS, YieldCurveObservation, baselinePolicy, constrainedTarget, curveReadouts, observeInto, type YieldCurveAction } from './policy'
import { yieldSurface } from './surface'

// Chapter 4 wired into the kernel (book ch.4; notebook cells 21–46). The notebook's loop runs
// t = 1 … T−1: kernel step k is the notebook's t = k + 1. The notebook trades at t and then marks
// the new book over t−1 → t (a look-ahead); the faithful preset books that P&L at execution
// (execution.ts), the corrected preset marks the carried book before trading, as the kernel does.

const REPORT_COLUMNS = ['regime', 'action', 'position', 'cost', 'costByComponent', 'pnlByComponent', 'equity'] as const

export const yieldCurveLab: Lab<YieldCurveConfig, YieldMarket, YieldCurveObservation, YieldCurveAction> = {
  id: 'yield-curve',
  title: 'Yield curve dynamics — Nelson–Siegel curve, DV01-neutral trades',
  origin: { kind: 'book', chapter: 4, notebook: 'notebooks/CHAPTER_4.ipynb' },
  description:
    'Policy pins the front end, a term premium reprices the long end and stress couples curve moves to liquidity, under four Markov regimes. A Nelson–Siegel curve over a tenor grid with 2Y/10Y/30Y bonds (price, DV01, convexity); DV01-neutral steepener, flattener and butterfly books chosen on the z-scores of 2s10 and the 2s10s30 fly, under DV01 limits, a leverage cap, a delever rule and a drawdown stop. The faithful preset keeps the notebook’s look-ahead P&L, inverted slope names, drifting level factor, floor-bound liquidity, gross carry and negligible costs; the corrected preset fixes each.',
  selfDescription: {
    // the cap scales trades on gross market value over equity, inside target(): no kernel leverage rule reads it
    leverageCapPath: null,
    surface: { layout: 'curve', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'execution_params.cost_bps', values: [0.8, 5, 20, 80] }, { path: 'risk_params.max_leverage', values: [1.1, 2.2, 4.4] }],
      metric: 'Sharpe (synthetic scaling)',
      why: 'Execution cost against the leverage cap: where costs start to dominate the curve trades (book ch.4 experiments).'
    }
  },
  config: { schema: YieldCurveConfigSchema, presets: YIELD_CURVE_PRESETS },
  actions: YIELD_CURVE_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  // notebook CELL 9: for t in range(1, T)
  steps: (c) => c.T - 1,
  regimes: () => REGIME_NAMES,
  // notebook cell 21: Portfolio(cash = eq = 1,000,000); equity adds the step's P&L in currency
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: () => 1,

  market: (c) => yieldMarket(c),
  regimeAt: (m, t) => m.regime[t + 1]!,
  /**
   * The book carried into step t over nt−1 → nt (nt = t + 1). faithful: nothing here (the notebook
   * books the interval on the book traded at nt, at execution); corrected: price, carry and funding
   * on the carried book, funding on the equity before the interval.
   */
  mark(m, t, position, c, out) {
    if (c.corrections.pnl_timing === 'lookahead') {
      out[0] = 0
      out[1] = 0
      out[2] = 0
      return
    }
    bookPnl(m, t + 1, position[0]!, position[1]!, position[2]!, m.run.equity, c, out)
  },
  // a fresh run state per run: the observation, target, execution and report of that run share it
  observation(c, m) {
    m.run = new YieldRunState(c.T - 1, INITIAL_EQUITY)
    return new YieldCurveObservation(c, m.run, INITIAL_EQUITY)
  },
  observe: observeInto,
  baseline: baselinePolicy,
  target: constrainedTarget,
  // notebook CELL 9: dd = eq/peak − 1 < −max_dd_stop after a step stops the policy for good (FLAT from the next step)
  risk: (c) => ({ drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: true, onBreach: 'flatten' } }),
  execution: yieldCurveExecution,
  // the curve at step t is the notebook's curve at t + 1, as every other column of the step
  surface: (m, t, c) => ({ ...yieldSurface(m, t + 1, c), features: curveReadouts(m, t, c) }),

  report: (c, m) => wholeRunReport(yieldCurveLab, c, m, (run) => yieldCurveReport(run, c), REPORT_COLUMNS),
  stressMenu: yieldCurveStressMenu
}
