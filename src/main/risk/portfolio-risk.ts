import { RISK_METHOD_NAMES, type RiskMethod } from '../../shared/contract/portfolio'
import { CancelledError } from '../engine/cancellation'
import { breaches, christoffersen, duEscanciano, kupiec, trafficLight, type TestResult, type Zone } from './backtests'
import { hrpWeights } from './hrp'
import { monteCarloHorizon, monteCarloPods } from './monte-carlo'
import { rollingFhsEwma, rollingFhsGarch, rollingHistorical, rollingMonteCarlo, rollingParametric, type RollingForecast } from './rolling'
import { correlation, covariance, equalWeights, fixedWeights, inverseVolWeights, riskContributions, riskParityWeights, volTargetWeights, type WeightScheme } from './weights'

/**
 * The risk desk's view of a portfolio of pods: today's weights by a scheme, the portfolio's
 * per-step returns under those weights (rebalanced every step, as a risk system applies
 * current holdings to history), and by every method the latest VaR/ES with its rolling
 * backtests — so the desk reads which model it would trust.
 */
export const RISK_METHODS = RISK_METHOD_NAMES
export type { RiskMethod }

export interface PortfolioRiskOptions {
  scheme: WeightScheme
  /** For `fixed`: one per pod, summing to 1. */
  fixed?: number[]
  /** For `vol-target`: the target volatility per step. */
  volTarget?: number
  confidence: number
  window: number
  /** Steps ahead of the latest figures; backtests always judge the one-step forecasts. */
  horizon: number
  refitEvery: number
  scenarios: number
  seed: number
}

export const DEFAULT_RISK_OPTIONS = { confidence: 0.99, window: 250, horizon: 1, refitEvery: 20, scenarios: 10_000, seed: 1 } as const

export interface MethodReport {
  var: number
  es: number
  breaches: number
  days: number
  backtests: {
    kupiec: TestResult
    christoffersen: { independence: TestResult; conditionalCoverage: TestResult }
    es: TestResult & { test: 'du-escanciano' }
    zone: { zone: Zone; breaches: number; days: number }
  }
}

export interface PortfolioRisk {
  weights: number[]
  volatility: number[]
  correlation: number[][]
  riskContributions: number[]
  totalReturn: { pods: number[]; portfolio: number }
  methods: Record<RiskMethod, MethodReport>
  /**
   * What a chart of VaR/ES bands over P&L needs, ready-made: the portfolio's per-step returns
   * and, per method, the one-step forecasts (index t forecasts return t; NaN before the first
   * window) and the steps that breached.
   */
  series: { returns: Float64Array; bands: Record<RiskMethod, { var: Float64Array; es: Float64Array; breaches: Int32Array }> }
  /** Monte Carlo of the pods jointly: per-pod GARCH, correlated shocks, the weighted sum. */
  podMonteCarlo: { var: number; es: number; scenarios: number }
}

export function schemeWeights(returns: readonly Float64Array[], o: Pick<PortfolioRiskOptions, 'scheme' | 'fixed' | 'volTarget' | 'window'>): { weights: Float64Array; cov: Float64Array } {
  const n = returns.length
  const T = returns[0]!.length
  const cov = covariance(returns, Math.max(0, T - o.window), T)
  switch (o.scheme) {
    case 'fixed':
      return { weights: fixedWeights(o.fixed ?? [], n), cov }
    case 'equal':
      return { weights: equalWeights(n), cov }
    case 'inverse-vol':
      return { weights: inverseVolWeights(cov, n), cov }
    case 'vol-target':
      return { weights: volTargetWeights(cov, n, o.volTarget ?? NaN), cov }
    case 'risk-parity':
      return { weights: riskParityWeights(cov, n), cov }
    case 'hrp':
      return { weights: hrpWeights(cov, n).weights, cov }
  }
}

function report(r: Float64Array, f: RollingForecast, o: PortfolioRiskOptions, latestScale: number): MethodReport {
  const n = r.length
  const p = 1 - o.confidence
  const hits = breaches(r, f.var, o.window, n)
  const k = kupiec(hits, p)
  const c = christoffersen(hits, p)
  // The traffic light reads the most recent 250 forecast days (fewer when the history is short).
  const zoneDays = Math.min(250, hits.length)
  const zoneBreaches = hits.subarray(hits.length - zoneDays).reduce((s, h) => s + h, 0)
  return {
    var: f.var[n]! * latestScale,
    es: f.es[n]! * latestScale,
    breaches: k.breaches,
    days: k.days,
    backtests: {
      kupiec: { statistic: k.statistic, pValue: k.pValue },
      christoffersen: { independence: c.independence, conditionalCoverage: c.conditionalCoverage },
      es: { test: 'du-escanciano', ...pick(duEscanciano(f.pit, o.window, n, p)) },
      zone: { zone: trafficLight(zoneBreaches, zoneDays, p), breaches: zoneBreaches, days: zoneDays }
    }
  }
}

const pick = (t: TestResult): TestResult => ({ statistic: t.statistic, pValue: t.pValue })

/** The whole computation at once, on the caller's thread (the CLI, the memo, tests). */
export function portfolioRisk(returns: readonly Float64Array[], o: PortfolioRiskOptions): PortfolioRisk {
  const steps = riskSteps(returns, o)
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value
}

/** Where a stepped computation reports and yields: the engine service's progress events and event-loop turns. */
export interface RiskHost {
  onProgress(done: number, total: number, label: string): void
  yieldControl(): Promise<void>
  signal?: AbortSignal
}

/**
 * The same computation a stage at a time, reporting after each and yielding between them, so
 * the process that runs it (the engine service) answers cancels and sends progress while a
 * large book's GARCH fits and Monte Carlo run (seconds for 50 pods × 100,000 scenarios).
 */
export async function portfolioRiskStepped(returns: readonly Float64Array[], o: PortfolioRiskOptions, host: RiskHost): Promise<PortfolioRisk> {
  const steps = riskSteps(returns, o)
  let done = 0
  for (;;) {
    if (host.signal?.aborted) throw new CancelledError()
    const step = steps.next()
    if (step.done) return step.value
    host.onProgress(++done, RISK_STAGES, step.value)
    await host.yieldControl()
  }
}

/** Stages riskSteps yields after: the five rolling methods beside Monte Carlo, then the joint pods' Monte Carlo. */
export const RISK_STAGES = 7

/** The computation as stages: yields each finished stage's label, returns the whole report. */
function* riskSteps(returns: readonly Float64Array[], o: PortfolioRiskOptions): Generator<string, PortfolioRisk> {
  const n = returns.length
  const T = returns[0]!.length
  if (T <= o.window) throw new RangeError(`the portfolio has ${T} returns; the window of ${o.window} leaves none to forecast and backtest`)
  const { weights, cov } = schemeWeights(returns, o)
  const r = new Float64Array(T)
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) r[t]! += weights[i]! * returns[i]![t]!
  const base = { confidence: o.confidence, window: o.window }
  const garch = { ...base, refitEvery: o.refitEvery }
  // Square-root-of-time for the horizon, except Monte Carlo, which simulates the horizon's paths.
  const sqrtH = Math.sqrt(o.horizon)
  const mc = rollingMonteCarlo(r, { ...garch, scenarios: o.scenarios, seed: o.seed })
  const mcReport = report(r, mc, o, 1)
  if (o.horizon > 1) {
    const path = monteCarloHorizon(mc.path.last, mc.path.variance[T]!, { confidence: o.confidence, horizon: o.horizon, scenarios: o.scenarios, seed: o.seed })
    mcReport.var = path.var
    mcReport.es = path.es
  }
  yield 'Monte Carlo (GARCH fits)'
  const historical = rollingHistorical(r, base)
  yield 'historical'
  const parametric = rollingParametric(r, base, false)
  yield 'parametric'
  const cornishFisher = rollingParametric(r, base, true)
  yield 'Cornish–Fisher'
  const fhsEwma = rollingFhsEwma(r, base)
  yield 'FHS-EWMA'
  const fhsGarch = rollingFhsGarch(r, garch)
  yield 'FHS-GARCH'
  const forecasts: Record<RiskMethod, RollingForecast> = { historical, parametric, 'cornish-fisher': cornishFisher, 'fhs-ewma': fhsEwma, 'fhs-garch': fhsGarch, 'monte-carlo': mc }
  const methods = Object.fromEntries(RISK_METHODS.map((m) => [m, m === 'monte-carlo' ? mcReport : report(r, forecasts[m], o, sqrtH)])) as Record<RiskMethod, MethodReport>
  const bands = Object.fromEntries(
    RISK_METHODS.map((m) => {
      const f = forecasts[m]
      const hits = breaches(r, f.var, o.window, T)
      const at: number[] = []
      hits.forEach((h, i) => h && at.push(o.window + i))
      return [m, { var: f.var.subarray(0, T), es: f.es.subarray(0, T), breaches: Int32Array.from(at) }]
    })
  ) as PortfolioRisk['series']['bands']
  const corr = correlation(cov, n)
  const growth = (x: Float64Array): number => x.reduce((g, v) => g * (1 + v), 1) - 1
  const joint = monteCarloPods(returns, weights, { confidence: o.confidence, window: o.window, horizon: o.horizon, scenarios: o.scenarios, seed: o.seed })
  yield 'Monte Carlo of the pods jointly'
  return {
    weights: Array.from(weights),
    volatility: Array.from({ length: n }, (_, i) => Math.sqrt(cov[i * n + i]!)),
    correlation: Array.from({ length: n }, (_, i) => Array.from(corr.subarray(i * n, (i + 1) * n))),
    riskContributions: Array.from(riskContributions(weights, cov, n)),
    totalReturn: { pods: returns.map(growth), portfolio: growth(r) },
    methods,
    series: { returns: r, bands },
    podMonteCarlo: { var: joint.var, es: joint.es, scenarios: joint.scenarios }
  }
}
