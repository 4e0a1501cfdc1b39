import { issuesFromZod } from '../../../shared/contract'
import { deepMerge, setPath, type LabDefinition, type LabRun, type StepContext } from '../../engine/kernel'
import { RandomState } from '../../engine/rng/mt19937'
import { LabConfigError, type LabModule } from '../lab-module'
import { PNL_COMPONENTS, creditExecution, markPosition } from './book'
import { CreditSpreadsConfig, creditSpreadsPresets } from './config'
import { buildMarket, simulateState, type MarketPath, type StatePath } from './market'
import { ACTIONS, LEGS, baselinePolicy, baselineSignals, targetLegs, type BaselineSignals, type CreditAction, type CreditObservation } from './policy'
import { creditMetrics, creditTelemetry } from './report'
import { spreadSurface } from './surface'

// Chapter 5 wired into the kernel (book ch.5; notebook cells 21–41). The notebook books at its
// iteration t the P&L of the position set at t over t → t+1 plus the cost at t; the kernel marks
// at step t the position carried from t−1 over t−1 → t. So the notebook's equity after iteration
// t is the kernel's markedEquity at step t+1, and after the last one the run's finalEquity.

export type CreditMarket = MarketPath & { signals: BaselineSignals }
type Context = StepContext<CreditSpreadsConfig, CreditMarket, CreditAction>

export const INITIAL_EQUITY = 1000

/** The whole exogenous path: NumPy's legacy generator seeded once, as np.random.seed(seed). */
export function creditMarket(config: CreditSpreadsConfig, state?: StatePath): CreditMarket {
  const path = buildMarket(config, state ?? simulateState(config, new RandomState(config.seed)))
  return { ...path, signals: baselineSignals(path, config.corrections.baseline_warmup) }
}

function observe(context: Context): CreditObservation {
  const { market: m, t } = context
  return {
    t,
    regime: context.config.regimes.names[m.regime[t]!]!,
    creditBeta: m.creditBeta[t]!,
    hazard: m.hazard[t]!,
    liq: m.liq[t]!,
    corr: m.corr[t]!,
    levelIG: m.levelIG[t]!,
    levelHY: m.levelHY[t]!,
    slopeIG: m.slopeIG[t]!,
    slopeHY: m.slopeHY[t]!,
    levelIGMean: m.signals.levelIGMean[t]!,
    levelHYMean: m.signals.levelHYMean[t]!,
    hazardMean: m.signals.hazardMean[t]!,
    slopeIGMedian: m.signals.slopeIGMedian[t]!,
    leverage: context.leverage,
    maxLeverage: context.config.risk_params.max_leverage
  }
}

export const creditSpreadsLab: LabDefinition<CreditSpreadsConfig, CreditMarket, CreditObservation, CreditAction> = {
  id: 'credit-spreads',
  title: 'Credit spreads — credit risk surface',
  chapter: 5,
  description:
    'Carry from spread roll-down and compensation for default and liquidity risk, under regime-dependent hazard, liquidity withdrawal and correlation stress; IG/HY spread curves by tenor; level, curve-tilt and flat actions under a leverage cap and a drawdown stop.',
  configSchema: CreditSpreadsConfig,
  presets: creditSpreadsPresets,
  actions: ACTIONS,
  flatAction: 'FLAT',
  legs: LEGS,
  pnlComponents: PNL_COMPONENTS,
  seedOf: (c) => c.seed,
  regimeNames: (c) => c.regimes.names,
  ledger: () => ({ mode: 'additive', initialEquity: INITIAL_EQUITY }),
  decisionEvery: (c) => c.policy_params.decision_every,
  simulateMarket: (c) => creditMarket(c),
  // notebook cell 41: t = 0 … T−2, each booking t → t+1; the step budget replaces the wall clock
  steps: (c) => Math.min(c.T - 1, c.policy_params.step_budget ?? Number.POSITIVE_INFINITY),
  finalMark: true,
  regimeAt: (m, t) => m.regime[t]!,
  mark: markPosition,
  observe,
  surface: (m, t) => spreadSurface(m.spreadsIG, m.spreadsHY, m.tenorsDays, t),
  baseline: baselinePolicy,
  actionToTarget: (action, o) => targetLegs(action, o.liq, o.corr),
  // notebook cells 21, 41: clip each leg, then scale gross leverage to the cap; dd > stop flattens for good
  riskRules: (c) => ({
    positionLimit: c.risk_params.pos_limit,
    maxLeverage: { cap: c.risk_params.max_leverage, mode: 'scale' },
    drawdownStop: { threshold: c.risk_params.max_dd_stop, strict: true, onBreach: 'flatten' }
  }),
  execution: creditExecution
}

/** Defaults ← preset overrides ← user overrides (nested or dotted keys), then the schema. Throws LabConfigError. */
export function resolveConfig(preset: 'faithful' | 'corrected', overrides: Record<string, unknown> = {}): CreditSpreadsConfig {
  const presetDefinition = creditSpreadsPresets[preset]
  if (!presetDefinition) throw new LabConfigError('credit-spreads', [{ path: 'preset', message: `must be "faithful" or "corrected" (got ${JSON.stringify(preset)})` }])
  let user: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(overrides)) {
    user = key.includes('.') ? setPath(user, key, value) : deepMerge(user, { [key]: value })
  }
  const merged = deepMerge(deepMerge(CreditSpreadsConfig.parse({}), presetDefinition.overrides), user)
  const parsed = CreditSpreadsConfig.safeParse(merged)
  if (!parsed.success) throw new LabConfigError('credit-spreads', issuesFromZod(parsed.error, merged, 'config'))
  return parsed.data
}

/**
 * The book's stress runs, one dimension at a time against the frozen base (book §1.2 item 3;
 * ch.5 experiments: stress persistence, stress→impact coupling, drawdown stop and leverage cap).
 */
export function creditStressMenu(config: CreditSpreadsConfig): Array<{ name: string; overrides: Record<string, unknown> }> {
  const { markov_P: P, names } = config.regimes
  const stress = names.indexOf('liquidity_stress')
  // twice the chance of entering stress from each other regime, taken from staying put
  const moreStress = P.map((row, i) => row.map((p, j) => (i === stress ? p : j === stress ? Math.min(1, 2 * p) : j === i ? Math.max(0, p - (row[stress] ?? 0)) : p)))
  const ep = config.execution_params
  const mp = config.market_params
  const rp = config.risk_params
  return [
    { name: 'leverage cap halved', overrides: { 'risk_params.max_leverage': rp.max_leverage / 2 } },
    { name: 'costs and impact doubled', overrides: { 'execution_params.cost_bps': ep.cost_bps * 2, 'execution_params.slippage_lambda': ep.slippage_lambda * 2 } },
    { name: 'stress entered twice as often', overrides: { 'regimes.markov_P': moreStress } },
    { name: 'stress jumps 10× as likely and twice as large', overrides: { 'market_params.jump_intensity_stress': Math.min(1, mp.jump_intensity_stress * 10), 'market_params.jump_size_spread': mp.jump_size_spread * 2 } },
    { name: 'liquidity stress level +50%', overrides: { 'market_params.liq0': mp.liq0 * 1.5 } },
    { name: 'drawdown stop tightened to 5%', overrides: { 'risk_params.max_dd_stop': Math.min(rp.max_dd_stop, 0.05) } },
    { name: 'decision cadence 8 (the notebook LLM run)', overrides: { 'policy_params.decision_every': 8 } }
  ]
}

/** What the registry needs: the definition, config resolution, and the notebook's metrics and telemetry. */
export const creditSpreadsModule: LabModule = {
  definition: creditSpreadsLab,
  selfDescription: {
    leverageCapPath: 'risk_params.max_leverage',
    surface: { layout: 'grid', phaseSpace: false },
    regimePriceSeries: null,
    suggestedSweep: {
      axes: [{ path: 'risk_params.max_leverage', values: [0.5, 1, 2, 3] }, { path: 'execution_params.cost_bps', values: [1, 3, 10, 30] }],
      metric: 'total_return',
      why: 'The leverage cap against the cost of trading the curves (book ch.5 experiments).'
    }
  },
  resolveConfig: (preset, overrides) => resolveConfig(preset, overrides),
  metrics: (run, config) => creditMetrics(run as LabRun<CreditMarket>, config as CreditSpreadsConfig),
  telemetry: (run, config) => creditTelemetry(run as LabRun<CreditMarket>, config as CreditSpreadsConfig),
  stressMenu: (config) => creditStressMenu(config as CreditSpreadsConfig)
}
