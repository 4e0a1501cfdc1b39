import { existsSync } from 'node:fs'
import type { LabRunSpec } from '../../shared/contract'
import { StoreOpenError, openDatabase } from '../store/database'
import { RunsRepository } from '../store/runs-repository'
import { assetClassOf } from './asset-classes'
import { applyLimits, DEFAULT_LIMITS, type PortfolioLimits } from './limits'
import { lastLeverage } from './pod-leverage'
import { alignedReturns, PodInputError, readPod, type AlignmentRule } from './pods'
import { schemeWeights, type PortfolioRiskOptions } from './portfolio-risk'
import { applyShock, parseShock, pathSummary, reverseStress, weighted, type Shock } from './shocks'
import { stressMenus } from './stress-menus'
import { rethrowAsUsage, type Fail } from './cli-flags'

/** The flags `portfolio stress` reads beyond those `portfolio risk` shares with it. */
export interface StressValues {
  db?: string
  shock?: string[]
  'loss-limit'?: string
  limit?: string[]
  menus?: boolean
  json?: boolean
}

export type ParseRisk = (values: never) => { runIds: number[]; align: AlignmentRule; options: PortfolioRiskOptions }

const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as Array<keyof PortfolioLimits>

function parseLimits(items: readonly string[], fail: Fail): PortfolioLimits {
  const limits: PortfolioLimits = { ...DEFAULT_LIMITS }
  for (const item of items) {
    const [name, text] = item.split('=')
    if (!(LIMIT_NAMES as string[]).includes(name!)) fail(`--limit must be NAME=VALUE with NAME one of ${LIMIT_NAMES.join(', ')} (got ${JSON.stringify(item)})`)
    const v = Number(text)
    if (!(v > 0) || !Number.isFinite(v)) fail(`--limit ${name} must be a number > 0 (got ${JSON.stringify(text)})`)
    limits[name as keyof PortfolioLimits] = v
  }
  return limits
}

/**
 * `mechanica portfolio stress --db FILE --runs 1,2,3 [--weights …] [--shock corr=1|vol=2|regime=20]…
 * [--loss-limit 0.1] [--limit NAME=VALUE]… [--menus] [--json]`: the shocks and the reverse stress
 * of every kind against the loss limit (a maximum drawdown), the limits with the events they
 * log, and with --menus the members' stress menus re-run and re-aggregated.
 */
export async function commandStress(positionals: string[], values: StressValues, fail: Fail, parseRisk: ParseRisk): Promise<void> {
  if (positionals.length) fail(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const file = values.db ?? fail('portfolio stress needs --db FILE')
  if (!existsSync(file)) fail(`${file} does not exist`)
  const { runIds, align, options } = parseRisk(values as never)
  const lossLimit = values['loss-limit'] === undefined ? 0.1 : Number(values['loss-limit'])
  if (!(lossLimit > 0 && lossLimit < 1)) fail(`--loss-limit must be a fraction in (0, 1) such as 0.1 (got ${JSON.stringify(values['loss-limit'])})`)
  let shocks: Shock[]
  try {
    shocks = (values.shock ?? []).map(parseShock)
  } catch (error) {
    fail((error as Error).message)
  }
  const limits = parseLimits(values.limit ?? [], fail)
  let db
  let read
  try {
    db = openDatabase(file, { readonly: true })
    const repo = new RunsRepository(db)
    const pods = runIds.map((id) => readPod(repo, id))
    const specs = runIds.map((id) => repo.get(id)!.spec as LabRunSpec)
    const leverage = pods.map((p) => lastLeverage(repo, p.runId, p.equity.length))
    read = { pods, specs, leverage, ...alignedReturns(pods, align) }
  } catch (error) {
    if (error instanceof StoreOpenError || error instanceof PodInputError) fail(error.message)
    throw error
  } finally {
    db?.close()
  }
  const { pods, specs, leverage, returns } = read
  let output
  try {
    const weights = Array.from(schemeWeights(returns, options).weights)
    const base = pathSummary(weighted(returns, weights))
    const menus = values.menus ? await stressMenus(pods.map((p, i) => ({ runId: p.runId, spec: specs[i]! })), returns, weights, lossLimit, (done, total) => values.json || process.stderr.write(`stress: ${done}/${total} runs\n`)) : null
    output = {
      runs: pods.map((p, i) => ({ runId: p.runId, lab: p.lab, assetClass: assetClassOf(p.lab), weight: weights[i], leverage: leverage[i] })),
      steps: read.steps,
      weights: options.scheme,
      lossLimit,
      base: { ...base, breaches: base.maxDrawdown >= lossLimit },
      shocks: shocks.map((shock) => {
        const s = pathSummary(weighted(applyShock(returns, weights, shock), weights))
        return { shock, ...s, breaches: s.maxDrawdown >= lossLimit }
      }),
      reverse: (['corr', 'vol', 'regime'] as const).map((kind) => reverseStress(returns, weights, kind, lossLimit)),
      limits: { set: limits, ...applyLimits(weights, { labs: pods.map((p) => p.lab), assetClasses: pods.map((p) => assetClassOf(p.lab)), leverage, returns }, limits) },
      ...(menus ? { menus } : {})
    }
  } catch (error) {
    rethrowAsUsage(fail, error)
  }
  if (values.json) {
    console.log(JSON.stringify(output, null, 2))
    return
  }
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`
  console.log(`portfolio of ${output.runs.length} runs (${output.weights} weights), ${output.steps} steps; loss limit: a ${pct(lossLimit)} drawdown`)
  console.log(['scenario', 'total return', 'max drawdown', 'worst step', 'breaches'].join('\t'))
  const row = (name: string, s: { totalReturn: number; maxDrawdown: number; worstStep: number; breaches: boolean }): void => console.log([name, pct(s.totalReturn), pct(s.maxDrawdown), pct(s.worstStep), s.breaches ? 'yes' : 'no'].join('\t'))
  row('base', output.base)
  for (const s of output.shocks) row(`${s.shock.kind}=${Object.values(s.shock)[1]}`, s)
  for (const m of output.menus?.rows ?? []) row(`#${m.runId} ${m.variant}`, m)
  if (output.menus?.combined) row('every pod at its worst', output.menus.combined)
  for (const r of output.reverse) console.log(`reverse ${r.kind}: ${r.shock === null ? `no shock up to ${r.searched} breaches` : r.alreadyBreached ? 'already breached' : `${r.shock} breaches (drawdown ${pct(r.loss!)})`}`)
  for (const e of output.limits.events) console.log(`limit ${e.rule} at step ${e.t}: ${e.message}`)
}
