import { wholeRunReport, type Lab, type LabRequirement } from '../../engine/kernel'
import { HESTON_REGIME_PRESETS, HestonRegimeConfigSchema, hestonRegimeStressMenu, type HestonRegimeConfig } from './config'
import { hestonRegimeExecution } from './execution'
import { REGIME_NAMES, hestonRegimeMarket, simulatePath, type HestonRegimeMarket } from './market'
import { hestonRegimeReport } from './metrics'
import { HESTON_REGIME_ACTIONS, HestonRegimeObservation, actionToTarget, baselinePolicy, type HestonRegimeAction } from './policy'
import { phaseSpaceSurface, readRegimeFeatures } from './surface'

// The regime lab wired into the kernel (spec §5.6, Ch.9.2): one long/cash leg on the simulated
// asset, a compound book starting at 100, decided every bar on the signal of bar t − 1; the
// position set at t earns P_t → P_{t+1} (marked at t + 1). No closing mark, as the book's loop
// stops at n − 2. The classifier is a config key: the baselines walk forward inside the
// market; the shipped SSM's output is computed by main and arrives as the run's input.

const NO_INPUTS: readonly LabRequirement[] = Object.freeze([])
const REGIME_MODEL: readonly LabRequirement[] = Object.freeze(['regime-model'])

export const hestonRegimeLab: Lab<HestonRegimeConfig, HestonRegimeMarket, HestonRegimeObservation, HestonRegimeAction> = {
  id: 'heston-regime',
  title: 'Heston regimes — phase space and hysteresis',
  origin: { kind: 'seed', seed: '001 "Modeling Financial Chaos" (Heston regimes, RegimeFilter strategy)' },
  description:
    'Heston bull/crash regimes (ρ −0.7, Euler–Maruyama) with per-bar labels; kinematic, Hurst and volatility features; a regime classifier giving P(stable); the RegimeFilter hysteresis, continuous sizing and guardrails, anchored walk-forward with one bar of decision latency.',
  selfDescription: {
    leverageCapPath: 'strategy.max_leverage',
    surface: { layout: 'coordinates', phaseSpace: true },
    // the regime model was trained on this lab's seeds below 3000 (its card): 3000 is held out
    regimeModelHome: { preset: 'corrected', seed: 3000 },
    suggestedSweep: {
      axes: [{ path: 'strategy.max_leverage', values: [0.25, 0.5, 1, 1.5] }, { path: 'strategy.cost_per_flip', values: [0.0005, 0.001, 0.002, 0.005] }],
      metric: 'sharpe',
      why: 'The exposure cap against the cost of every flip the hysteresis allows (Ch.9.3).'
    }
  },
  config: { schema: HestonRegimeConfigSchema, presets: HESTON_REGIME_PRESETS },
  actions: HESTON_REGIME_ACTIONS,
  flatAction: 'FLAT',
  legs: ['asset'],
  pnlComponents: ['price'],
  finalMark: false,
  seed: (c) => c.seed,
  steps: (c) => c.n_steps,
  regimes: () => REGIME_NAMES,
  // Ch.9.2: equity_curve = [100.0], compounded
  ledger: () => ({ mode: 'compound', initialEquity: 100 }),
  decisionEvery: () => 1,

  // refuses classifier.kind "ssm" without inputs.regime (SsmInputMissingError)
  market: (c, inputs) => hestonRegimeMarket(c, inputs),
  regimeAt: (m, t) => m.labels[t]!,
  // Ch.9.2: the position held into t earns the bar's simple return P_t/P_{t−1} − 1
  mark(m, t, position, _c, out) {
    out[0] = position[0]! * m.returns[t]!
  },
  observation: (c) => new HestonRegimeObservation(c),
  observe(context, o) {
    const position = context.position[0]!
    o.t = context.t
    o.position = position
    readRegimeFeatures(context.market, context.t, position, context.config.strategy.start_bar, o)
  },
  baseline: (o) => baselinePolicy(o),
  target(action, _o, context, out) {
    out[0] = actionToTarget(action, context.config)
  },
  // App. D.4 exposure law: the kernel has no order rejection, so a target above the cap is clipped to it and logged
  risk: (c) => ({ maxLeverage: { cap: c.strategy.max_leverage, mode: 'clip' } }),
  execution: hestonRegimeExecution,
  surface: (m, t) => phaseSpaceSurface(m, t),

  report: (c, m) => wholeRunReport(hestonRegimeLab, c, m, (run) => hestonRegimeReport(run, c)),
  stressMenu: hestonRegimeStressMenu,
  priceSeries: {
    name: 'simulated Heston price',
    series: (c) => {
      const path = simulatePath(c)
      return { closes: path.prices, labels: path.labels }
    }
  },
  requires: (c) => (c.classifier.kind === 'ssm' ? REGIME_MODEL : NO_INPUTS)
}
