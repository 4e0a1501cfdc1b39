import type { AgentMetric } from './stats'

/** How the bounded selector runs in one lab: the notebook's `policy_params` switches and the workstation's bounds. */
export interface SelectorSettings {
  /** `policy_params.enable_llm`: false keeps the rule baseline on every step even with a model configured. */
  enabled: boolean
  /** Ask the model every n steps and hold the last decision between (`decision_every`). */
  decisionEvery: number
  temperature: number
  maxRationaleChars: number
  /** The notebooks ask for one to three sentences. */
  maxSentences: number
  /** On a rejected reply: the baseline's decision (true) or the flat action (false, the selector's override). */
  fallbackToBaseline: boolean
  /** How long one answer may take before the step falls back (`timeout`). */
  timeoutMs: number
  maxTokens: number
  /** At most this many calls in a run (Ch9's `max_llm_calls`); later decision steps use the baseline. */
  maxCalls: number
}

export const DEFAULT_SELECTOR_SETTINGS: SelectorSettings = {
  enabled: true,
  decisionEvery: 1,
  temperature: 0,
  maxRationaleChars: 240,
  maxSentences: 3,
  fallbackToBaseline: true,
  timeoutMs: 20_000,
  maxTokens: 160,
  maxCalls: Number.MAX_SAFE_INTEGER
}

/** What a context may read besides the observation: the run's config and regime names, the last action. */
export interface ContextStep<C, A extends string> {
  readonly config: C
  readonly regimes: readonly string[]
  readonly lastAction: A
}

/** A value the model may read: numbers (rounded when the context is written), labels, flags, small groups of them. */
export type ContextValue = number | string | boolean | null | { readonly [key: string]: ContextValue }

/**
 * What a book lab tells its model, in the lab's folder as `agent-context.ts`: the fields its
 * notebook gives the model (in the workstation's own words), the allowed actions with what
 * each does, and where the lab's config keeps the selector's switches. Read only by a run with
 * an agent: a faithful run never builds a context.
 */
export interface LabAgent<C, O, A extends string> {
  /** The lab this describes (its registry id). */
  readonly labId: string
  /** One or two sentences: the market, the mechanism the book trades, what the agent controls. */
  readonly brief: string
  /** Every action of the lab with what it does to the book. */
  readonly actions: Readonly<Record<A, string>>
  /** The selector's switches as this lab's config spells them; absent ones keep the defaults. */
  settings(config: C): Partial<SelectorSettings>
  /** The decision context at this step, from the lab's observation (only called at decision steps with an agent). */
  context(observation: O, step: ContextStep<C, A>): Record<string, ContextValue>
  /** Whether the model is asked at this step at all (absent: every decision step); else the baseline decides it, nothing is held. */
  asks?(observation: O): boolean
  /** The notebook's names for the LLM metrics it reports, where it names them. */
  readonly metricNames?: Partial<Record<AgentMetric, string>>
  /** The notebook's own rules for its model beyond the shared selector (absent: none). */
  readonly quirks?: NotebookQuirks<O>
}

/**
 * Rules one notebook adds to the book's shared LLM wrapper, each named after what it does so a
 * reader finds it in the lab's agent-context.ts (book ch.6–10 spec §4.6, §6.2).
 */
export interface NotebookQuirks<O> {
  /** Substrings (any case) that reject a rationale: ch.8's guard against talk of changing the lab. */
  readonly bannedPhrases?: readonly string[]
  /** An over-long rationale is cut to the cap with "…" and kept (ch.10), not rejected. */
  readonly overLongRationale?: 'reject' | 'truncate'
  /** A step off the cadence that asks the model anyway (ch.10: cascade pressure at or above 0.20). */
  extraCall?(observation: O): boolean
  /** After a failed call the model is not asked again before this many steps have passed (ch.10: 15). */
  readonly coolDownSteps?: number
  /** Who decides a step the model is not asked at: the last decision held (default) or the baseline (ch.10's "baseline(no_llm)"). */
  readonly betweenCalls?: 'hold' | 'baseline'
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLabAgent = LabAgent<any, any, string>

/** Rounds for the model's eyes: a context shows what matters, not 17 digits. */
export const round = (x: number, digits = 4): number => {
  if (!Number.isFinite(x)) return x
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** The notebook switches shared by the labs built on NOTEBOOK_LLM_FIELDS (and the same keys elsewhere). */
export function notebookSwitches(policy: {
  enable_llm?: boolean
  llm_temperature?: number
  fallback_to_baseline_on_error?: boolean
  decision_every?: number
  llm_max_rationale_chars?: number
  max_rationale_chars?: number
  max_llm_calls?: number
}): Partial<SelectorSettings> {
  const out: Partial<SelectorSettings> = {}
  if (policy.enable_llm !== undefined) out.enabled = policy.enable_llm
  if (policy.llm_temperature !== undefined) out.temperature = policy.llm_temperature
  if (policy.fallback_to_baseline_on_error !== undefined) out.fallbackToBaseline = policy.fallback_to_baseline_on_error
  if (policy.decision_every !== undefined) out.decisionEvery = policy.decision_every
  const chars = policy.llm_max_rationale_chars ?? policy.max_rationale_chars
  if (chars !== undefined) out.maxRationaleChars = chars
  if (policy.max_llm_calls !== undefined) out.maxCalls = policy.max_llm_calls
  return out
}
