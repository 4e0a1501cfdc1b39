import { wholeRunReport, type Lab } from '../../engine/kernel'
import { EQUITY_FACTORS_PRESETS, EquityFactorsConfigSchema, REGIME_NAMES, equityFactorsStressMenu, type EquityFactorsConfig } from './config'
import { PNL_COMPONENTS, equityFactorsExecution } from './execution'
import { EquityRunState, INITIAL_EQUITY, equityMarket, type EquityMarket } from './market'
import { equityFactorsReport } from './metrics'
import { EQUITY_FACTORS_ACTIONS, EquityFactorsObservation, baselinePolicy, constrainedTarget, legNames, observeInto, type EquityFactorsAction } from './policy'
import { correlationSurface } from './surface'

// Chapter 7 wired into the kernel (book ch.7; notebook CELL 2–CELL 10). Kernel step t is the
// notebook's t. The notebook decides on the equity before the step, trades, and books the step's
// factor return on the pre-trade weights: the kernel's mark is 0 and execution books that P&L
// (execution.ts), so the policy sees what the notebook's does.

const REPORT_COLUMNS = ['source', 'trade', 'position', 'cost', 'costByComponent', 'equity', 'drawdown'] as const

export const equityFactorsLab: Lab<EquityFactorsConfig, EquityMarket, EquityFactorsObservation, EquityFactorsAction> = {
  id: 'equity-factors',
  title: 'Equity factors — correlation regimes and the diversification surface',
  origin: { kind: 'book', chapter: 7, notebook: 'notebooks/CHAPTER_7.ipynb' },
  description:
    'Eight synthetic equity factors under three correlation regimes: the regime sets a correlation level, a mean-reverting dispersion modulates it, and the covariance Σ_t = D·C_t·D moves with the equicorrelation surface C_t. Returns are drawn with NumPy’s SVD-based multivariate normal. The baseline runs a risk-scaled low-correlation basket, momentum rotation or a defensive subset, under position bounds, a gross-leverage cap and a drawdown stop; trades pay a linear L1 cost and a quadratic impact scaled by regime illiquidity. The faithful preset keeps the notebook’s impact λ 0.18 (a basket entry costs ~2% of equity) and its absorbing stop; the corrected preset calibrates λ, lets the stop cool down and re-enter, and computes the eigen-structure of C_t.',
  selfDescription: {
    // the cap scales targets inside target() (clip_and_scale), as the notebook does: no kernel leverage rule reads it
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'execution_params.slippage_lambda', values: [0.01, 0.03, 0.09, 0.18] }, { path: 'risk_params.max_dd_stop', values: [0.1, 0.22, 0.35] }],
      metric: 'final_equity',
      why: 'Execution severity against the drawdown stop: where impact, not the market, makes the stop the typical outcome (book ch.7 experiments 4–5).'
    }
  },
  config: { schema: EquityFactorsConfigSchema, presets: EQUITY_FACTORS_PRESETS },
  actions: EQUITY_FACTORS_ACTIONS,
  flatAction: 'FLAT',
  legs: legNames(8),
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  // notebook CELL 9: for t in range(T)
  steps: (c) => c.T,
  regimes: () => REGIME_NAMES,
  // notebook CELL 9: Portfolio(equity = 1,000,000); P&L and costs in currency
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: () => 1,

  market: (c) => equityMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  // the step's P&L is booked at execution on the pre-trade weights (execution.ts)
  mark(_m, _t, _position, _c, out) {
    out[0] = 0
  },
  // a fresh run state per run: the observation, execution and report of that run share it
  observation(c, m) {
    m.run = new EquityRunState(c.T)
    return new EquityFactorsObservation(c, m, m.run, INITIAL_EQUITY)
  },
  observe: observeInto,
  baseline: baselinePolicy,
  target: constrainedTarget,
  // notebook CELL 9 (3): dd_pre ≥ max_dd_stop forces FLAT; a flat book freezes equity, so the stop is absorbing.
  // corrected (cool_down): the lab's own stop in observe/target, which re-enters.
  risk: (c) => (c.corrections.stop_mode === 'absorbing' ? { drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'flatten' } } : {}),
  execution: equityFactorsExecution,
  surface: correlationSurface,

  report: (c, m) => wholeRunReport(equityFactorsLab, c, m, (run) => equityFactorsReport(run, c), REPORT_COLUMNS),
  stressMenu: equityFactorsStressMenu
}
