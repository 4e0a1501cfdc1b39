import { LabRunSpec, PresetId, issuesFromZod, summariseIssues } from '../../../shared/contract'
import type { AgentComparison } from '../../../shared/contract/agent-comparison'
import type { Clock } from '../../clock'
import { fail, parseSets } from '../../cli-args'
import type { LabInputs } from '../../engine/kernel'
import { parseSeeds } from '../../experiments/plan'
import { labAgents } from '../../labs/agents'
import { planLab } from '../../labs/execute'
import { openDatabase } from '../../store/database'
import { AgentCallsStore } from '../../store/agent-calls'
import { RunsRepository } from '../../store/runs-repository'
import { withCliAgent, type OpenProvider } from '../cli-run-agent'
import { compareAgentToBaseline } from './paired'
import { runAgentEnsemble } from './run-ensemble'

export interface CompareAgentValues {
  preset?: string
  seeds?: string
  set?: string[]
  db?: string
  json?: boolean
  agent?: string
}

export interface CompareAgentDeps {
  open: OpenProvider | null
  inputs: (spec: LabRunSpec, requires: readonly string[]) => Promise<LabInputs>
  clock: Clock
  codeVersion: string
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void
}

/**
 * `compare-agent <lab> --agent MODEL --seeds a..b`: the book's question — does the agent add
 * value after costs? — over a seed ensemble. Every seed runs with the rule baseline and with the
 * agent on one spec (policy_params.enable_llm on for both; without a model the baseline decides,
 * so the two runs share their config hash); the paired differences are printed, and with --db
 * both runs of every pair are stored for the memo and the compare view.
 */
export async function commandCompareAgent(positionals: string[], values: CompareAgentValues, deps: CompareAgentDeps): Promise<AgentComparison> {
  const labId = positionals[0] ?? fail('compare-agent needs a lab id (see `mechanica labs`)')
  if (positionals.length > 1) fail(`unexpected argument ${JSON.stringify(positionals[1])}`)
  if (!labAgents.has(labId)) fail(`${labId} has no agent to compare (labs with one: ${[...labAgents.keys()].join(', ')})`)
  const preset = PresetId.safeParse(values.preset ?? 'faithful')
  if (!preset.success) fail(`--preset must be "faithful", "corrected" or a lab profile (got ${JSON.stringify(values.preset)})`)
  if (values.seeds === undefined) fail('compare-agent needs --seeds a..b or a,b,c (the ensemble: each seed runs with the baseline and with the agent)')
  let seeds: number[]
  try {
    seeds = parseSeeds(values.seeds)
  } catch (error) {
    fail((error as Error).message)
  }
  if (new Set(seeds).size !== seeds.length) fail(`--seeds lists a seed twice (got ${JSON.stringify(values.seeds)})`)
  if (values.agent === undefined) fail('compare-agent needs --agent model.gguf|http://127.0.0.1:PORT/v1 (the model to compare with the rule baseline)')

  // Every spec is checked before the model is opened or anything is stored.
  const overrides = parseSets(values.set ?? [])
  const specs = seeds.map((seed) => {
    const candidate = { task: 'lab', lab: labId, preset: preset.data, overrides, seed }
    const parsed = LabRunSpec.safeParse(candidate)
    if (!parsed.success) fail(summariseIssues(issuesFromZod(parsed.error, candidate, 'spec')))
    return parsed.data
  })
  const first = planLab(specs[0]!)
  const policy = (first.config as { policy_params?: { enable_llm?: unknown } }).policy_params
  if (policy?.enable_llm !== undefined && !('policy_params.enable_llm' in overrides)) for (const spec of specs) spec.overrides = { ...spec.overrides, 'policy_params.enable_llm': true }
  else if (policy?.enable_llm === false) fail('--set policy_params.enable_llm=false switches the agent off: the two runs of every seed would be the same')
  const plans = specs.map((spec) => planLab(spec))

  const pairs = await withCliAgent(values.agent, deps.open, fail, async (provider) => {
    const db = values.db ? openDatabase(values.db) : null
    try {
      const store = db ? { repository: new RunsRepository(db), calls: new AgentCallsStore(db), clock: deps.clock, codeVersion: deps.codeVersion } : undefined
      return await runAgentEnsemble({
        specs,
        provider: provider!,
        inputs: (spec) => deps.inputs(spec, plans[specs.indexOf(spec)]!.requires),
        ...(store ? { store } : {}),
        onProgress: (done, total, label) => deps.progress?.(`compare-agent: ${done}/${total} runs (${label})`)
      })
    } finally {
      db?.close()
    }
  })
  return compareAgentToBaseline(pairs, { lab: labId, preset: preset.data })
}

const num = (x: number | null | undefined, digits = 6): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : Number(x.toPrecision(digits)).toString())
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)

/** The comparison for people: one row per seed, one per measure, the verdict and the agent's metrics. */
export function compareAgentText(c: AgentComparison): string {
  const lines = [`${c.lab} (${c.preset}), ${c.seeds.length} seeds: agent − rule baseline, same paths, risk gate and costs`]
  lines.push(['seed', 'net P&L base', 'net P&L agent', 'Δ net P&L', 'Δ sharpe', 'Δ max dd', 'Δ costs', 'runs'].join('\t'))
  for (const p of c.pairs) {
    const d = (m: 'netPnl' | 'sharpe' | 'maxDrawdown' | 'costs') => (p.agent[m] === null || p.baseline[m] === null ? null : p.agent[m]! - p.baseline[m]!)
    const runs = p.baselineRunId === undefined ? '' : `#${p.baselineRunId}/#${p.agentRunId}`
    lines.push([p.seed, num(p.baseline.netPnl), num(p.agent.netPnl), num(d('netPnl')), num(d('sharpe')), num(d('maxDrawdown')), num(d('costs')), runs].join('\t'))
  }
  const level = `${Math.round(c.confidence * 100)}%`
  lines.push(['measure', 'better', 'mean Δ', `${level} t interval`, `${level} bootstrap`, 'agent wins', 'sign test p'].join('\t'))
  for (const m of c.measures) {
    const iv = (x: [number, number] | null) => (x ? `[${num(x[0], 4)}, ${num(x[1], 4)}]` : '—')
    lines.push([m.measure, m.better, num(m.meanDiff), iv(m.tInterval), iv(m.bootstrapInterval), `${m.wins}/${m.n}`, num(m.signTestP, 4)].join('\t'))
  }
  lines.push(c.verdict)
  const a = c.agent
  const fallbacks = Object.entries(a.fallbacks).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'
  lines.push(`agent: ${a.calls} calls, ${a.valid} valid (${pct(a.validityRate)}), control share ${pct(a.controlShare)}; fallbacks: ${fallbacks}`)
  return lines.join('\n')
}
