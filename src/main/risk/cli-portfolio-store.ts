import { existsSync } from 'node:fs'
import { ApiError, type PortfolioDetail, type PortfolioSpecInput } from '../../shared/contract'
import { systemClock } from '../clock'
import { StoreOpenError, openDatabase } from '../store/database'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { fail, parseRunIds, parseWeights } from './cli-portfolio-args'
import { PortfolioService } from './portfolio-service'

export interface StoredPortfolioValues {
  db?: string
  id?: string
  name?: string
  runs?: string
  weights?: string
  target?: string
  align?: string
  window?: string
  rebalance?: string
  'cost-bps'?: string
  json?: boolean
}

/** The spec's fields as the flags that set them, so a refusal names what the user typed. */
const FLAGS: Record<string, string> = { name: '--name', runIds: '--runs', align: '--align', scheme: '--weights', fixed: '--weights', volTarget: '--target', window: '--window', rebalanceEvery: '--rebalance', costBps: '--cost-bps' }

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v)) fail(`${flag} must be a number (got ${JSON.stringify(text)})`)
  return v
}

function specFromFlags(values: StoredPortfolioValues): PortfolioSpecInput {
  if (values.name === undefined) fail('portfolio create needs --name NAME')
  const weights = parseWeights(values.weights)
  const optional = {
    align: values.align,
    volTarget: number('--target', values.target),
    window: number('--window', values.window),
    rebalanceEvery: number('--rebalance', values.rebalance),
    costBps: number('--cost-bps', values['cost-bps'])
  }
  const given = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined))
  return { name: values.name, runIds: parseRunIds('create', values.runs), ...weights, ...given } as PortfolioSpecInput
}

/** An API refusal as the CLI's one line: the spec's field named by its flag. */
function asUsage(error: unknown): never {
  if (error instanceof StoreOpenError) fail(error.message)
  if (error instanceof ApiError) {
    const issue = error.issues?.[0]
    if (issue && FLAGS[issue.path]) fail(`${FLAGS[issue.path]}: ${issue.message}`)
    fail(error.message)
  }
  throw error
}

function print(detail: PortfolioDetail, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(detail, null, 2))
    return
  }
  const p = detail.portfolio
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`
  console.log(`portfolio #${p.id} ${p.name}: ${p.pods} pods, ${p.scheme} weights, rebalanced every ${detail.spec.rebalanceEvery} steps at ${detail.spec.costBps} bps, ${detail.summary.steps} steps`)
  console.log(`  total return ${pct(detail.summary.totalReturn)}, cost ${pct(detail.summary.totalCost)}, max drawdown ${pct(detail.summary.maxDrawdown)}; hash ${p.hash.slice(0, 16)}…`)
  detail.members.forEach((m, i) => console.log(`  #${m.runId} ${m.lab.padEnd(16)} weight ${detail.summary.weights[i]!.toFixed(4)}  P&L ${pct(detail.summary.podPnl[i]!)}  risk ${pct(detail.summary.riskContributions[i]!)}`))
  console.log(detail.check.problems.length ? `  check: ${detail.check.problems.join('; ')}` : '  check: members unchanged, hash and book reproduced, chain intact')
}

/**
 * `mechanica portfolio create --db FILE --name N --runs 1,2,3 [--weights …] [--target VOL]
 * [--align exact|common] [--window 250] [--rebalance 20] [--cost-bps 1] [--json]` stores a
 * portfolio of the runs; `portfolio show --db FILE --id ID [--json]` reads one back, re-simulated
 * from its members and checked.
 */
export async function commandStoredPortfolio(sub: 'create' | 'show', values: StoredPortfolioValues): Promise<void> {
  const file = values.db ?? fail(`portfolio ${sub} needs --db FILE`)
  if (!existsSync(file)) fail(`${file} does not exist`)
  let id: number | undefined
  let spec: PortfolioSpecInput | undefined
  if (sub === 'show') {
    if (values.id === undefined || !/^[1-9]\d*$/.test(values.id)) fail(`portfolio show needs --id, a portfolio id such as 1 (got ${JSON.stringify(values.id)})`)
    id = Number(values.id)
  } else spec = specFromFlags(values)
  let db
  let detail: PortfolioDetail
  try {
    db = openDatabase(file, { readonly: sub === 'show' })
    const service = new PortfolioService(new RunsRepository(db), new PortfoliosRepository(db), systemClock)
    detail = await (spec ? service.create(spec) : service.get(id!))
  } catch (error) {
    asUsage(error)
  } finally {
    db?.close()
  }
  print(detail, values.json ?? false)
}
