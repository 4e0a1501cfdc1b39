import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PolicyMemory } from '../../engine/kernel/decision'
import { replyTokenBudget } from '../provider'
import { openEmbeddedProvider, type EmbeddedProvider } from '../providers/embedded'
import { toyAgent, toyLab, type ToyAction } from '../testing/drive-selector'
import { writeTestModel } from '../testing/test-model'
import type { AgentCall } from './call'
import { selectorSettings } from './lab-run'
import { AgentSelector } from './selector'

// The reply schema's grammar keeps the tiny byte-level model's reply valid JSON only if the
// token budget lets it reach the closing brace: with one token per byte a 240-character
// rationale needs more than the old fixed 160 tokens, and every reply was cut (invalid_json).

describe('the reply token budget', () => {
  it('covers the longest reply the grammar admits: widest whitespace, longest action, six-byte escapes', () => {
    const actions = ['hold', 'add_risk']
    const longest = `{\n    "action": "add_risk",\n    "rationale": "${'\\u00e9'.repeat(60)}"\n}\n\n\n\n`
    const budget = replyTokenBudget(actions, 60)
    expect(budget).toBeGreaterThanOrEqual(Buffer.byteLength(longest))
    // an upper bound, not a guess: the whitespace allowance (21 bytes) is all that may go unused
    expect(budget - Buffer.byteLength(longest)).toBeLessThanOrEqual(21 - 11)
    expect(replyTokenBudget(actions, 240)).toBe(budget + 6 * 180)
  })

  it('is the floor of every run\'s maxTokens, whatever the config says', () => {
    const settings = selectorSettings(toyAgent(), null, { maxTokens: 10 })
    expect(settings.maxTokens).toBe(replyTokenBudget(toyLab.actions, settings.maxRationaleChars))
    expect(selectorSettings(toyAgent(), null, { maxTokens: 5000 }).maxTokens).toBe(5000)
  })
})

describe('the tiny GGUF model through node-llama-cpp and the bounded selector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-validity-'))
  let provider: EmbeddedProvider

  beforeAll(async () => {
    provider = await openEmbeddedProvider(writeTestModel(dir, 1), { gpu: false, threads: 1, contextSize: 2048 })
  }, 120_000)
  afterAll(async () => {
    await provider?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Ten decision steps of the toy lab through the real selector settings (the run's token budget). */
  async function shortRun(temperature: number): Promise<AgentCall[]> {
    const settings = { ...selectorSettings(toyAgent(), null, {}), temperature }
    const calls: AgentCall[] = []
    const selector = new AgentSelector<{ t: number; signal: number }, ToyAction>(toyLab, toyAgent(), {
      provider,
      settings,
      runSeed: 3,
      config: null,
      regimes: [],
      onCall: (c) => calls.push(c)
    })
    const memory: PolicyMemory<ToyAction> = { t: 0, lastAction: 'FLAT', lastDecision: null }
    for (let t = 0; t < 10; t++) {
      const o = { t, signal: t % 3 === 0 ? 1 : -1 }
      memory.t = t
      await selector.prepare(o, memory)
      memory.lastAction = selector.decide(o, memory).action
    }
    expect(calls).toHaveLength(10)
    for (const c of calls) expect(c.completionTokens).toBeLessThanOrEqual(settings.maxTokens)
    return calls
  }

  it('gets a valid reply on every call of a short run at temperature 0 and the default 240-character cap', async () => {
    // Deterministic (temperature 0, CPU, one thread): 10 of 10, where the fixed 160-token budget gave 0 of 10.
    const calls = await shortRun(0)
    expect(calls.map((c) => c.reason)).toEqual(Array(10).fill(null))
    for (const c of calls) expect(c.source).toBe('AGENT')
  }, 300_000)

  it('at temperature 0.8 the grammar still guarantees the JSON and the action; only the text checks may reject', async () => {
    const calls = await shortRun(0.8)
    const reasons = calls.map((c) => c.reason)
    for (const reason of ['invalid_json', 'action_not_allowed', 'provider_error', 'timeout']) expect(reasons).not.toContain(reason)
    // llama.cpp's grammar counts code points with a lenient UTF-8 decoder, so a byte-level model
    // can emit a byte sequence that is not UTF-8 (overlong, above U+10FFFF): it passes the grammar
    // as one character and decodes as up to four U+FFFD. Such a reply is over the cap and is
    // rejected; an over-long rationale of valid text never is.
    for (const c of calls.filter((c) => c.reason === 'rationale_too_long')) expect(c.raw).toContain('\uFFFD')
    expect(calls.some((c) => c.valid)).toBe(true)
  }, 300_000)
})
