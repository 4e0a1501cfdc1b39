import type { LabRunSpec, RunSummary } from '../../../shared/contract'
import type { AgentComparison, RunMeasures, SeedPair } from '../../../shared/contract/agent-comparison'
import type { AuditStore } from '../../store/audit-store'
import type { RunsRepository } from '../../store/runs-repository'
import { MeasuresAccumulator } from './measures'
import { compareAgentToBaseline } from './paired'

// Agent-against-baseline pairs found in the store: two completed runs of one spec and code
// version (so the same config hash: lab, preset, seed, overrides), one answered by a model
// (its manifest names the agent) and one decided by the rule baseline alone. `compare-agent
// --db` stores exactly such pairs; the memo and the compare view find them here.

/** A stored run's ensemble measures, folded from its decision log chunk by chunk. */
export function storedMeasures(audit: AuditStore, runId: number): RunMeasures {
  const acc = new MeasuresAccumulator()
  for (const view of audit.storedLog(runId).chunks) acc.add(view.netPnl, view.cost, view.equity, view.drawdown, view.t.length)
  return acc.finish()
}

type LabRun = RunSummary & { spec: LabRunSpec }
interface Side {
  run: LabRun
  agent: boolean
}

/** Whether a stored lab run was answered by a live model (a replay's recording is not a new sample). */
function sideOf(repository: RunsRepository, run: LabRun): Side | null {
  const results = repository.results(run.id)
  if (results?.kind !== 'lab') return null
  const agent = results.manifest.agent
  return { run, agent: agent !== undefined && !agent.replayed }
}

/** The pairs among the given runs: per config hash and code version, the latest agent run and the latest baseline run. */
export function pairsAmong(repository: RunsRepository, audit: AuditStore, runs: readonly RunSummary[]): SeedPair[] {
  const groups = new Map<string, { agent?: LabRun; baseline?: LabRun }>()
  for (const run of runs) {
    if (run.status !== 'completed' || run.spec.task !== 'lab') continue
    const side = sideOf(repository, run as LabRun)
    if (!side) continue
    const key = `${run.configHash} ${run.codeVersion}`
    const group = groups.get(key) ?? {}
    const slot = side.agent ? 'agent' : 'baseline'
    if (!group[slot] || group[slot]!.id < run.id) group[slot] = side.run
    groups.set(key, group)
  }
  const pairs: SeedPair[] = []
  for (const { agent, baseline } of groups.values()) {
    if (!agent || !baseline) continue
    const block = repository.results(agent.id)
    const stats = block?.kind === 'lab' ? block.agent : undefined
    pairs.push({
      seed: agent.seed,
      baseline: storedMeasures(audit, baseline.id),
      agent: storedMeasures(audit, agent.id),
      agentStats: { calls: stats?.calls ?? 0, valid: stats?.valid ?? 0, controlShare: stats?.controlShare ?? null, fallbacks: stats?.fallbacks ?? {} },
      baselineRunId: baseline.id,
      agentRunId: agent.id
    })
  }
  return pairs.sort((a, b) => a.seed - b.seed)
}

const sameOverrides = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort())

/**
 * The seed ensemble a run belongs to: every completed run of its lab, preset, overrides and code
 * version (any seed), paired agent against baseline. Null unless the run itself is in a pair.
 */
export function ensembleOfRun(repository: RunsRepository, audit: AuditStore, runId: number): AgentComparison | null {
  const run = repository.get(runId)
  if (!run || run.spec.task !== 'lab') return null
  const spec = run.spec
  const siblings: RunSummary[] = []
  const page = 500
  for (let offset = 0; ; offset += page) {
    const { runs, total } = repository.list({ limit: page, offset, status: 'completed' })
    for (const r of runs) if (r.spec.task === 'lab' && r.codeVersion === run.codeVersion && r.spec.lab === spec.lab && r.spec.preset === spec.preset && sameOverrides(r.spec.overrides, spec.overrides)) siblings.push(r)
    if (offset + page >= total) break
  }
  const pairs = pairsAmong(repository, audit, siblings)
  if (!pairs.some((p) => p.agentRunId === runId || p.baselineRunId === runId)) return null
  return compareAgentToBaseline(pairs, { lab: spec.lab, preset: spec.preset })
}

/**
 * The comparison among runs picked together (the compare view): the pairs they hold, of the
 * ensemble most of them belong to (one lab, preset and overrides); null when they hold no pair.
 */
export function comparisonAmong(repository: RunsRepository, audit: AuditStore, runIds: readonly number[]): AgentComparison | null {
  const runs = runIds.map((id) => repository.get(id)).filter((r): r is RunSummary => r !== null && r.spec.task === 'lab')
  const ensembles = new Map<string, RunSummary[]>()
  for (const run of runs) {
    const spec = run.spec as LabRunSpec
    const key = JSON.stringify([spec.lab, spec.preset, Object.entries(spec.overrides).sort(), run.codeVersion])
    ensembles.set(key, [...(ensembles.get(key) ?? []), run])
  }
  let best: SeedPair[] = []
  let bestSpec: LabRunSpec | null = null
  for (const members of ensembles.values()) {
    const pairs = pairsAmong(repository, audit, members)
    if (pairs.length > best.length) {
      best = pairs
      bestSpec = members[0]!.spec as LabRunSpec
    }
  }
  return bestSpec ? compareAgentToBaseline(best, { lab: bestSpec.lab, preset: bestSpec.preset }) : null
}
