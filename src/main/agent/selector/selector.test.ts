import { describe, expect, it } from 'vitest'
import { drive } from '../testing/drive-selector'
import { replyJson, type Script, type ScriptedAnswer } from '../testing/scripted-provider'
import { percentile } from './stats'

describe('AgentSelector', () => {
  it('uses a valid reply as the AGENT decision and records the call with its prompt and reply', async () => {
    const { decisions, calls, provider } = await drive([replyJson('SHORT', 'Fade it.')], 1)
    expect(decisions[0]).toEqual({ action: 'SHORT', rationale: 'Fade it.', source: 'AGENT' })
    expect(calls[0]).toMatchObject({ t: 0, raw: '{"action":"SHORT","rationale":"Fade it."}', valid: true, reason: null, source: 'AGENT', latencyMs: 5, promptTokens: 100, completionTokens: 20 })
    expect(calls[0]!.user).toContain('{"t":0,"signal":1,"last_action":"FLAT"}')
    expect(calls[0]!.user).toContain('- SHORT: sell')
    expect(provider.requests[0]).toMatchObject({ actions: ['FLAT', 'LONG', 'SHORT'], maxRationaleChars: 240, temperature: 0 })
  })

  it.each([
    ['invalid_json', 'not json'],
    ['action_not_allowed', replyJson('DOUBLE_DOWN', 'More.')],
    ['rationale_too_long', replyJson('SHORT', 'x'.repeat(241))],
    ['too_many_sentences', replyJson('SHORT', 'Up. Down. Left. Right.')],
    ['rationale_empty', replyJson('SHORT', '')],
    ['provider_error', { error: 'HTTP 500' }],
    ['provider_error', { throws: 'synchronous failure' }]
  ] as const)('falls back to the baseline with %s', async (reason: string, answer: ScriptedAnswer) => {
    const { decisions, calls } = await drive([answer], 1)
    expect(decisions[0]).toEqual({ action: 'LONG', rationale: `Signal up. [agent fallback: ${reason}]`, source: 'BASELINE' })
    expect(calls[0]).toMatchObject({ valid: false, reason, action: 'LONG', source: 'BASELINE' })
    expect(calls[0]!.detail).toBeTruthy()
  })

  it('times a hung model out and falls back, recording the timeout as the latency', async () => {
    const { decisions, calls } = await drive([{ hang: true }], 1, { timeoutMs: 15 })
    expect(decisions[0]!.source).toBe('BASELINE')
    expect(calls[0]).toMatchObject({ reason: 'timeout', raw: null, latencyMs: 15 })
  })

  it('goes flat with source OVERRIDE when fallback to the baseline is off', async () => {
    const { decisions } = await drive(['garbage'], 1, { fallbackToBaseline: false })
    expect(decisions[0]).toMatchObject({ action: 'FLAT', source: 'OVERRIDE' })
  })

  it('asks on its cadence and holds the last decision between', async () => {
    const { decisions, provider } = await drive((_, i) => replyJson(i % 2 === 0 ? 'SHORT' : 'LONG', `Call ${i}.`), 7, { decisionEvery: 3 })
    expect(provider.requests.length).toBe(3)
    expect(decisions.map((d) => d.action)).toEqual(['SHORT', 'SHORT', 'SHORT', 'LONG', 'LONG', 'LONG', 'SHORT'])
    expect(decisions[1]).toBe(decisions[0])
    expect(new Set(provider.requests.map((r) => r.seed)).size).toBe(3)
  })

  it('holds a fallback decision too, and stops asking at the call cap', async () => {
    const { decisions, provider } = await drive(['bad'], 6, { decisionEvery: 2, maxCalls: 2 })
    expect(provider.requests.length).toBe(2)
    expect(decisions[1]).toBe(decisions[0])
    // After the cap the baseline decides on the cadence steps.
    expect(decisions[4]).toEqual({ action: 'LONG', rationale: 'Signal up.', source: 'BASELINE' })
  })

  it('counts the notebook metrics: calls, successes, validity, fallbacks by reason, latency', async () => {
    const script: Script = [
      { raw: replyJson('LONG', 'Up.'), latencyMs: 10 },
      { raw: replyJson('SHORT', 'Down.'), latencyMs: 30 },
      { raw: 'nope', latencyMs: 20 },
      { raw: replyJson('HOLD', 'x'), latencyMs: 40 }
    ]
    const { stats } = await drive(script, 4)
    const s = stats.summary()
    expect(s).toMatchObject({ calls: 4, valid: 2, validityRate: 0.5, overrides: 0, promptTokens: 400, completionTokens: 80 })
    expect(s.fallbacks).toMatchObject({ invalid_json: 1, action_not_allowed: 1, timeout: 0 })
    expect(s.latencyMeanMs).toBe(25)
    // np.percentile([10, 20, 30, 40], 95) = 38.5; np.percentile(…, 50) = 25.0
    expect(s.latencyP95Ms).toBeCloseTo(38.5, 12)
    expect(s.latencyP50Ms).toBe(25)
    expect(stats.metrics({ successes: 'LLM successes' })).toMatchObject({ llm_calls: 4, 'LLM successes': 2, llm_validity_rate: 0.5 })
  })
})

describe('percentile', () => {
  it('interpolates linearly like np.percentile', () => {
    // np.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 95) = 59.049999999999905
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 95)).toBeCloseTo(59.05, 10)
    expect(percentile([], 95)).toBeNull()
    expect(percentile([4], 95)).toBe(4)
  })
})
