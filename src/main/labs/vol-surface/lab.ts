import { wholeRunReport, type Lab } from '../../engine/kernel'
import { stressLabels } from '../price-series'
import { VOL_SURFACE_PRESETS, VolSurfaceConfigSchema, volSurfaceStressMenu, type VolSurfaceConfig } from './config'
import { volSurfaceExecution } from './execution'
import { CALM, STRESS } from './market'
import { volSurfaceReport } from './metrics'
import { LEGS, VOL_SURFACE_ACTIONS, VolSurfaceObservation, baselinePolicy, constrainedTarget, type VolSurfaceAction } from './policy'
import { bookGreeks, volSurfaceAt, volSurfaceMarket, type VolSurfaceMarket } from './surface'

// Chapter 6 wired into the kernel (book ch.6; notebook cells 3–9). The notebook's loop runs
// t = 1 … T−1: it decides on the state at t, trades, books the pre-trade book's P&L over t−1 → t
// less the cost, equity ← equity + (pnl − cost). Kernel step k is the notebook's t = k + 1: step 0
// marks nothing (the book starts flat), step k ≥ 1 marks the book carried from k − 1 over
// t − 1 → t. An additive ledger with no closing mark; equity agrees with the notebook's to the
// last bits (the kernel adds the mark and then the cost, the notebook their difference once).

/** The P&L components the mark writes, in the order the notebook sums them (cell 5, step_pnl). */
export const PNL_COMPONENTS = ['carry', 'vega', 'calendar', 'convexity'] as const

const REPORT_COLUMNS = ['regime', 'action', 'source', 'position', 'markPnl', 'pnlByComponent', 'cost', 'costByComponent', 'equity'] as const

export const volSurfaceLab: Lab<VolSurfaceConfig, VolSurfaceMarket, VolSurfaceObservation, VolSurfaceAction> = {
  id: 'vol-surface',
  title: 'Volatility surface — implied-vol economics',
  origin: { kind: 'book', chapter: 6, notebook: 'notebooks/CHAPTER_6.ipynb' },
  description:
    'The variance risk premium against convexity: a tenor × moneyness implied-vol grid over calm, transition and stress regimes with mean-reverting vol, regime vol-of-vol and spot jumps; short vol earns carry in calm and pays for tails in stress; flat, long, short and calendar vol under a trade-rate limit, a leverage cap and a drawdown stop. Corrected: short tenors react to vol-of-vol and jumps, the calendar trades the measured term slope, impact scales with equity, the stop de-risks, and the book is read in Black–Scholes vega and gamma.',
  selfDescription: {
    // The notebook caps gross units per million of the equity before the step, inside its
    // action_to_trade (rate limit → clip → cap); the kernel's gross-notional cap cannot say that,
    // so the lab applies it in its target and declares no kernel cap.
    leverageCapPath: null,
    surface: { layout: 'grid', phaseSpace: false },
    suggestedSweep: {
      axes: [
        { path: 'strategy_params.convexity_coeff', values: [3000, 6000, 9000, 12000] },
        { path: 'strategy_params.theta_carry_calm', values: [110, 220, 330, 440] }
      ],
      metric: 'Final equity',
      why: 'Carry against convexity: where the short-vol premium stops paying for its tails (book ch.6 lesson).'
    }
  },
  config: { schema: VolSurfaceConfigSchema, presets: VOL_SURFACE_PRESETS },
  actions: VOL_SURFACE_ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  finalMark: false,
  seed: (c) => c.seed,
  // notebook cell 9: for t in range(1, T)
  steps: (c) => c.T - 1,
  regimes: (c) => c.regimes.names,
  // notebook cell 5: equity starts at initial_equity and adds P&L in currency
  ledger: (c) => ({ mode: 'additive', initialEquity: c.risk_params.initial_equity }),
  decisionEvery: (c) => c.policy_params.decision_every,

  market: (c) => volSurfaceMarket(c),
  regimeAt: (m, k) => m.regime[k + 1]!,
  /**
   * notebook cell 5 (step_pnl): the book (o, c) carried into t earns carry −o·θ(regime_t), vega
   * o·8500·ΔIV_ATM30, calendar c·6000·Δslope and, short vol only, −9000·(|dS/S| − 0.018)⁺²·|o|.
   */
  mark(m, k, position, c, out) {
    const t = k + 1
    const sp = c.strategy_params
    const o = position[0]!
    const cal = position[1]!
    const r = m.regime[t]!
    const theta = r === CALM ? sp.theta_carry_calm : r === STRESS ? sp.theta_carry_stress : sp.theta_carry_transition
    const f = m.features
    out[0] = -o * theta
    out[1] = o * sp.vega_pnl_scale * (f.ivAtm30[t]! - f.ivAtm30[t - 1]!)
    out[2] = cal * sp.calendar_sensitivity * (f.termSlope[t]! - f.termSlope[t - 1]!)
    const dS = m.spot[t]! / m.spot[t - 1]! - 1.0
    const tail = Math.max(0.0, Math.abs(dS) - sp.tail_threshold)
    out[3] = o < 0 ? -sp.convexity_coeff * (tail * tail) * Math.abs(o) : 0.0
  },
  observation: (c) => new VolSurfaceObservation(c),
  observe(context, o) {
    const { market: m, config: c } = context
    const t = context.t + 1
    // The equity the step starts from: the last step's marked equity less its cost, exactly as
    // the ledger settled it (the notebook's cap and the stop read it).
    if (context.t > 0) o.equity = o.markedEquity - context.lastCost
    o.markedEquity = context.equity
    o.peak = Math.max(o.peak, o.equity)
    if (c.corrections.drawdown_stop === 'de_risk' && !o.stopped && 1.0 - o.equity / Math.max(1e-12, o.peak) >= c.risk_params.max_dd_stop) o.stopped = true
    o.t = t
    o.regime = m.regime[t]!
    o.regimeName = c.regimes.names[o.regime] ?? String(o.regime)
    o.spot = m.spot[t]!
    o.vol = m.vol[t]!
    o.volOfVol = m.vov[t]!
    o.skew = m.skew[t]!
    o.jump = m.jump[t]!
    o.ivAtm30 = m.features.ivAtm30[t]!
    o.skewProxy = m.features.ivPut30[t]! - m.features.ivCall30[t]!
    o.termSlope = m.features.termSlope[t]!
    o.outright = context.position[0]!
    o.calendar = context.position[1]!
    o.leverage = (0 + Math.abs(o.outright) + Math.abs(o.calendar)) / Math.max(1e-12, o.equity / 1_000_000.0)
    o.lastAction = context.lastAction
    if (c.corrections.greeks === 'black_scholes') bookGreeks(m, t, o.outright, o.calendar, c, o)
  },
  baseline: (o) => baselinePolicy(o),
  target(action, o, context, out) {
    constrainedTarget(action, o, context.position, context.config, out)
  },
  // The notebook's constraints are all in its action_to_trade (the lab's target); its stop only
  // records the step (faithful) or de-risks through the target (corrected), so the gate is idle.
  risk: () => ({}),
  execution: volSurfaceExecution,
  surface: volSurfaceAt,

  // the columns the summary, tables and telemetry read (metrics.ts)
  report: (c, m) => wholeRunReport(volSurfaceLab, c, m, (run) => volSurfaceReport(run, c), REPORT_COLUMNS),
  stressMenu: volSurfaceStressMenu,
  priceSeries: {
    name: 'spot (the option underlying)',
    // transition and stress both count as stressed (not calm) for the two-state regime model
    series: (c) => {
      const m = volSurfaceMarket(c)
      return { closes: m.spot, labels: stressLabels(m.regime) }
    }
  }
}
