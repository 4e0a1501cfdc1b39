import type { Decision, Policy, PolicyMemory } from '../../engine/kernel/decision'
import type { AgentProvider, AgentReply, AgentRequest } from '../provider'
import type { AgentCall } from './call'
import { AgentTimeoutError, ReplayMismatchError } from './errors'
import type { AnyLabAgent, SelectorSettings } from './lab-agent'
import { callSeed, systemMessage, userMessage } from './prompt'
import type { AgentStats } from './stats'
import { checkReply, type FallbackReason } from './validate'

/** What the selector needs of the lab: its actions, its flat action and its rule baseline. */
export interface SelectorLab<O, A extends string> {
  readonly id: string
  readonly actions: readonly A[]
  readonly flatAction: A
  baseline(observation: O, memory: PolicyMemory<A>): Decision<A>
}

export interface AgentSelectorOptions {
  provider: AgentProvider
  settings: SelectorSettings
  /** The run's seed, mixed with the step into each call's sampling seed. */
  runSeed: number
  /** The run's config and regime names, for the lab's context. */
  config: unknown
  regimes: readonly string[]
  stats?: AgentStats
  /** Every call as it completes (the store keeps it with the step). */
  onCall?: (call: AgentCall) => void
  /** Milliseconds, for the latency of a call that failed (a reply reports its own); performance.now by default. */
  now?: () => number
}

/** The model's answer to the question of step t, waiting for the loop's decide at t. */
type Answer = { t: number; request: AgentRequest; reply: AgentReply | null; failure: { reason: FallbackReason; detail: string; latencyMs: number } | null }

/**
 * The book's bounded selector as a Policy: at a decision step on its cadence it asks the model
 * (prepare, awaited by the loop), validates the reply and decides with it (source AGENT); any
 * failure falls back to the rule baseline with the reason (source BASELINE), or to the flat
 * action when fallback is off (source OVERRIDE). Between decision steps it holds the last
 * decision. It never throws for the model's sake: a step always gets a decision.
 */
export class AgentSelector<O, A extends string> implements Policy<O, A> {
  readonly name: string
  private readonly system: string
  private readonly now: () => number
  private answer: Answer | null = null
  private held: Decision<A> | null = null
  private calls = 0
  /** The first step the model may be asked again after a failed call (notebook cool-down). */
  private coolDownUntil = 0

  constructor(
    private readonly lab: SelectorLab<O, A>,
    private readonly agent: AnyLabAgent,
    private readonly options: AgentSelectorOptions
  ) {
    this.name = `agent:${options.provider.identity.model}`
    this.system = systemMessage(agent)
    this.now = options.now ?? (() => performance.now())
  }

  get settings(): SelectorSettings {
    return this.options.settings
  }

  /**
   * Whether step t asks the model: on the cadence or at the notebook's extra trigger (the first
   * step always), outside a cool-down after a failure, under the call cap.
   */
  private due(t: number, observation: O): boolean {
    const { settings } = this.options
    if (this.calls >= settings.maxCalls || t < this.coolDownUntil) return false
    return this.held === null || t % settings.decisionEvery === 0 || (this.agent.quirks?.extraCall?.(observation) ?? false)
  }

  prepare(observation: O, memory: PolicyMemory<A>): Promise<void> | null {
    const t = memory.t
    if (this.agent.asks !== undefined && !this.agent.asks(observation)) return null
    if (!this.due(t, observation)) return null
    const { settings, runSeed, config, regimes } = this.options
    const context = this.agent.context(observation, { config, regimes, lastAction: memory.lastAction })
    const request: AgentRequest = {
      system: this.system,
      user: userMessage(this.agent, context, settings),
      actions: this.lab.actions,
      maxRationaleChars: settings.maxRationaleChars,
      temperature: settings.temperature,
      seed: callSeed(runSeed, t),
      maxTokens: settings.maxTokens,
      timeoutMs: settings.timeoutMs
    }
    this.calls++
    return this.ask(t, request)
  }

  private async ask(t: number, request: AgentRequest): Promise<void> {
    const started = this.now()
    try {
      const reply = await withTimeout((signal) => this.options.provider.complete(request, signal), request.timeoutMs)
      this.answer = { t, request, reply, failure: null }
    } catch (error) {
      if (error instanceof ReplayMismatchError) throw error
      const timedOut = error instanceof AgentTimeoutError
      const known = (error as { latencyMs?: unknown }).latencyMs
      const latencyMs = typeof known === 'number' ? known : this.now() - started
      const detail = error instanceof Error ? error.message : String(error)
      this.answer = { t, request, reply: null, failure: { reason: timedOut ? 'timeout' : 'provider_error', detail, latencyMs } }
    }
  }

  decide(observation: O, memory: PolicyMemory<A>): Decision<A> {
    const answer = this.answer
    if (answer !== null && answer.t === memory.t) {
      this.answer = null
      const decision = this.resolve(answer, observation, memory)
      this.held = decision
      return decision
    }
    if (this.agent.asks !== undefined && !this.agent.asks(observation)) return this.lab.baseline(observation, memory)
    if (this.agent.quirks?.betweenCalls === 'baseline') return this.lab.baseline(observation, memory)
    // Between decision steps the last decision holds, whoever made it.
    if (this.held !== null && memory.t % this.options.settings.decisionEvery !== 0) return this.held
    return this.lab.baseline(observation, memory)
  }

  /** The step's decision from the model's answer, recorded as a call. */
  private resolve(answer: Answer, observation: O, memory: PolicyMemory<A>): Decision<A> {
    const { settings } = this.options
    const { request, reply } = answer
    let failure = answer.failure
    let decision: Decision<A> | null = null
    if (reply !== null) {
      const quirks = this.agent.quirks
      const check = checkReply(reply.raw, {
        actions: this.lab.actions,
        maxRationaleChars: settings.maxRationaleChars,
        maxSentences: settings.maxSentences,
        ...(quirks?.bannedPhrases ? { bannedPhrases: quirks.bannedPhrases } : {}),
        ...(quirks?.overLongRationale ? { overLongRationale: quirks.overLongRationale } : {})
      })
      if (check.ok) decision = { action: check.action as A, rationale: check.rationale, source: 'AGENT' }
      else failure = { reason: check.reason, detail: check.detail, latencyMs: reply.latencyMs }
    }
    if (decision === null) decision = this.fallback(failure!.reason, observation, memory)
    if (failure !== null && this.agent.quirks?.coolDownSteps !== undefined) this.coolDownUntil = answer.t + this.agent.quirks.coolDownSteps
    const call: AgentCall = {
      t: answer.t,
      system: request.system,
      user: request.user,
      temperature: request.temperature,
      seed: request.seed,
      raw: reply?.raw ?? null,
      valid: failure === null,
      reason: failure?.reason ?? null,
      detail: failure?.detail ?? null,
      action: decision.action,
      rationale: decision.rationale,
      source: decision.source,
      latencyMs: reply?.latencyMs ?? failure!.latencyMs,
      promptTokens: reply?.promptTokens ?? 0,
      completionTokens: reply?.completionTokens ?? 0
    }
    this.options.stats?.record(call)
    this.options.onCall?.(call)
    return decision
  }

  private fallback(reason: FallbackReason, observation: O, memory: PolicyMemory<A>): Decision<A> {
    if (!this.options.settings.fallbackToBaseline) {
      return { action: this.lab.flatAction, rationale: `Agent reply rejected (${reason}); fallback to the baseline is off, so the book goes flat.`, source: 'OVERRIDE' }
    }
    const base = this.lab.baseline(observation, memory)
    return { action: base.action, rationale: `${base.rationale} [agent fallback: ${reason}]`, source: 'BASELINE' }
  }
}

/** The provider's answer, or an AgentTimeoutError after `ms` (the request is aborted then). */
function withTimeout<T>(start: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort()
      reject(new AgentTimeoutError(ms))
    }, ms)
    const settle = (fn: () => void): void => {
      clearTimeout(timer)
      fn()
    }
    let pending: Promise<T>
    try {
      pending = start(controller.signal)
    } catch (error) {
      settle(() => reject(error))
      return
    }
    pending.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error))
    )
  })
}
