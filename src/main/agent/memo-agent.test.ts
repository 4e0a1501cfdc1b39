import { describe, expect, it } from 'vitest'
import type { AgentBlock } from '../../shared/contract/agent'
import { agentBlocks } from '../../shared/contract/memo-sections'

const active: AgentBlock = {
  status: 'active',
  message: '',
  provider: 'embedded',
  model: 'tiny.gguf',
  calls: 40,
  valid: 31,
  validityRate: 31 / 40,
  controlShare: 0.62,
  agentSteps: 248,
  fallbacks: { invalid_json: 5, action_not_allowed: 0, rationale_empty: 0, rationale_too_long: 1, too_many_sentences: 0, timeout: 3, provider_error: 0, banned_phrase: 0 },
  overrides: 2,
  latencyMeanMs: 12,
  latencyP50Ms: 11,
  latencyP95Ms: 20,
  promptTokens: 4000,
  completionTokens: 800
}

describe("the memo's constrained actions: the agent's fallbacks and overrides", () => {
  it('counts the calls, the steps the agent decided, the fallbacks by reason and the overrides', () => {
    const [text, table] = agentBlocks({ agent: active })
    expect(text).toEqual({ kind: 'text', text: expect.stringContaining('asked 40 times and decided 248 steps') })
    expect((text as { text: string }).text).toContain('7 replies fell back to the baseline and 2 were overridden to flat')
    expect(table).toMatchObject({ kind: 'table', rows: [['invalid_json', '5'], ['rationale_too_long', '1'], ['timeout', '3']] })
  })

  it('says plainly when no model decided anything, and adds nothing for a run without the agent', () => {
    const message = 'No model is configured: the rule baseline decides every step.'
    expect(agentBlocks({ agent: { ...active, status: 'no-model', message } })).toEqual([{ kind: 'text', text: message }])
    expect(agentBlocks({})).toEqual([])
  })
})
