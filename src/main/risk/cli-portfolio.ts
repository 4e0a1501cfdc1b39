import { existsSync } from 'node:fs'
import { StoreOpenError, openDatabase } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { alignedReturns, PodInputError, readPod, type AlignmentRule } from './pods'
import { DEFAULT_RISK_OPTIONS, portfolioRisk, RISK_METHODS, type PortfolioRisk, type PortfolioRiskOptions } from './portfolio-risk'
import { fail, parseRunIds, parseWeights } from './cli-portfolio-args'
import { commandStoredPortfolio, type StoredPortfolioValues } from './cli-portfolio-store'
import { MORE_PORTFOLIO_COMMANDS, morePortfolioCommand, type MorePortfolioValues } from './cli-portfolio-more'

export { PortfolioUsageError } from './cli-portfolio-args'

export interface PortfolioRiskValues {
  db?: string
  runs?: string
  weights?: string
  confidence?: string
  window?: string
  horizon?: string
  align?: string
  target?: string
  scenarios?: string
  seed?: string
  series?: boolean
  json?: boolean
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback
  const v = Number(text)
  if (!/^\d+$/.test(text) || v < min || v > max) fail(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`)
  return v
}

export function parsePortfolioRiskOptions(values: PortfolioRiskValues): { runIds: number[]; align: AlignmentRule; options: PortfolioRiskOptions } {
  const ids = parseRunIds('risk', values.runs)
  const confidence = values.confidence === undefined ? DEFAULT_RISK_OPTIONS.confidence : Number(values.confidence)
  if (!(confidence > 0 && confidence < 1)) fail(`--confidence must be a number in (0, 1) such as 0.99 (got ${JSON.stringify(values.confidence)})`)
  const align = values.align ?? 'exact'
  if (align !== 'exact' && align !== 'common') fail(`--align must be exact or common (got ${JSON.stringify(values.align)})`)
  const weights = parseWeights(values.weights)
  let volTarget: number | undefined
  if (weights.scheme === 'vol-target') {
    volTarget = Number(values.target)
    if (!(volTarget > 0)) fail(`--weights vol-target needs --target, the volatility per step, > 0 (got ${JSON.stringify(values.target)})`)
  } else if (values.target !== undefined) fail('--target applies only to --weights vol-target')
  if (weights.scheme === 'fixed') {
    if (weights.fixed!.length !== ids.length) fail(`--weights lists ${weights.fixed!.length} weights for ${ids.length} runs`)
    const sum = weights.fixed!.reduce((a, b) => a + b, 0)
    if (Math.abs(sum - 1) > 1e-9) fail(`--weights must sum to 1 (got ${sum})`)
  }
  return {
    runIds: ids,
    align,
    options: {
      ...weights,
      ...(volTarget === undefined ? {} : { volTarget }),
      confidence,
      window: wholeNumber('--window', values.window, DEFAULT_RISK_OPTIONS.window, 20, 100_000),
      horizon: wholeNumber('--horizon', values.horizon, DEFAULT_RISK_OPTIONS.horizon, 1, 250),
      refitEvery: DEFAULT_RISK_OPTIONS.refitEvery,
      scenarios: wholeNumber('--scenarios', values.scenarios, DEFAULT_RISK_OPTIONS.scenarios, 100, 1_000_000),
      seed: wholeNumber('--seed', values.seed, DEFAULT_RISK_OPTIONS.seed, 0, 0xffff_ffff)
    }
  }
}

/** The bands as plain arrays, NaN (before the first window) as null so the JSON stays JSON. */
function seriesJson(series: PortfolioRisk['series']): { returns: number[]; bands: Record<string, { var: Array<number | null>; es: Array<number | null>; breaches: number[] }> } {
  const plain = (a: Float64Array): Array<number | null> => Array.from(a, (x) => (Number.isNaN(x) ? null : x))
  return {
    returns: Array.from(series.returns),
    bands: Object.fromEntries(Object.entries(series.bands).map(([m, b]) => [m, { var: plain(b.var), es: plain(b.es), breaches: Array.from(b.breaches) }]))
  }
}

/**
 * `mechanica portfolio risk --db FILE --runs 1,2,3 [--weights …] [--confidence 0.99] [--window 250]
 * [--horizon 1] [--align exact|common] [--series] [--json]`: reads the runs (read-only) and prints, per
 * method, the latest VaR and ES with the breach count and backtests.
 */
export function commandPortfolio(positionals: string[], values: PortfolioRiskValues & StoredPortfolioValues & MorePortfolioValues): void | Promise<void> {
  const [sub, extra] = positionals
  const more = morePortfolioCommand(sub)
  if (more) return more(positionals.slice(1), values, { fail })
  if (extra !== undefined) fail(`unexpected argument ${JSON.stringify(extra)}`)
  if (sub === 'create' || sub === 'show') return commandStoredPortfolio(sub, values)
  const known = ['risk', 'create', 'show', ...Object.keys(MORE_PORTFOLIO_COMMANDS)].join(', ')
  if (sub !== 'risk') fail(sub === undefined ? `portfolio needs a subcommand: ${known}` : `unknown portfolio subcommand ${JSON.stringify(sub)} (known: ${known})`)
  const file = values.db ?? fail('portfolio risk needs --db FILE')
  if (!existsSync(file)) fail(`${file} does not exist`)
  const { runIds, align, options } = parsePortfolioRiskOptions(values)
  let db
  let output
  try {
    db = openDatabase(file, { readonly: true })
    const repo = new RunsRepository(db)
    const pods = runIds.map((id) => readPod(repo, id))
    const { steps, returns } = alignedReturns(pods, align)
    if (returns[0]!.length <= options.window) fail(`the runs share ${returns[0]!.length} returns; --window ${options.window} leaves none to forecast and backtest`)
    const risk = portfolioRisk(returns, options)
    output = {
      runs: pods.map((p, i) => ({ runId: p.runId, lab: p.lab, preset: p.preset, resultsHash: p.resultsHash, weight: risk.weights[i], volatility: risk.volatility[i], riskContribution: risk.riskContributions[i], totalReturn: risk.totalReturn.pods[i] })),
      steps,
      align,
      weights: options.scheme,
      confidence: options.confidence,
      window: options.window,
      horizon: options.horizon,
      totalReturn: risk.totalReturn.portfolio,
      correlation: risk.correlation,
      methods: risk.methods,
      podMonteCarlo: risk.podMonteCarlo,
      ...(values.series ? { series: seriesJson(risk.series) } : {})
    }
  } catch (error) {
    if (error instanceof StoreOpenError || error instanceof PodInputError || error instanceof RangeError) fail(error.message)
    throw error
  } finally {
    db?.close()
  }
  if (values.json) {
    console.log(JSON.stringify(output, null, 2))
    return
  }
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`
  console.log(`portfolio of ${output.runs.length} runs (${output.weights} weights), ${output.steps} steps; ${options.horizon}-step VaR/ES at ${options.confidence}`)
  for (const r of output.runs) console.log(`  #${r.runId} ${r.lab.padEnd(16)} weight ${r.weight!.toFixed(4)}  risk ${pct(r.riskContribution!)}`)
  console.log(['method', 'VaR', 'ES', 'breaches', 'kupiec p', 'cc p', 'es p', 'zone'].join('\t'))
  for (const m of RISK_METHODS) {
    const x = output.methods[m]
    console.log([m, pct(x.var), pct(x.es), `${x.breaches}/${x.days}`, x.backtests.kupiec.pValue.toFixed(3), x.backtests.christoffersen.conditionalCoverage.pValue.toFixed(3), x.backtests.es.pValue.toFixed(3), x.backtests.zone.zone].join('\t'))
  }
}
