import { parseSets } from '../cli-args'
import { crowdingDefaults, crowdingTable, type CrowdingParams } from '../labs/microstructure/crowding'
import { rethrowAsUsage, wholeFlag, type Fail } from './cli-flags'

/** The flags `portfolio crowding` reads. */
export interface CrowdingValues {
  agents?: string
  scenarios?: string
  seed?: string
  set?: string[]
  json?: boolean
}

/**
 * `mechanica portfolio crowding [--agents 1,2,5,10] [--set shares=100|periods=50|gamma=…|eta=…|
 * epsilon=…|lambda=…|sigma=…|mid=…]… [--scenarios 2000] [--seed 1] [--json]`: cost per agent and
 * drawdown amplification as the crowd liquidating the same position grows, on the
 * microstructure lab's market parameters.
 */
export function commandCrowding(positionals: string[], values: CrowdingValues, fail: Fail): void {
  if (positionals.length) fail(`unexpected argument ${JSON.stringify(positionals[0])}`)
  const text = values.agents ?? '1,2,5,10'
  const agents = text.split(',').map((s) => s.trim())
  if (agents.some((a) => !/^[1-9]\d*$/.test(a))) fail(`--agents must be whole numbers ≥ 1 separated by commas, such as 1,2,5,10 (got ${JSON.stringify(text)})`)
  const params: CrowdingParams = crowdingDefaults()
  for (const [key, value] of Object.entries(parseSets(values.set ?? []))) {
    if (!Object.hasOwn(params, key)) fail(`--set ${key}: unknown crowding parameter (known: ${Object.keys(params).join(', ')})`)
    if (typeof value !== 'number') fail(`--set ${key} must be a number (got ${JSON.stringify(value)})`)
    params[key as keyof CrowdingParams] = value
  }
  const scenarios = wholeFlag(fail, '--scenarios', values.scenarios, 2000, 1, 1_000_000)
  const seed = wholeFlag(fail, '--seed', values.seed, 1, 0, 0xffff_ffff)
  let rows
  try {
    rows = crowdingTable(params, agents.map(Number), { scenarios, seed })
  } catch (error) {
    rethrowAsUsage(fail, error)
  }
  if (values.json) {
    console.log(JSON.stringify({ params, scenarios, seed, rows }, null, 2))
    return
  }
  console.log(`crowded liquidation of ${params.shares} lots each over ${params.periods} steps (Almgren–Chriss; mid ${params.mid}, σ ${params.sigma}/step, γ ${params.gamma}, η ${params.eta}, λ ${params.lambda})`)
  console.log(['agents', 'schedule', 'cost/agent', 'bps', '× alone', 'first trade', 'mid drawdown', 'amplification'].join('\t'))
  for (const r of rows) console.log([r.agents, r.schedule, r.costPerAgent.toFixed(4), r.costBps.toFixed(2), r.costVsAlone.toFixed(3), `${(100 * r.firstTrade).toFixed(1)}%`, `${(100 * r.midDrawdown).toFixed(3)}%`, r.drawdownAmplification.toFixed(3)].join('\t'))
}
