import { z } from 'zod'
import { ApiError, issuesFromZod, summariseIssues, type LabResults, type LabRunSpec, type TaskOutput } from '../../shared/contract'
import type { LoopHost } from '../engine/cancellation'
import { configHash } from '../engine/hashing'
import {
  KeyPathError,
  LabConfigError,
  ResultsHasher,
  buildManifest,
  resolveLabConfig,
  runLab,
  type AnyLab,
  type ChunkSink,
  type LabInputs,
  type LabRequirement,
  type StepChunk,
  type StepLogSlice
} from '../engine/kernel'
import { CODE_VERSION } from '../version'
import { replayAgentOptions } from '../agent/replay/recorded-agent'
import { LabAgentRun, type LabAgentOptions } from '../agent/selector/lab-run'
import { labAgents } from './agents'
import { StepLogStream } from './log-stream'
import { labIds, labRegistry } from './registry'
import { SeriesStream, type SeriesChunk } from './series-stream'

export interface LabPlan {
  lab: AnyLab
  config: unknown
  seed: number
  steps: number
  configHash: string
  /** What main must compute before the engine can run it (the regime model's output). */
  requires: readonly LabRequirement[]
}

export function findLab(id: string): AnyLab {
  const lab = labRegistry.get(id)
  if (!lab) {
    const known = labIds()
    throw new ApiError('invalid_params', `unknown lab "${id}"; known labs: ${known.length ? known.join(', ') : '(none)'}`, [
      { path: 'spec.lab', message: `unknown lab "${id}"` }
    ])
  }
  return lab
}

/** Resolves and validates a lab spec without running it: unknown lab, preset or key fail here. */
export function planLab(spec: LabRunSpec): LabPlan {
  const lab = findLab(spec.lab)
  const profiles = lab.config.profiles ?? {}
  const named = spec.preset === 'faithful' || spec.preset === 'corrected'
  const profile = named ? null : Object.hasOwn(profiles, spec.preset) ? profiles[spec.preset] : undefined
  if (profile === undefined) {
    const names = ['faithful', 'corrected', ...Object.keys(profiles)]
    throw new ApiError('invalid_params', `${spec.lab}: unknown preset "${spec.preset}"; presets: ${names.join(', ')}`, [
      { path: 'spec.preset', message: `unknown preset "${spec.preset}"` }
    ])
  }
  const overrides: Record<string, unknown> = { ...(profile?.overrides ?? {}), ...spec.overrides }
  if (spec.seed !== undefined) overrides.seed = spec.seed
  let config: unknown
  try {
    config = resolveLabConfig(lab, profile ? 'faithful' : (spec.preset as 'faithful' | 'corrected'), overrides)
  } catch (error) {
    if (error instanceof LabConfigError) {
      const issues = error.problems.map((p) => ({ path: `spec.overrides.${p.path}`, message: p.message }))
      throw new ApiError('invalid_params', `${spec.lab}: ${summariseIssues(error.problems)}`, issues)
    }
    // Fuzz finding: a dotted override key through `constructor`/`prototype` came back as `internal`.
    if (error instanceof KeyPathError) {
      const message = 'is not a valid key path (no empty, __proto__, constructor or prototype segment)'
      throw new ApiError('invalid_params', `${spec.lab}: ${error.path}: ${message}`, [{ path: `spec.overrides.${error.path}`, message }])
    }
    if (error instanceof z.ZodError) {
      const issues = issuesFromZod(error, overrides, 'config')
      throw new ApiError('invalid_params', `${spec.lab}: ${summariseIssues(issues)}`, issues)
    }
    throw error
  }
  return {
    lab,
    config,
    seed: lab.seed(config),
    steps: lab.steps(config),
    configHash: configHash({ lab: lab.id, config }),
    requires: lab.requires?.(config) ?? []
  }
}

/** Refuses clearly when a plan's required input is missing. */
export function checkInputs(plan: LabPlan, spec: LabRunSpec, inputs: LabInputs): void {
  for (const requirement of plan.requires) {
    if (requirement === 'regime-model' && !inputs.regime) {
      throw new ApiError('invalid_params', `${spec.lab}: classifier.kind "ssm" needs the regime model's output; the workstation and the CLI compute it in the inference service before the run`)
    }
  }
}

/** Action and regime counts and the action mix by regime, counted chunk by chunk. */
class ActionCounts implements ChunkSink {
  private readonly byRegime: Int32Array

  constructor(
    private readonly actions: readonly string[],
    private readonly regimes: readonly string[]
  ) {
    this.byRegime = new Int32Array(actions.length * regimes.length)
  }

  onChunk(chunk: StepChunk): void {
    const { action, regime } = chunk.columns
    const a = this.actions.length
    for (let i = 0; i < chunk.count; i++) {
      const r = regime[i]!
      const k = action[i]!
      if (r >= 0 && r < this.regimes.length && k >= 0 && k < a) this.byRegime[r * a + k]!++
    }
  }

  results(): Pick<LabResults, 'actions' | 'regimeCounts' | 'actionMixByRegime'> {
    const a = this.actions.length
    const actions = Object.fromEntries(this.actions.map((name, k) => [name, this.regimes.reduce((n, _, r) => n + this.byRegime[r * a + k]!, 0)]))
    const regimeCounts = Object.fromEntries(this.regimes.map((name, r) => [name, this.actions.reduce((n, _, k) => n + this.byRegime[r * a + k]!, 0)]))
    const actionMixByRegime = Object.fromEntries(
      this.regimes.map((name, r) => {
        const total = regimeCounts[name]!
        return [name, Object.fromEntries(this.actions.map((action, k) => [action, total > 0 ? this.byRegime[r * a + k]! / total : 0]))]
      })
    )
    return { actions, regimeCounts, actionMixByRegime }
  }
}

export interface ExecuteOptions {
  /** Cancellation, progress and a turn of the event loop between chunks. */
  host?: LoopHost
  environment?: { runtime: string; platform: string }
  /** What the plan required from outside the engine (the regime model's output). */
  inputs?: LabInputs
  /**
   * Receives the decision log in hash-chained STEP_CHUNK slices while the run advances (main
   * commits each one); the last slice is returned as `logTail`, to be written with the results.
   * Without it no log is kept and the manifest has no chain head.
   */
  onLogSlice?: (slice: StepLogSlice) => void
  /** Receives the chart series in conflated parts while the run advances. */
  onSeries?: (chunk: SeriesChunk) => void
  /** More sinks for the run's steps (tests, benchmarks). */
  sinks?: readonly ChunkSink[]
  /**
   * Run with the book's agent: the model (a provider, a recording, or null when none is
   * configured) and its bounds. Absent: no agent, the run is the rule baseline's exactly.
   */
  agent?: LabAgentOptions
}

/** The agent's part of a run, or a clear refusal for a lab the book gives no agent. */
function labAgentRun(spec: LabRunSpec, plan: LabPlan, options: LabAgentOptions): LabAgentRun {
  const agent = labAgents.get(plan.lab.id)
  if (agent === undefined) {
    throw new ApiError('invalid_params', `${spec.lab}: this lab has no agent (only the book's labs do: ${[...labAgents.keys()].join(', ')})`, [
      { path: 'spec.lab', message: 'has no agent' }
    ])
  }
  return new LabAgentRun(plan.lab, plan.config, plan.seed, agent, options)
}

export interface LabExecution extends TaskOutput {
  results: LabResults
  /** The decision log's last slice, when the log was asked for. */
  logTail?: StepLogSlice
}

/**
 * Plans a lab spec, runs it and shapes what the store, the UI and the CLI need. Every output
 * is folded chunk by chunk while the run advances — metrics, telemetry, counts, the results
 * hash, the chart series (conflated), the chained decision log (streamed out) — so the run's
 * memory does not grow with its length beyond what its lab's report keeps.
 */
export async function executeLab(spec: LabRunSpec, options: ExecuteOptions = {}): Promise<LabExecution> {
  const plan = planLab(spec)
  const inputs = options.inputs ?? {}
  checkInputs(plan, spec, inputs)
  const { lab, config } = plan
  // A replay of a run with the agent gets its recorded calls as an input, in place of the model.
  const agentOptions = options.agent ?? (inputs.agent ? replayAgentOptions(inputs.agent) : undefined)
  const agent = agentOptions ? labAgentRun(spec, plan, agentOptions) : null
  const market = lab.market(config, inputs)
  const costComponents = lab.execution(config).components
  const regimeNames = lab.regimes(config)
  const report = lab.report(config, market)
  const hasher = new ResultsHasher()
  const counts = new ActionCounts(lab.actions, regimeNames)
  const series = new SeriesStream(plan.steps, { regimeNames, actionNames: lab.actions, costComponents }, options.onSeries)
  const log = options.onLogSlice
    ? new StepLogStream({ legs: lab.legs, actionNames: lab.actions, regimeNames, costComponents, pnlComponents: lab.pnlComponents }, options.onLogSlice)
    : null
  const sinks: ChunkSink[] = [report, hasher, counts, series, ...(log ? [log] : []), ...(agent ? [agent.stats] : []), ...(options.sinks ?? [])]
  const end = await runLab(lab, config, { market, inputs, host: options.host, sinks, policy: agent?.policy })
  const { metrics, telemetry } = report.finish(end)
  const resultsHash = hasher.finish(end)
  const manifest = buildManifest({
    lab: lab.id,
    preset: spec.preset,
    seed: plan.seed,
    config,
    codeVersion: CODE_VERSION,
    environment: options.environment ?? { runtime: `Node ${process.versions.node}`, platform: `${process.platform}-${process.arch}` },
    resultsHash
  })
  const logTail = log?.finish()
  // The decision log is hash-chained where it is produced (off the main thread); its head goes
  // into the manifest, so any later edit of the stored log shows against it.
  if (logTail) manifest.chainHead = logTail.chain.head
  const agentManifest = agent?.manifest() ?? null
  if (agentManifest) manifest.agent = agentManifest
  const results: LabResults = {
    kind: 'lab',
    manifest,
    config: config as Record<string, unknown>,
    corrections: spec.preset === 'corrected' ? lab.config.presets.corrected.corrections.map((c) => ({ ...c })) : [],
    metrics: agent?.policy ? { ...metrics, ...agent.metrics() } : metrics,
    ...counts.results(),
    telemetry,
    steps: end.steps,
    plannedSteps: end.plannedSteps,
    halted: end.halted,
    ...(end.haltReason === undefined ? {} : { haltReason: end.haltReason }),
    regimeNames: [...regimeNames],
    actionNames: [...lab.actions],
    costComponents: [...costComponents],
    ...(agent ? { agent: agent.block() } : {}),
    series: series.finish()
  }
  return logTail ? { results, resultsHash, logTail } : { results, resultsHash }
}
