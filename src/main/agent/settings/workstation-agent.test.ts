import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiError, type LabRunSpec } from '../../../shared/contract'
import { AgentSettings } from '../../../shared/contract/agent-settings'
import { planLab } from '../../labs/execute'
import { closedPort, serveTestModel } from '../testing/fixtures'
import { writeTestModel } from '../testing/test-model'
import { AgentSettingsFile, agentSettingsPathFor } from './settings-file'
import { agentSpec } from './agent-spec'
import { WorkstationAgent } from './workstation-agent'

const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-settings-'))
const modelFile = writeTestModel(dir, 1)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const settings = (over: Partial<AgentSettings> = {}): AgentSettings => AgentSettings.parse({ provider: 'embedded', modelPath: modelFile, ...over })
const lab = (id: string, overrides: Record<string, unknown> = {}): LabRunSpec => ({ task: 'lab', lab: id, preset: 'faithful', overrides })

function agentWith(saved: AgentSettings | null, name = 'agent-settings.json'): WorkstationAgent {
  const file = new AgentSettingsFile(join(dir, name))
  if (saved) file.save(saved)
  return new WorkstationAgent({ file, workersDir: join(dir, 'no-workers') })
}

/** An ApiError's message, or a failure when the promise resolves. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ApiError)
  return (error as ApiError).message
}

describe('agent settings file', () => {
  it('keeps the settings beside the database and reads back what was saved', () => {
    expect(agentSettingsPathFor('/data/runs/mechanica.db')).toBe('/data/runs/agent-settings.json')
    const file = new AgentSettingsFile(join(dir, 'round-trip.json'))
    expect(file.read().provider).toBe('none')
    file.save(settings({ decisionEvery: 7, temperature: 0.3 }))
    expect(new AgentSettingsFile(join(dir, 'round-trip.json')).read()).toEqual(settings({ decisionEvery: 7, temperature: 0.3 }))
  })

  it('reads a damaged or hand-edited file as the defaults and says which field was wrong', () => {
    const warnings: string[] = []
    const path = join(dir, 'damaged.json')
    writeFileSync(path, JSON.stringify({ provider: 'embedded', modelPath: modelFile, decisionEvery: -3 }))
    expect(new AgentSettingsFile(path, (m) => warnings.push(m)).read()).toEqual(AgentSettings.parse({}))
    writeFileSync(path, '{ not json')
    expect(new AgentSettingsFile(path, (m) => warnings.push(m)).read().provider).toBe('none')
    expect(warnings[0]).toContain('decisionEvery must be at least 1 steps')
    expect(warnings[1]).toContain('is not readable JSON')
    expect(readFileSync(path, 'utf8')).toBe('{ not json')
  })
})

describe('the agent settings applied to a run', () => {
  it("sets the selector's switches where the lab's config has them; the spec's own overrides win", () => {
    const fx = agentSpec(lab('fx-carry', { 'policy_params.llm_temperature': 0.5 }), settings({ decisionEvery: 5, temperature: 0.2, fallbackToBaseline: false }))
    expect(fx.overrides).toEqual({
      'policy_params.enable_llm': true,
      'policy_params.llm_temperature': 0.5,
      'policy_params.fallback_to_baseline_on_error': false,
      'policy_params.decision_every': 5
    })
    // The oil-curve notebook keeps its cadence at the top level and has no LLM switches.
    expect(agentSpec(lab('oil-curve'), settings({ decisionEvery: 4 })).overrides).toEqual({ decision_every: 4 })
    // Every spec it makes is one the lab accepts.
    for (const id of ['fx-carry', 'oil-curve', 'vol-surface', 'credit-spreads', 'cascade', 'crypto-arb']) expect(() => planLab(agentSpec(lab(id), settings()))).not.toThrow()
  })

  it('checks the tiny GGUF model without loading it and names it by file and quantisation', async () => {
    const agent = agentWith(settings())
    const checked = await agent.check(settings())
    expect(checked.model).toBe('test-model-seed-1.gguf · F32')
    expect(checked.identity).toMatchObject({ provider: 'embedded', model: 'test-model-seed-1.gguf', quantisation: 'F32' })
    expect(checked.identity.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect((await agent.view()).model).toBe('test-model-seed-1.gguf · F32')
  })

  it('checks an endpoint that answers: the tiny model behind a loopback chat-completions server', async () => {
    const served = await serveTestModel(modelFile, 512)
    try {
      const agent = agentWith(null, 'endpoint.json')
      const port = new URL(served.server.url).port
      const checked = await agent.check(settings({ provider: 'endpoint', endpointUrl: served.server.url }))
      expect(checked.identity).toMatchObject({ provider: 'endpoint', endpoint: served.server.url, remoteAllowed: false })
      expect(checked.model).toBe(`${checked.identity.model} @ 127.0.0.1:${port}`)
      expect(await refusal(agent.check(settings({ provider: 'endpoint', endpointUrl: served.server.url, endpointModel: 'no-such-model' })))).toMatch(/does not serve model no-such-model/)
    } finally {
      await served.close()
    }
  }, 60_000)

  it('fails the check in one line naming the problem: a missing file, a file that is not GGUF, an endpoint that does not answer, a remote host', async () => {
    const agent = agentWith(null, 'unused.json')
    const notGguf = join(dir, 'notes.gguf')
    writeFileSync(notGguf, 'these are notes, not weights')
    expect(await refusal(agent.check(settings({ modelPath: join(dir, 'missing.gguf') })))).toBe(`agent model ${join(dir, 'missing.gguf')} does not exist`)
    expect(await refusal(agent.check(settings({ modelPath: notGguf })))).toBe(`agent model ${notGguf} is not a GGUF file (it does not start with "GGUF")`)
    const port = await closedPort()
    const endpoint = await refusal(agent.check(settings({ provider: 'endpoint', endpointUrl: `http://127.0.0.1:${port}/v1` })))
    expect(endpoint).toContain(`127.0.0.1:${port}`)
    expect(endpoint).not.toContain('\n')
    expect(await refusal(agent.check(settings({ provider: 'endpoint', endpointUrl: 'http://192.0.2.7:8080/v1' })))).toBe('agent endpoint 192.0.2.7:8080 is not on this machine; allow remote endpoints explicitly to use it')
    expect(await refusal(agent.check(AgentSettings.parse({})))).toContain('No agent model is configured')
  })

  it('refuses to prepare a run without a model, with a failing model, or for a lab without the agent', async () => {
    expect(await refusal(agentWith(AgentSettings.parse({}), 'none.json').prepare(lab('fx-carry')))).toBe(
      'No agent model is configured — the rule baseline decides every step; choose a model in the agent settings first.'
    )
    expect(await refusal(agentWith(settings({ modelPath: join(dir, 'gone.gguf') }), 'gone.json').prepare(lab('fx-carry')))).toBe(
      `The agent's model failed its check, so the run was not started: agent model ${join(dir, 'gone.gguf')} does not exist`
    )
    expect(await refusal(agentWith(settings(), 'walk.json').prepare(lab('microstructure')))).toMatch(/^microstructure has no agent/)
    const prepared = await agentWith(settings({ timeoutMs: 1500, maxRationaleChars: 60 }), 'ok.json').prepare(lab('fx-carry'))
    expect(prepared).toMatchObject({ bounds: { timeoutMs: 1500, maxRationaleChars: 60 }, identity: { model: 'test-model-seed-1.gguf' } })
    // The token budget is the selector's: never less than the longest reply the schema admits (replyTokenBudget).
    expect(prepared.bounds.maxTokens).toBeUndefined()
    expect(prepared.spec.overrides['policy_params.enable_llm']).toBe(true)
  })
})
