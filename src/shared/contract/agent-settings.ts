import { z } from 'zod'
import { ModelIdentityShape } from './protocol/agent'

/**
 * The workstation's agent settings: which model answers the book's agent (none, a GGUF file run
 * by the embedded runtime, or an OpenAI-compatible endpoint) and how it is asked. Saved by main
 * beside the database; a run started with the agent applies them (the selector's switches as the
 * lab's `policy_params`, the timeout as the run's bound) after checking the model.
 */
export const AgentProviderChoice = z.enum(['none', 'embedded', 'endpoint'])
export type AgentProviderChoice = z.infer<typeof AgentProviderChoice>

const whole = (min: number, max: number, unit: string) =>
  z
    .int({ error: `must be a whole number of ${unit}` })
    .min(min, { error: `must be at least ${min} ${unit}` })
    .max(max, { error: `must be at most ${max} ${unit}` })

export const AgentSettings = z
  .strictObject({
    provider: AgentProviderChoice.default('none'),
    /** The GGUF model file (embedded provider): an absolute path on the machine main runs on. */
    modelPath: z.string().trim().max(4096, { error: 'must be at most 4096 characters' }).default(''),
    /** The server's base URL (endpoint provider), e.g. http://127.0.0.1:8080/v1. */
    endpointUrl: z.string().trim().max(2048, { error: 'must be at most 2048 characters' }).default('http://127.0.0.1:8080/v1'),
    /** The model to ask the endpoint for; empty: the first one it lists. */
    endpointModel: z.string().trim().max(256, { error: 'must be at most 256 characters' }).default(''),
    /** Allow an endpoint that is not on this machine; recorded in the run's provenance. */
    allowRemote: z.boolean().default(false),
    temperature: z.number({ error: 'must be a number' }).min(0, { error: 'must be ≥ 0' }).max(2, { error: 'must be ≤ 2' }).default(0),
    /** Ask the model every n steps and hold its action between (`decision_every`). */
    decisionEvery: whole(1, 100_000, 'steps').default(10),
    /** How long one answer may take before the step falls back to the baseline. */
    timeoutMs: whole(100, 600_000, 'ms').default(20_000),
    maxRationaleChars: whole(20, 4000, 'characters').default(240),
    /** On a rejected reply: the rule baseline's action (true) or flat (false, an OVERRIDE). */
    fallbackToBaseline: z.boolean().default(true)
  })
  .superRefine((s, ctx) => {
    if (s.provider === 'embedded' && s.modelPath === '') ctx.addIssue({ code: 'custom', path: ['modelPath'], message: 'must name a GGUF model file for the embedded provider' })
    if (s.provider === 'endpoint' && s.endpointUrl === '') ctx.addIssue({ code: 'custom', path: ['endpointUrl'], message: 'must be the endpoint base URL, e.g. http://127.0.0.1:8080/v1' })
  })
export type AgentSettings = z.infer<typeof AgentSettings>

/** What the settings name, as the status bar and run panel say it (null: the rule baseline decides). */
export const AgentSettingsView = z.strictObject({
  settings: AgentSettings,
  /** "tiny.gguf · F16" or "qwen2.5 @ 127.0.0.1:8080"; null when no provider is chosen. */
  model: z.string().nullable(),
  /** The labs that have the book's agent (the others always run the rule baseline). */
  labs: z.array(z.string())
})
export type AgentSettingsView = z.infer<typeof AgentSettingsView>

export const AgentCheckResult = z.strictObject({ identity: ModelIdentityShape, model: z.string() })
export type AgentCheckResult = z.infer<typeof AgentCheckResult>

export const agentSettingsMethods = {
  /** The saved agent settings and the model they name. */
  'agent.settings': {
    request: z.strictObject({}),
    response: AgentSettingsView
  },
  /** Validates and saves the settings (nothing is written when a field is wrong). */
  'agent.saveSettings': {
    request: z.strictObject({ settings: AgentSettings }),
    response: AgentSettingsView
  },
  /** Checks the model the settings name without loading it: the file exists and is GGUF, or the endpoint answers. */
  'agent.check': {
    request: z.strictObject({ settings: AgentSettings }),
    response: AgentCheckResult
  }
} as const
