import type { AgentBlock, AgentManifest } from '../../../shared/contract/agent'
import type { Policy } from '../../engine/kernel/decision'
import type { AnyLab } from '../../engine/kernel/lab'
import { replyTokenBudget, type AgentProvider } from '../provider'
import type { AgentCall } from './call'
import { DEFAULT_SELECTOR_SETTINGS, type AnyLabAgent, type SelectorSettings } from './lab-agent'
import { AgentCallChain } from './call-chain'
import { AgentSelector } from './selector'
import { AgentStats } from './stats'

/** How a run uses the book's agent: the model (or none configured) and the bounds no config holds. */
export interface LabAgentOptions {
  /** The model that answers; null when none is configured (the rule baseline decides every step). */
  provider: AgentProvider | null
  timeoutMs?: number
  /** The workstation's rationale bound, over the lab's own (recorded in the manifest, so a replay uses it too). */
  maxRationaleChars?: number
  maxSentences?: number
  maxTokens?: number
  /** Every call as it completes, with its link in the run's chain of calls, for the store. */
  onCall?: (call: AgentCall, link: Buffer) => void
  /** The answers come from a recording (a replay), not from the model. */
  replayed?: boolean
  /** Milliseconds for a failed call's latency; performance.now by default. */
  now?: () => number
}

/** The selector's settings for one run: the defaults, the lab's config switches, then the run's bounds; the token budget fits the reply schema. */
export function selectorSettings(agent: AnyLabAgent, config: unknown, options: Pick<LabAgentOptions, 'timeoutMs' | 'maxRationaleChars' | 'maxSentences' | 'maxTokens'>): SelectorSettings {
  const settings: SelectorSettings = { ...DEFAULT_SELECTOR_SETTINGS, ...agent.settings(config) }
  if (options.timeoutMs !== undefined) settings.timeoutMs = options.timeoutMs
  if (options.maxRationaleChars !== undefined) settings.maxRationaleChars = options.maxRationaleChars
  if (options.maxSentences !== undefined) settings.maxSentences = options.maxSentences
  if (options.maxTokens !== undefined) settings.maxTokens = options.maxTokens
  // Never less than the longest reply the schema admits: a cut reply is invalid JSON.
  settings.maxTokens = Math.max(settings.maxTokens, replyTokenBudget(Object.keys(agent.actions), settings.maxRationaleChars))
  return settings
}

/**
 * The agent's part of one lab run: the policy the loop runs (none when the baseline decides
 * every step, so such a run is the faithful run exactly), the stats it folds, and what goes
 * into the manifest and the results.
 */
export class LabAgentRun {
  readonly policy: Policy<unknown, string> | undefined
  readonly stats = new AgentStats()
  readonly chain = new AgentCallChain()
  readonly settings: SelectorSettings

  constructor(
    lab: AnyLab,
    config: unknown,
    seed: number,
    private readonly agent: AnyLabAgent,
    private readonly options: LabAgentOptions
  ) {
    this.settings = selectorSettings(agent, config, options)
    const { provider } = options
    this.policy =
      provider !== null && this.settings.enabled
        ? new AgentSelector(lab, agent, { provider, settings: this.settings, runSeed: seed, config, regimes: lab.regimes(config), stats: this.stats, onCall: (call) => this.recordCall(call), now: options.now })
        : undefined
  }

  /** Every call is linked into the run's chain, whoever listens. */
  private recordCall(call: AgentCall): void {
    const link = this.chain.add(call)
    this.options.onCall?.(call, link)
  }

  get status(): AgentBlock['status'] {
    if (this.options.provider === null) return 'no-model'
    return this.settings.enabled ? 'active' : 'disabled'
  }

  /** The model's identity and how it was asked, for the run's manifest (null without an active agent). */
  manifest(): AgentManifest | null {
    const { provider } = this.options
    if (provider === null || this.policy === undefined) return null
    const s = this.settings
    return {
      ...provider.identity,
      temperature: s.temperature,
      decisionEvery: s.decisionEvery,
      maxRationaleChars: s.maxRationaleChars,
      maxSentences: s.maxSentences,
      fallbackToBaseline: s.fallbackToBaseline,
      timeoutMs: s.timeoutMs,
      maxTokens: s.maxTokens,
      replayed: this.options.replayed ?? false,
      calls: this.chain.links.length,
      callsHead: this.chain.head
    }
  }

  /** The results' `agent` block. */
  block(): AgentBlock {
    const summary = this.stats.summary()
    const identity = this.options.provider?.identity ?? null
    const status = this.status
    const fallbackCount = Object.values(summary.fallbacks).reduce((a, b) => a + b, 0)
    const message =
      status === 'no-model'
        ? 'No model is configured: the rule baseline decides every step.'
        : status === 'disabled'
          ? `The agent is switched off (enable_llm is false): the rule baseline decides every step.`
          : `${identity!.model} decided ${summary.agentSteps} steps from ${summary.calls} calls (${summary.valid} valid); ${fallbackCount} fell back, ${summary.overrides} overridden.`
    return {
      status,
      message,
      provider: identity?.provider ?? null,
      model: identity?.model ?? null,
      calls: summary.calls,
      valid: summary.valid,
      validityRate: summary.validityRate,
      controlShare: status === 'active' ? summary.controlShare : 0,
      agentSteps: summary.agentSteps,
      fallbacks: summary.fallbacks,
      overrides: summary.overrides,
      latencyMeanMs: summary.latencyMeanMs,
      latencyP50Ms: summary.latencyP50Ms,
      latencyP95Ms: summary.latencyP95Ms,
      promptTokens: summary.promptTokens,
      completionTokens: summary.completionTokens
    }
  }

  /** The notebook-named LLM metrics, for the results' metrics. */
  metrics(): Record<string, number | null> {
    return this.stats.metrics(this.agent.metricNames)
  }
}
