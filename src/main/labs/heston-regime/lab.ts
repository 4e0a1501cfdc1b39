import type { ExecutionModel, LabDefinition, LabRun, StepContext, Surface } from '../../engine/kernel'
import type { LabModule } from '../lab-module'
import { HESTON_REGIME_PRESETS, HestonRegimeConfigSchema, resolveConfig, type HestonRegimeConfig } from './config'
import { baselineClassifier, modelClassifier, simulateHestonRegimeMarket, simulatePath, type HestonRegimeMarket, type RegimeClassifierFn } from './market'
import { hestonRegimeMetrics, hestonRegimeTelemetry } from './metrics'
import { HESTON_REGIME_ACTIONS, actionToTarget, baselinePolicy, type HestonRegimeAction, type HestonRegimeObservation } from './policy'

// The regime lab wired into the kernel (spec §5.6, Ch.9.2): one long/cash leg on the simulated
// asset, a compound book starting at 100, decided every bar on the signal of bar t − 1; the
// position set at t earns P_t → P_{t+1} (marked at t + 1). No closing mark, as the book's loop
// stops at n − 2.

type Context = StepContext<HestonRegimeConfig, HestonRegimeMarket, HestonRegimeAction>

/** Trailing points of the phase-space "worm" the surface carries (spec §3.4: the last 100 days). */
export const WORM_LENGTH = 100
const COORDINATES = ['price', 'momentum', 'variance10'] as const

/** spec §5.5: faithful 0.1% whenever the position changes; corrected 0.1% × |Δposition|. */
export function hestonRegimeExecution(config: HestonRegimeConfig): ExecutionModel<Context> {
  const fee = config.strategy.cost_per_flip
  const perFlip = config.corrections.cost_model === 'per_flip'
  return {
    name: perFlip ? '0.1% per flip (Ch.9.3)' : '0.1% × |Δposition|',
    components: ['fee'],
    cost(trade) {
      const size = Math.abs(trade[0] ?? 0)
      const total = size > 1e-12 ? (perFlip ? fee : fee * size) : 0
      return { total, components: { fee: total } }
    }
  }
}

/** spec §3.1 / §3.7: the observable phase space, (P, ΔP, Var10) for bars t − 99 … t (NaN before bar 0). */
export function phaseSpaceSurface(m: HestonRegimeMarket, t: number): Surface {
  const values = new Float64Array(WORM_LENGTH * 3).fill(Number.NaN)
  for (let k = 0; k < WORM_LENGTH; k++) {
    const bar = t - (WORM_LENGTH - 1 - k)
    if (bar >= 0) values.set(m.takens.subarray(bar * 3, bar * 3 + 3), k * 3)
  }
  return {
    name: 'phase_space',
    unit: 'price',
    axes: [
      { name: 'lag', unit: 'bars', labels: Array.from({ length: WORM_LENGTH }, (_, k) => `t-${WORM_LENGTH - 1 - k}`), values: Array.from({ length: WORM_LENGTH }, (_, k) => k - WORM_LENGTH + 1) },
      { name: 'coordinate', unit: '', labels: COORDINATES }
    ],
    values
  }
}

function observe(context: Context): HestonRegimeObservation {
  const { market: m, t, config } = context
  const prev = t - 1
  const position = context.position[0] ?? 0
  return {
    t,
    active: prev >= config.strategy.start_bar,
    pStable: prev >= 0 ? m.inference.pStable[prev]! : Number.NaN,
    filtered: prev >= 0 ? m.filtered[prev]! : -1,
    oodDistance: prev >= 0 ? m.inference.oodDistance[prev]! : Number.NaN,
    oodRadius: prev >= 0 ? m.inference.oodRadius[prev]! : Number.NaN,
    lastBarReturn: position * m.returns[t]!,
    position,
    strategy: config.strategy
  }
}

/** The lab with a given classifier: the baselines by default; an SSM plugs in the same way. */
export function createHestonRegimeLab(classify: RegimeClassifierFn = baselineClassifier): LabDefinition<HestonRegimeConfig, HestonRegimeMarket, HestonRegimeObservation, HestonRegimeAction> {
  return {
    id: 'heston-regime',
    title: 'Heston regimes — phase space and hysteresis',
    chapter: 4,
    description:
      'Heston bull/crash regimes (ρ −0.7, Euler–Maruyama) with per-bar labels; kinematic, Hurst and volatility features; a regime classifier giving P(stable); the RegimeFilter hysteresis, continuous sizing and guardrails, anchored walk-forward with one bar of decision latency.',
    configSchema: HestonRegimeConfigSchema,
    presets: HESTON_REGIME_PRESETS,
    actions: HESTON_REGIME_ACTIONS,
    flatAction: 'FLAT',
    legs: ['asset'],
    pnlComponents: ['price'],
    seedOf: (c) => c.seed,
    regimeNames: () => ['stable', 'crash'],
    // Ch.9.2: equity_curve = [100.0], compounded
    ledger: () => ({ mode: 'compound', initialEquity: 100 }),
    decisionEvery: () => 1,
    simulateMarket: (c) => simulateHestonRegimeMarket(c, classify),
    steps: (c) => c.n_steps,
    finalMark: false,
    regimeAt: (m, t) => m.labels[t]!,
    mark: (m, t, position) => ({ price: (position[0] ?? 0) * m.returns[t]! }),
    observe,
    surface: (m, t) => phaseSpaceSurface(m, t),
    baseline: (o) => baselinePolicy(o),
    actionToTarget: (action, _o, context) => Float64Array.of(actionToTarget(action, context.config)),
    // App. D.4 exposure law: the kernel has no order rejection, so a target above the cap is clipped to it and logged
    riskRules: (c) => ({ maxLeverage: { cap: c.strategy.max_leverage, mode: 'clip' } }),
    execution: hestonRegimeExecution
  }
}

export const hestonRegimeLab = createHestonRegimeLab()

export function hestonRegimeStressMenu(config: HestonRegimeConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const sw = config.switching
  return [
    { name: 'crashes twice as frequent', overrides: { 'switching.p_bull_to_crash': Math.min(1, 2 * sw.p_bull_to_crash) } },
    { name: 'crash vol-of-vol ξ 0.8 → 1.2', overrides: { 'heston.crash.xi': 1.2 } },
    { name: 'costs doubled', overrides: { 'strategy.cost_per_flip': 2 * config.strategy.cost_per_flip } },
    { name: 'leverage 1.2× when P(stable) > 0.9 (the book\'s "if allowed")', overrides: { 'strategy.leverage_full': 1.2 } },
    { name: 'two-state HMM classifier', overrides: { 'classifier.kind': 'hmm' } },
    { name: 'state-space regime model (ONNX)', overrides: { 'classifier.kind': 'ssm' } },
    { name: 'symmetric hysteresis (threshold 3)', overrides: { 'corrections.hysteresis': 'symmetric' } }
  ]
}

export const hestonRegimeModule: LabModule = {
  definition: hestonRegimeLab,
  selfDescription: {
    leverageCapPath: 'strategy.max_leverage',
    surface: { layout: 'coordinates', phaseSpace: true },
    regimePriceSeries: 'simulated Heston price',
    // the regime model was trained on this lab's seeds below 3000 (its card): 3000 is held out
    regimeModelHome: { preset: 'corrected', seed: 3000 },
    suggestedSweep: {
      axes: [{ path: 'strategy.max_leverage', values: [0.25, 0.5, 1, 1.5] }, { path: 'strategy.cost_per_flip', values: [0.0005, 0.001, 0.002, 0.005] }],
      metric: 'sharpe',
      why: 'The exposure cap against the cost of every flip the hysteresis allows (Ch.9.3).'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => hestonRegimeMetrics(run as LabRun<HestonRegimeMarket>, config as HestonRegimeConfig),
  telemetry: (run, config) => hestonRegimeTelemetry(run as LabRun<HestonRegimeMarket>, config as HestonRegimeConfig),
  stressMenu: (config) => hestonRegimeStressMenu(config as HestonRegimeConfig),
  requires: (config) => ((config as HestonRegimeConfig).classifier.kind === 'ssm' ? ['regime-model'] : []),
  withInputs: (inputs) => (inputs.regime ? createHestonRegimeLab(modelClassifier(inputs.regime)) : hestonRegimeLab),
  priceSeries: (config) => {
    const path = simulatePath(config as HestonRegimeConfig)
    return { name: 'simulated Heston price', closes: path.prices, labels: path.labels }
  }
}

export { resolveConfig }
