import { wholeRunReport, type Lab } from '../../engine/kernel'
import { CROSS_ASSET_PRESETS, CrossAssetConfigSchema, REGIME_NAMES, crossAssetStressMenu, type CrossAssetConfig } from './config'
import { PNL_COMPONENTS, crossAssetExecution } from './execution'
import { crossAssetMarket, type CrossAssetMarket } from './market'
import { crossAssetReport } from './metrics'
import { CROSS_ASSET_ACTIONS, CrossAssetObservation, LEGS, baselinePolicy, observeInto, targetOf, type CrossAssetAction } from './policy'
import { observedSurface } from './surface'

// Chapter 9 wired into the kernel (book ch.9; notebook CELL 2–10). Kernel step t is the
// notebook's t. The env checks its drawdown stop and the policy reads the drawdown before the
// step's P&L, so the P&L of the carried book over r_t is booked at execution (execution.ts) and
// the kernel's mark is empty: the kernel's equity before deciding is the env's.

const REPORT_COLUMNS = ['regime', 'action', 'trade', 'pnlByComponent', 'cost', 'costByComponent', 'equity', 'drawdown', 'leverage'] as const

export const crossAssetLab: Lab<CrossAssetConfig, CrossAssetMarket, CrossAssetObservation, CrossAssetAction> = {
  id: 'cross-asset',
  title: 'Cross-asset macro coupling — observed correlation surface',
  origin: { kind: 'book', chapter: 9, notebook: 'notebooks/CHAPTER_9.ipynb' },
  description:
    'A latent stress factor couples equity, rates, credit and FX under calm, transition and stress regimes with fatter tails and dearer liquidity in stress. The surface is the observed cross-asset correlation of a rolling covariance, read through average correlation, top-eigenvalue share and the equity–rates hedge correlation; RISK_ON, RISK_OFF and NEUTRAL sleeves are sized by inverse volatility with a coupling penalty, under position bounds, an L1 leverage cap and a drawdown stop. The faithful preset keeps the notebook’s inverted stress sign, covariance-based signed summaries, 60-step window and silent stop; the corrected preset fixes each.',
  selfDescription: {
    leverageCapPath: 'risk_params.max_leverage',
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [{ path: 'surface_params.roll_window', values: [10, 20, 40, 60] }, { path: 'baseline_params.eig_hi', values: [0.5, 0.58, 0.7, 0.85] }],
      metric: 'final_equity',
      why: 'The estimation window against the one-trade threshold: where the observed coupling starts to separate regimes (book ch.9 §5.9).'
    }
  },
  config: { schema: CrossAssetConfigSchema, presets: CROSS_ASSET_PRESETS },
  actions: CROSS_ASSET_ACTIONS,
  flatAction: 'NEUTRAL',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  // notebook CELL 9: for t in range(T)
  steps: (c) => c.T,
  regimes: () => REGIME_NAMES,
  // notebook CELL 5: equity 1.0, E ← E·(1 + pnl − costs)
  ledger: () => ({ mode: 'compound', initialEquity: 1.0 }),
  decisionEvery: () => 1,

  market: (c) => crossAssetMarket(c),
  regimeAt: (m, t) => m.regime[t]!,
  // the carried book's P&L is booked at execution (execution.ts)
  mark(_m, _t, _position, _c, out) {
    out[0] = 0
  },
  observation: (c) => new CrossAssetObservation(c),
  observe: observeInto,
  baseline: baselinePolicy,
  target: targetOf,
  // notebook CELL 5: clip to ±pos_limit, then scale to the L1 cap; its stop zeroes the target before
  // both (policy.ts). corrected: the kernel's stop, logged, holding the book flat from the breach.
  risk: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    maxLeverage: { cap: c.risk_params.max_leverage, mode: 'scale' },
    ...(c.corrections.stop_in_log === 'logged' ? { drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: true, onBreach: 'flatten' as const } } : {})
  }),
  execution: crossAssetExecution,
  surface: (m, t, c) => observedSurface(m, t, c.assets, c),

  report: (c, m) => wholeRunReport(crossAssetLab, c, m, (run) => crossAssetReport(run, c), REPORT_COLUMNS),
  stressMenu: crossAssetStressMenu
}
