import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ChunkSink, StepChunk } from '../engine/kernel'
import { POLICY_SOURCES } from '../engine/kernel/run'
import { executeLab } from '../labs/execute'
import { labAgents } from '../labs/agents'
import type { AgentRequest } from './provider'
import { firstDifference, RecordedProvider } from './replay/recorded-provider'
import type { AgentCall } from './selector/call'
import { ReplayMismatchError } from './selector/errors'
import { replyJson, ScriptedProvider, type ScriptedAnswer } from './testing/scripted-provider'

/** Every step's action and source, as the decision log has them. */
class Steps implements ChunkSink {
  readonly actions: number[] = []
  readonly sources: number[] = []
  onChunk(chunk: StepChunk): void {
    for (let i = 0; i < chunk.count; i++) {
      this.actions.push(chunk.columns.action[i]!)
      this.sources.push(chunk.columns.source[i]!)
    }
  }
}

const FX = { task: 'lab' as const, lab: 'fx-carry', preset: 'faithful' as const, overrides: { 'policy_params.enable_llm': true, 'policy_params.decision_every': 10 } }

/** A model that answers from the request alone: an allowed action picked by the call's seed. */
const bySeed = (request: AgentRequest): ScriptedAnswer => replyJson(request.actions[request.seed % request.actions.length]!, `Seed ${request.seed % 97} says so.`)

describe('a book lab run with the agent', () => {
  it('without a model, or with the agent switched off, is the rule baseline run exactly', async () => {
    const plain = await executeLab({ ...FX, overrides: {} })
    const noModel = await executeLab(FX, { agent: { provider: null } })
    const off = await executeLab({ ...FX, overrides: { 'policy_params.decision_every': 10 } }, { agent: { provider: new ScriptedProvider([replyJson('FLAT', 'x')]) } })
    const baselineAtTen = await executeLab({ ...FX, overrides: { 'policy_params.decision_every': 10 } })
    expect(noModel.results.agent).toMatchObject({ status: 'no-model', calls: 0, message: 'No model is configured: the rule baseline decides every step.' })
    expect(off.results.agent).toMatchObject({ status: 'disabled', calls: 0 })
    expect(off.resultsHash).toBe(baselineAtTen.resultsHash)
    expect(noModel.results.manifest.agent).toBeUndefined()
    expect(plain.results.agent).toBeUndefined()
  })

  it('asks on the cadence, logs sources, and replays bit-identically from its recorded replies', async () => {
    const script = (request: AgentRequest, i: number): ScriptedAnswer => (i % 5 === 3 ? 'not json' : i % 7 === 4 ? { error: 'model process exited' } : bySeed(request))
    const calls: AgentCall[] = []
    const provider = new ScriptedProvider(script, { model: 'toy.gguf', sha256: 'ab'.repeat(32), sizeBytes: 1234 })
    const live = await executeLab(FX, { agent: { provider, onCall: (c) => calls.push(c) } })
    const agent = live.results.agent!
    expect(agent.status).toBe('active')
    expect(agent.calls).toBe(Math.ceil(live.results.steps / 10))
    expect(agent.calls).toBe(calls.length)
    expect(agent.fallbacks.invalid_json! + agent.fallbacks.provider_error!).toBe(calls.filter((c) => !c.valid).length)
    expect(agent.valid + agent.fallbacks.invalid_json! + agent.fallbacks.provider_error!).toBe(agent.calls)
    expect(live.results.manifest.agent).toMatchObject({ provider: 'scripted', model: 'toy.gguf', decisionEvery: 10, temperature: 0, replayed: false })
    expect(calls.every((c) => c.t % 10 === 0)).toBe(true)
    expect(live.results.metrics.llm_calls).toBe(agent.calls)

    const recorded = new RecordedProvider(calls, provider.identity)
    const replayCalls: AgentCall[] = []
    const replay = await executeLab(FX, { agent: { provider: recorded, replayed: true, onCall: (c) => replayCalls.push(c) } })
    expect(replay.resultsHash).toBe(live.resultsHash)
    expect(replayCalls).toEqual(calls)
    expect(recorded.unused).toBe(0)
    expect({ ...replay.results.agent }).toEqual({ ...agent })
    expect(replay.results.manifest.agent?.replayed).toBe(true)

    // Re-ask: another model, the first step where the decision differs.
    const other: AgentCall[] = []
    await executeLab(FX, { agent: { provider: new ScriptedProvider((r) => (r.seed % 3 === 0 ? replyJson('FLAT', 'Flat.') : bySeed(r))), onCall: (c) => other.push(c) } })
    const diff = firstDifference(calls, other)
    const expected = calls.findIndex((c, i) => c.action !== other[i]!.action || c.source !== other[i]!.source)
    expect(diff?.t).toBe(calls[expected]!.t)
    expect(firstDifference(calls, replayCalls)).toBeNull()
  })

  it('refuses a replay whose question is not the recorded one', async () => {
    const calls: AgentCall[] = []
    await executeLab(FX, { agent: { provider: new ScriptedProvider(bySeed), onCall: (c) => calls.push(c) } })
    const tampered = calls.map((c, i) => (i === 2 ? { ...c, user: c.user.replace('"t":20', '"t":21') } : c))
    await expect(executeLab(FX, { agent: { provider: new RecordedProvider(tampered, { provider: 'scripted', model: 'x', contextSize: 1 }) } })).rejects.toThrow(ReplayMismatchError)
  })

  it('a fault at any call never loses a step: same steps, a decision and a source on each', async () => {
    const reference = new Steps()
    const base = await executeLab(FX, { sinks: [reference] })
    const faults: ScriptedAnswer[] = ['{', replyJson('YOLO', 'x'), replyJson('FLAT', 'z'.repeat(500)), { error: 'killed' }, { throws: 'boom' }, { hang: true }]
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: faults.length }), { minLength: 1, maxLength: 12 }), async (plan) => {
        const steps = new Steps()
        const answer = (r: AgentRequest, i: number): ScriptedAnswer => {
          const k = plan[i % plan.length]!
          return k === faults.length ? bySeed(r) : faults[k]!
        }
        const run = await executeLab(FX, { sinks: [steps], agent: { provider: new ScriptedProvider(answer), timeoutMs: 5 } })
        expect(run.results.steps).toBe(base.results.steps)
        expect(steps.sources.length).toBe(reference.sources.length)
        for (let i = 0; i < steps.sources.length; i++) {
          expect(POLICY_SOURCES[steps.sources[i]!]).toBeDefined()
          expect(steps.actions[i]).toBeGreaterThanOrEqual(0)
        }
        const a = run.results.agent!
        expect(a.valid + Object.values(a.fallbacks).reduce((x, y) => x + y, 0)).toBe(a.calls)
      }),
      { numRuns: 12, seed: 16 }
    )
  })

  it.each([...labAgents.keys()])('%s: the agent decides steps from its context', async (id: string) => {
    const requests: AgentRequest[] = []
    const provider = new ScriptedProvider((r) => {
      requests.push(r)
      return bySeed(r)
    })
    const run = await executeLab({ task: 'lab', lab: id, preset: 'faithful', overrides: { ...enable(id) } }, { agent: { provider } })
    const agent = run.results.agent!
    expect(agent.status).toBe('active')
    expect(agent.calls).toBeGreaterThan(0)
    expect(agent.valid).toBe(agent.calls)
    expect(agent.agentSteps).toBeGreaterThan(0)
    // The context is JSON with the step and no non-finite number the model could not read.
    const line = requests[0]!.user.split('\n')[1]!
    expect(JSON.parse(line)).toHaveProperty('t')
    expect(line).not.toMatch(/NaN|Infinity/)
  })
})

/** The switch that turns the agent on, where the lab's config has one. */
function enable(id: string): Record<string, unknown> {
  return ['oil-curve', 'crypto-arb'].includes(id) ? {} : { 'policy_params.enable_llm': true }
}
