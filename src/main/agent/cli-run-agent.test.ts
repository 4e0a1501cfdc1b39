import { describe, expect, it } from 'vitest'
import { executeLab } from '../labs/execute'
import { agentJson, withCliAgent } from './cli-run-agent'
import { replyJson, ScriptedProvider } from './testing/scripted-provider'

const fail = (message: string): never => {
  throw new Error(message)
}

describe('run --agent plumbing', () => {
  it('without --agent runs with no provider, and never calls the opener', async () => {
    let opened = 0
    const got = await withCliAgent(undefined, () => Promise.resolve(new ScriptedProvider([''], { model: String(++opened) })), fail, (p) => Promise.resolve(p))
    expect(got).toBeNull()
    expect(opened).toBe(0)
  })

  it('says in one line why a model does not open, before any work', async () => {
    let worked = false
    const open = () => Promise.reject(new Error('not a GGUF file (magic "PK\\x03\\x04")'))
    await expect(
      withCliAgent('/tmp/model.zip', open, fail, () => {
        worked = true
        return Promise.resolve()
      })
    ).rejects.toThrow('--agent /tmp/model.zip: not a GGUF file (magic "PK\\x03\\x04")')
    expect(worked).toBe(false)
    await expect(withCliAgent('x.gguf', null, fail, () => Promise.resolve())).rejects.toThrow(/no agent runtime/)
  })

  it('closes the model after the run, also when the run fails', async () => {
    const provider = new ScriptedProvider([replyJson('FLAT', 'x')])
    await expect(withCliAgent('m.gguf', () => Promise.resolve(provider), fail, () => Promise.reject(new Error('run failed')))).rejects.toThrow('run failed')
    expect(provider.closed).toBe(true)
  })

  it('prints the agent block: provider, model, calls, valid replies, fallbacks by reason, latency p50/p95', async () => {
    const provider = new ScriptedProvider((r, i) => (i % 3 === 2 ? 'nope' : { raw: replyJson('FLAT', 'Stand aside.'), latencyMs: 10 + i }), { model: 'tiny.gguf', sha256: 'c'.repeat(64) })
    const run = await executeLab({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { 'policy_params.enable_llm': true, 'policy_params.decision_every': 100 } }, { agent: { provider } })
    const block = agentJson(run.results)!
    const calls = run.results.agent!.calls
    expect(block).toMatchObject({ status: 'active', provider: 'scripted', model: { name: 'tiny.gguf', sha256: 'c'.repeat(64), decisionEvery: 100 }, calls })
    expect(block.fallbacks).toEqual({ invalid_json: Math.floor(calls / 3) })
    expect(block.valid).toBe(calls - Math.floor(calls / 3))
    expect(typeof block.latencyP95Ms).toBe('number')
  })
})
