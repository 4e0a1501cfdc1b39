import { z } from 'zod'

/** Who answered a run's agent questions, and how it was asked: in the run's manifest. */
export const AgentManifest = z.strictObject({
  provider: z.enum(['embedded', 'endpoint', 'scripted']),
  model: z.string(),
  sha256: z.string().optional(),
  sizeBytes: z.int().optional(),
  endpoint: z.string().optional(),
  remoteAllowed: z.boolean().optional(),
  quantisation: z.string().optional(),
  /** Where an embedded model ran: 'cpu', 'cuda', 'vulkan' or 'metal'. */
  backend: z.string().optional(),
  contextSize: z.int(),
  temperature: z.number(),
  decisionEvery: z.int(),
  maxRationaleChars: z.int(),
  maxSentences: z.int(),
  fallbackToBaseline: z.boolean(),
  timeoutMs: z.number(),
  maxTokens: z.int(),
  /** Whether the answers were replayed from a recording rather than asked. */
  replayed: z.boolean(),
  /** How many calls the run made, and the head of their hash chain (the stored calls verify against it). */
  calls: z.int(),
  callsHead: z.string()
})
export type AgentManifest = z.infer<typeof AgentManifest>

const nullableNumber = z.number().nullable()

/**
 * What the book's agent did in a run: calls, valid replies, fallbacks by reason, overrides,
 * control share and latency. `status` says plainly when no model decided anything.
 */
export const AgentBlock = z.strictObject({
  status: z.enum(['active', 'disabled', 'no-model']),
  message: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  calls: z.int(),
  valid: z.int(),
  validityRate: nullableNumber,
  controlShare: nullableNumber,
  agentSteps: z.int(),
  fallbacks: z.record(z.string(), z.int()),
  overrides: z.int(),
  latencyMeanMs: nullableNumber,
  latencyP50Ms: nullableNumber,
  latencyP95Ms: nullableNumber,
  promptTokens: z.int(),
  completionTokens: z.int()
})
export type AgentBlock = z.infer<typeof AgentBlock>

/** Why a step did not use the model's answer (one word per cause, the decision log's and the metrics'). */
export const FallbackReason = z.enum(['invalid_json', 'action_not_allowed', 'rationale_empty', 'rationale_too_long', 'too_many_sentences', 'timeout', 'provider_error', 'banned_phrase'])
export type FallbackReason = z.infer<typeof FallbackReason>

/**
 * One question to the book's agent and what became of it: the provenance of an agent step,
 * stored with the step and chained into the audit trail. A replay answers from these.
 */
export const AgentCallRecord = z.strictObject({
  t: z.int(),
  system: z.string(),
  user: z.string(),
  temperature: z.number(),
  seed: z.int(),
  /** The reply exactly as the model gave it; null when none came (timeout, provider error). */
  raw: z.string().nullable(),
  /** Whether the reply passed validation and decided the step. */
  valid: z.boolean(),
  /** Why the step fell back, or null when the agent's answer was used. */
  reason: FallbackReason.nullable(),
  detail: z.string().nullable(),
  action: z.string(),
  rationale: z.string(),
  source: z.enum(['BASELINE', 'AGENT', 'OVERRIDE', 'RISK']),
  latencyMs: z.number(),
  promptTokens: z.int(),
  completionTokens: z.int()
})
export type AgentCallRecord = z.infer<typeof AgentCallRecord>

/** A stored run's agent calls with the manifest entry they were asked under: a replay's input in place of the model. */
export const RecordedAgent = z.strictObject({ manifest: AgentManifest, calls: z.array(AgentCallRecord) })
export type RecordedAgent = z.infer<typeof RecordedAgent>
