import { PortfolioLimitSet, PortfolioLimitsRequest, PortfolioStressRequest, type PortfolioLimitsReport, type PortfolioStressReport } from '../../shared/contract'
import { parseRequest, portfolioIdFlag, withDesk } from './cli-desk'
import type { Fail } from './cli-flags'
import { parseShock, type Shock } from './shocks'

/** The flags `portfolio stress` reads. */
export interface StressValues {
  db?: string
  id?: string
  shock?: string[]
  'loss-limit'?: string
  limit?: string[]
  menus?: boolean
  json?: boolean
}

const LIMIT_NAMES = Object.keys(PortfolioLimitSet.shape)

/** `--limit NAME=VALUE`…: the limits set here; the desk takes the default for the rest. */
function parseLimits(items: readonly string[], fail: Fail): Record<string, number> {
  const limits: Record<string, number> = {}
  for (const item of items) {
    const [name, text] = item.split('=')
    if (!LIMIT_NAMES.includes(name!)) fail(`--limit must be NAME=VALUE with NAME one of ${LIMIT_NAMES.join(', ')} (got ${JSON.stringify(item)})`)
    const v = Number(text)
    if (!(v > 0) || !Number.isFinite(v)) fail(`--limit ${name} must be a number > 0 (got ${JSON.stringify(text)})`)
    limits[name!] = v
  }
  return limits
}

/**
 * `mechanica portfolio stress --db FILE --id ID [--shock corr=1|vol=2|regime=20]… [--loss-limit 0.1]
 * [--limit NAME=VALUE]… [--menus] [--json]`: the stored portfolio's stress table and reverse
 * stress against the loss limit (a maximum drawdown), with --menus its members' stress menus
 * re-run, then its limits with the actions taken: both through the desk, so both are logged.
 */
export async function commandStress(positionals: string[], values: StressValues, fail: Fail): Promise<void> {
  if (positionals.length) fail(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const file = values.db ?? fail('portfolio stress needs --db FILE')
  const id = portfolioIdFlag('stress', values.id, fail)
  const lossLimit = values['loss-limit'] === undefined ? undefined : Number(values['loss-limit'])
  if (lossLimit !== undefined && !(lossLimit > 0 && lossLimit < 1)) fail(`--loss-limit must be a fraction in (0, 1) such as 0.1 (got ${JSON.stringify(values['loss-limit'])})`)
  let shocks: Shock[] | undefined
  try {
    shocks = values.shock?.map(parseShock)
  } catch (error) {
    fail((error as Error).message)
  }
  const stressRequest = parseRequest(PortfolioStressRequest, { id, shocks, lossLimit, menus: values.menus ?? false }, { shocks: '--shock', lossLimit: '--loss-limit', id: '--id' }, fail)
  const limitsRequest = parseRequest(PortfolioLimitsRequest, { id, limits: parseLimits(values.limit ?? [], fail) }, { limits: '--limit' }, fail)
  const progress = (done: number, total: number): unknown => values.json || process.stderr.write(`stress: ${done}/${total} runs\n`)
  const output: { stress: PortfolioStressReport; limits: PortfolioLimitsReport } = await withDesk(file, fail, async (desk) => ({ stress: await desk.stress(stressRequest, progress), limits: await desk.limits(limitsRequest) }))
  if (values.json) {
    console.log(JSON.stringify(output, null, 2))
    return
  }
  const { stress, limits: checked } = output
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`
  console.log(`portfolio #${id}, ${stress.steps} steps; loss limit: a ${pct(stress.lossLimit)} drawdown (log entry ${stress.logSeq})`)
  console.log(['scenario', 'total return', 'max drawdown', 'worst step', 'worst pod', 'breaches'].join('\t'))
  for (const s of stress.scenarios) console.log([s.name, pct(s.totalReturn), pct(s.maxDrawdown), pct(s.worstStep), s.worstPod ? `#${s.worstPod.runId}` : '—', s.breaches ? 'yes' : 'no'].join('\t'))
  for (const r of stress.reverse) console.log(`reverse ${r.kind}: ${r.alreadyBreached ? 'already breached' : r.shock === null ? `no shock up to ${r.searched} breaches` : `${r.shock} breaches (drawdown ${pct(r.loss!)})`}`)
  if (checked.check) console.log(`${checked.check.message} (log entry ${checked.check.seq})`)
  for (const r of checked.rows) if (r.status === 'unmeasured') console.log(`limit ${r.limit}: ${r.note}`)
  for (const e of checked.events) console.log(`limit ${e.rule} at step ${e.t}: ${e.message}`)
}
