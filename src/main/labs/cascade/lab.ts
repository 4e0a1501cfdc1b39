import { wholeRunReport, type Lab } from '../../engine/kernel'
import { CASCADE_PRESETS, CascadeConfigSchema, REGIME_NAMES, cascadeStressMenu, type CascadeConfig } from './config'
import { PNL_COMPONENTS, cascadeExecution } from './execution'
import { CascadeRunState, INITIAL_EQUITY, cascadeMarket, initialPosition, type CascadeMarket } from './market'
import { cascadeReport } from './metrics'
import { CASCADE_ACTIONS, CascadeObservation, LEGS, baselinePolicy, constrainedTarget, observeInto, type CascadeAction } from './policy'
import { cascadeSurface } from './surface'

// Chapter 10 wired into the kernel (book ch.10; notebook cells 11–46). Kernel step t is the
// notebook's t: the system steps (precomputed: it never reads the agent), the baseline decides on
// the new state, the book trades at the new price, and P&L is the carried position times the
// price change, as PortfolioEnv.step books it.

const REPORT_COLUMNS = ['regime', 'action', 'source'] as const

/** The notebook's failure one step after its drawdown stop (faithful): the reason a halted run carries. */
export const NOTEBOOK_FAILURE = (stopAt: number): string =>
  `the notebook raises KeyError: 'dd' at t = ${stopAt + 1}: its drawdown stop fired at t = ${stopAt}, and a stopped PortfolioEnv.step returns no "dd" for the step log (cell 41)`

export const cascadeLab: Lab<CascadeConfig, CascadeMarket, CascadeObservation, CascadeAction> = {
  id: 'cascade',
  title: 'Systemic stress — cascade simulator on an institution network',
  origin: { kind: 'book', chapter: 10, notebook: 'notebooks/CHAPTER_10.ipynb' },
  description:
    'Eighteen leveraged institutions linked by an exposure network: funding stress and margin tightness (three Markov regimes) turn thin buffers into distress, distress spreads along the exposures, forced sales push the price down and cascade pressure makes every trade dearer. One risky position is held, delevered or exited by a pressure-and-funding rule under a position limit, a leverage cap and a drawdown stop. The faithful preset keeps the notebook’s 0.80-unit position against 1,000,000 of equity, impact that never marks the institutions, forced sales unbounded by holdings, and its KeyError one step after the drawdown stop (the run halts there, the reason named); the corrected preset fixes each.',
  selfDescription: {
    // the cap bounds |position|·price/equity inside target(): no kernel leverage rule reads it
    leverageCapPath: null,
    surface: { layout: 'network', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'market_params.contagion_alpha', values: [0.1, 0.35, 0.7, 1.4] }, { path: 'market_params.impact_kappa', values: [0.09, 0.18, 0.36] }],
      metric: 'Total return',
      why: 'Contagion strength against impact sensitivity: where the network starts to amplify a shock into the price (book ch.10 experiments; run it on the corrected preset, where the position is sized to equity).'
    }
  },
  config: { schema: CascadeConfigSchema, presets: CASCADE_PRESETS },
  actions: CASCADE_ACTIONS,
  flatAction: 'EMERGENCY_EXIT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.T,
  regimes: () => REGIME_NAMES,
  // notebook cell 41: equity 1,000,000, P&L and costs in currency
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: () => 1,

  market: (c) => cascadeMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  // notebook cell 21: pnl = pos·(price − last_price) on the carried book (step 0: at execution)
  mark(m, t, position, _c, out) {
    out[0] = position[0]! * (m.price[t]! - m.price[t - 1]!)
  },
  // a fresh notebook portfolio per run: observe, target, execution, halt and report share it
  observation(c, m) {
    m.run = new CascadeRunState(c.T, initialPosition(c))
    return new CascadeObservation(m.run)
  },
  observe: observeInto,
  baseline: baselinePolicy,
  target: constrainedTarget,
  // corrected: the stop flattens the book through the cost model and the run goes on, flat
  risk: (c) => (c.corrections.stop === 'flatten_and_log' ? { drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: false, onBreach: 'flatten' } } : {}),
  execution: cascadeExecution,
  surface: cascadeSurface,
  // faithful: the notebook cannot log the step after its stop; the run ends where its log does
  halt(t, _book, c, m) {
    return c.corrections.stop === 'freeze_then_fail' && m.run.stopFlag[t] === 1 && t + 1 < c.T ? NOTEBOOK_FAILURE(t) : null
  },

  report: (c, m) => wholeRunReport(cascadeLab, c, m, (run) => cascadeReport(run, c), REPORT_COLUMNS),
  stressMenu: cascadeStressMenu
}
