import type { PolicySource } from '../../engine/kernel/decision'
import type { FallbackReason } from './validate'

/**
 * One question to the model and what became of it: the provenance of an agent step, stored
 * with the step and chained into the audit trail. A replay answers from these (RecordedProvider).
 */
export interface AgentCall {
  /** The step the decision was made at. */
  t: number
  system: string
  user: string
  temperature: number
  seed: number
  /** The reply exactly as the model gave it; null when none came (timeout, provider error). */
  raw: string | null
  /** Whether the reply passed validation and decided the step. */
  valid: boolean
  /** Why the step fell back, or null when the agent's answer was used. */
  reason: FallbackReason | null
  /** The check's or the provider's own words on what failed. */
  detail: string | null
  /** The decision the step used. */
  action: string
  rationale: string
  source: PolicySource
  latencyMs: number
  promptTokens: number
  completionTokens: number
}
