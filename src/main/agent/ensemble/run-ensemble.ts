import type { LabRunSpec } from '../../../shared/contract'
import type { SeedPair } from '../../../shared/contract/agent-comparison'
import type { Clock } from '../../clock'
import type { LabInputs } from '../../engine/kernel'
import { executeLab } from '../../labs/execute'
import { runAndStore } from '../../runs/store-run'
import type { AgentCallsStore } from '../../store/agent-calls'
import type { RunsRepository } from '../../store/runs-repository'
import type { AgentProvider } from '../provider'
import { MeasuresSink } from './measures'

export interface EnsembleStore {
  repository: RunsRepository
  calls: AgentCallsStore
  clock: Clock
  codeVersion: string
}

export interface EnsembleOptions {
  /** One spec per seed, identical but for the seed; each runs twice. */
  specs: readonly LabRunSpec[]
  provider: AgentProvider
  inputs?: (spec: LabRunSpec) => Promise<LabInputs>
  /** With a store, both runs of every pair are stored as the app stores a run. */
  store?: EnsembleStore
  onProgress?: (done: number, total: number, label: string) => void
}

/**
 * Runs a seed ensemble twice — the rule baseline alone, then the agent — on the same specs, so
 * each seed's two runs share the market path, the risk gate and the costs and differ only in
 * who decides. Seeds run one after another: the model serves one question at a time.
 */
export async function runAgentEnsemble(options: EnsembleOptions): Promise<SeedPair[]> {
  const pairs: SeedPair[] = []
  const total = options.specs.length * 2
  let done = 0
  for (const spec of options.specs) {
    const inputs = (await options.inputs?.(spec)) ?? {}
    options.onProgress?.(done, total, `seed ${spec.seed} baseline`)
    const baseline = await measuredRun(spec, inputs, null, options.store)
    done++
    options.onProgress?.(done, total, `seed ${spec.seed} agent`)
    const agent = await measuredRun(spec, inputs, options.provider, options.store)
    done++
    const block = agent.output.results.agent
    pairs.push({
      seed: agent.output.results.manifest.seed,
      baseline: baseline.measures,
      agent: agent.measures,
      agentStats: { calls: block?.calls ?? 0, valid: block?.valid ?? 0, controlShare: block?.controlShare ?? null, fallbacks: block?.fallbacks ?? {} },
      ...(baseline.runId === undefined ? {} : { baselineRunId: baseline.runId }),
      ...(agent.runId === undefined ? {} : { agentRunId: agent.runId })
    })
  }
  options.onProgress?.(done, total, 'done')
  return pairs
}

async function measuredRun(spec: LabRunSpec, inputs: LabInputs, provider: AgentProvider | null, store: EnsembleStore | undefined) {
  const sink = new MeasuresSink()
  if (!store) {
    const output = await executeLab(spec, { inputs, sinks: [sink], ...(provider ? { agent: { provider } } : {}) })
    return { output, measures: sink.finish(), runId: undefined }
  }
  const stored = await runAndStore(store.repository, spec, {
    clock: store.clock,
    codeVersion: store.codeVersion,
    inputs,
    sinks: [sink],
    ...(provider ? { agent: { options: { provider }, store: store.calls } } : {})
  })
  if (!stored.output) throw stored.error
  return { output: stored.output, measures: sink.finish(), runId: stored.run.id }
}
