import { z } from 'zod'
import type { ServiceTable } from './table'

// The agent process's methods (src/main/workers/agent.ts): it holds one language model, embedded
// (node-llama-cpp) or behind an endpoint, so that a crashed or hung model never takes its caller
// down. The shapes mirror src/main/agent/provider.ts, which the selector programs against.

export const AgentRequestShape = z.strictObject({
  system: z.string(),
  user: z.string(),
  actions: z.array(z.string().min(1)).min(1).readonly(),
  maxRationaleChars: z.int().min(0),
  temperature: z.number().min(0).max(2),
  seed: z.int().min(0).max(0xffffffff),
  maxTokens: z.int().min(1),
  timeoutMs: z.int().min(1)
})

export const AgentReplyShape = z.strictObject({
  raw: z.string(),
  latencyMs: z.number().min(0),
  promptTokens: z.int().min(0),
  completionTokens: z.int().min(0)
})

export const ModelIdentityShape = z.strictObject({
  provider: z.enum(['embedded', 'endpoint', 'scripted']),
  model: z.string(),
  sha256: z.string().optional(),
  sizeBytes: z.int().min(0).optional(),
  endpoint: z.string().optional(),
  remoteAllowed: z.boolean().optional(),
  quantisation: z.string().optional(),
  contextSize: z.int().min(0),
  backend: z.string().optional()
})

/** How to open the model: the options of openProvider that cross a process boundary. */
export const AgentOpenShape = z.strictObject({
  target: z.string().min(1),
  allowRemote: z.boolean().optional(),
  contextSize: z.int().min(16).optional(),
  threads: z.int().min(1).optional(),
  gpu: z.union([z.literal('auto'), z.literal(false)]).optional(),
  model: z.string().optional(),
  apiKey: z.string().optional()
})
export type AgentOpenShape = z.infer<typeof AgentOpenShape>

export const agentMethods = {
  /** Loads the model (or checks the endpoint) and says who answers; again opens it afresh. */
  'agent.open': {
    request: AgentOpenShape,
    response: ModelIdentityShape,
    events: {
      /** 0 … 1 while the weights load. */
      progress: z.strictObject({ fraction: z.number().min(0).max(1) })
    }
  },
  /** One question to the open model; the reply exactly as it came. */
  'agent.complete': {
    request: AgentRequestShape,
    response: AgentReplyShape,
    events: {}
  }
} as const satisfies ServiceTable

export type AgentMethods = typeof agentMethods
