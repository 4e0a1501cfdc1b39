import { describe, expect, it } from 'vitest'
import { AgentSettings } from './agent-settings'
import { issuesFromZod } from './errors'
import { methods } from './methods'

/** The issues `agent.saveSettings` answers with, as the router builds them. */
const issuesOf = (settings: unknown) => {
  const params = { settings }
  const parsed = methods['agent.saveSettings'].request.safeParse(params)
  return parsed.success ? [] : issuesFromZod(parsed.error, params)
}

describe('agent settings schema', () => {
  it('defaults to no model: the rule baseline decides, cadence 10, temperature 0, timeout 20 s', () => {
    expect(AgentSettings.parse({})).toEqual({
      provider: 'none',
      modelPath: '',
      endpointUrl: 'http://127.0.0.1:8080/v1',
      endpointModel: '',
      allowRemote: false,
      temperature: 0,
      decisionEvery: 10,
      timeoutMs: 20_000,
      maxRationaleChars: 240,
      fallbackToBaseline: true
    })
  })

  it('asks the embedded provider for a model file and the endpoint provider for a URL, naming the field', () => {
    expect(issuesOf({ provider: 'embedded', modelPath: '   ' })).toEqual([{ path: 'settings.modelPath', message: 'must name a GGUF model file for the embedded provider' }])
    expect(issuesOf({ provider: 'endpoint', endpointUrl: '' })).toEqual([{ path: 'settings.endpointUrl', message: 'must be the endpoint base URL, e.g. http://127.0.0.1:8080/v1' }])
    expect(AgentSettings.parse({ provider: 'embedded', modelPath: ' /models/tiny.gguf ' }).modelPath).toBe('/models/tiny.gguf')
  })

  it('refuses values outside the selector bounds with the field and the accepted range', () => {
    expect(issuesOf({ temperature: 2.5 })).toEqual([{ path: 'settings.temperature', message: 'must be ≤ 2 (got 2.5)' }])
    expect(issuesOf({ decisionEvery: 0 })).toEqual([{ path: 'settings.decisionEvery', message: 'must be at least 1 steps (got 0)' }])
    expect(issuesOf({ decisionEvery: 2.5 })).toEqual([{ path: 'settings.decisionEvery', message: 'must be a whole number of steps (got 2.5)' }])
    expect(issuesOf({ timeoutMs: 50 })).toEqual([{ path: 'settings.timeoutMs', message: 'must be at least 100 ms (got 50)' }])
    expect(issuesOf({ maxRationaleChars: 5000 })).toEqual([{ path: 'settings.maxRationaleChars', message: 'must be at most 4000 characters (got 5000)' }])
  })

  it('refuses unknown keys and an unknown provider', () => {
    expect(issuesOf({ apiKey: 'secret' }).map((i) => i.path)).toEqual(['settings'])
    expect(issuesOf({ provider: 'cloud' }).map((i) => i.path)).toEqual(['settings.provider'])
  })
})
