import { describe, expect, it } from 'vitest'
import { agentMethods } from '../../shared/contract/protocol'
import { checkHandlers, parseParams } from '../services/protocol'
import { agentHandlers } from './agent-handlers'

const question = { system: 's', user: 'u', actions: ['hold'], maxRationaleChars: 10, temperature: 0, seed: 1, maxTokens: 5, timeoutMs: 100 }

describe('agent service method table', () => {
  it('serves exactly agent.open (with progress) and agent.complete, each with a handler', () => {
    expect(Object.fromEntries(Object.entries(agentMethods).map(([name, m]) => [name, Object.keys(m.events)]))).toEqual({
      'agent.open': ['progress'],
      'agent.complete': []
    })
    expect(() => checkHandlers('agent service', agentMethods, agentHandlers)).not.toThrow()
  })

  it('refuses a question with no actions, a negative seed or an unknown field before the model sees it', () => {
    expect(parseParams(agentMethods, 'agent.complete', question)).toMatchObject({ ok: true })
    for (const [bad, field] of [
      [{ ...question, actions: [] }, 'actions'],
      [{ ...question, seed: -1 }, 'seed'],
      [{ ...question, temperature: 3 }, 'temperature'],
      [{ ...question, prompt: 'x' }, 'prompt']
    ] as const) {
      const parsed = parseParams(agentMethods, 'agent.complete', bad)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.error).toMatchObject({ code: 'invalid_params', message: expect.stringContaining(field) })
    }
  })

  it('says no model is open when asked before agent.open', async () => {
    const ctx = { signal: new AbortController().signal, emit: () => undefined }
    await expect(Promise.resolve(agentHandlers['agent.complete'](question, ctx))).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'no agent model is open in the agent service'
    })
  })
})
