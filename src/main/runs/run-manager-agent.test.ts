import { join } from 'node:path'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiError, type EventName, type LabRunSpec, type ServiceStatus } from '../../shared/contract'
import { AgentSettings } from '../../shared/contract/agent-settings'
import { engineMethods } from '../../shared/contract/protocol'
import { replyTokenBudget, type AgentRequest } from '../agent/provider'
import { labAgents } from '../labs/agents'
import { AgentSettingsFile } from '../agent/settings/settings-file'
import { agentSpec } from '../agent/settings/agent-spec'
import { WorkstationAgent, type PreparedAgentRun } from '../agent/settings/workstation-agent'
import { replyJson, ScriptedProvider } from '../agent/testing/scripted-provider'
import { writeTestModel } from '../agent/testing/test-model'
import { AuditService } from '../audit/audit-service'
import type { Clock } from '../clock'
import { localService } from '../services/local-service'
import type { EngineService } from '../services/service-host'
import { AgentCallsStore } from '../store/agent-calls'
import { AuditStore } from '../store/audit-store'
import { RunsRepository } from '../store/runs-repository'
import { useStoreSandbox } from '../store/test-support'
import { engineHandlers } from '../workers/engine-handlers'
import type { AgentRunSupport } from './agent-run'
import { RunManager } from './run-manager'

const sandbox = useStoreSandbox()
const clock: Clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
const FX: LabRunSpec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: {} }
const modelDir = mkdtempSync(join(tmpdir(), 'mechanica-run-agent-'))
afterAll(() => rmSync(modelDir, { recursive: true, force: true }))

/** The engine service in this process, behind its method table. */
function inProcessEngine(): EngineService {
  const local = localService('engine', engineMethods, engineHandlers)
  const status = (): ServiceStatus => ({ name: 'engine', state: 'ready', pid: 1, restarts: 0, lastExit: null, restartInMs: null })
  return { name: 'engine', call: local.call, start: local.start, stop: local.stop, onStatus: local.onStatus, status } as EngineService
}

/** Every third reply is prose (a logged fallback); the rest pick an allowed action by the call's seed. */
const answer = (r: AgentRequest, i: number) => (i % 3 === 2 ? 'LONG, obviously' : replyJson(r.actions[r.seed % r.actions.length]!, 'Carry is positive. Risk is calm.'))

function setup(support: (store: AgentCallsStore) => AgentRunSupport | undefined) {
  const db = sandbox.openTracked(`${sandbox.dir}/agent-runs.db`)
  const repo = new RunsRepository(db)
  const store = new AgentCallsStore(db)
  const engine = inProcessEngine()
  const events: Array<{ event: EventName; payload: unknown }> = []
  const manager = new RunManager(engine, repo, (event, payload) => events.push({ event, payload }), clock, 'test-1', undefined, support(store))
  const audit = new AuditService(repo, new AuditStore(db), engine, clock, undefined, store)
  return { repo, store, manager, events, audit }
}

/** A checked model that is a scripted stand-in: what the settings' pre-run check hands the run manager. */
function scripted(settings: Partial<AgentSettings> = {}) {
  // Each run opens its own model, as the agent service does: the script counts its calls from 0.
  const model = () => new ScriptedProvider(answer, { model: 'tiny-test.gguf', quantisation: 'F32' })
  return (store: AgentCallsStore): AgentRunSupport => ({
    store,
    prepare: async (spec): Promise<PreparedAgentRun> => ({
      spec: agentSpec(spec, AgentSettings.parse({ provider: 'embedded', modelPath: '/m/tiny-test.gguf', ...settings })),
      identity: model().identity,
      bounds: { timeoutMs: 1000, maxRationaleChars: 80, maxTokens: 176 },
      open: async (onLoad) => {
        onLoad(0.25)
        onLoad(1)
        return model()
      }
    })
  })
}

describe('run manager: a run with the book agent', () => {
  it('runs with the checked model, stores every call with its step as the CLI does, and replays identically without it', async () => {
    const { repo, store, manager, events, audit } = setup(scripted({ decisionEvery: 10 }))
    const run = await manager.start(FX, { agent: true })
    expect(run.spec).toMatchObject({ overrides: { 'policy_params.enable_llm': true, 'policy_params.decision_every': 10 } })
    await manager.drain()
    const ended = repo.get(run.id)!
    expect(ended.status).toBe('completed')
    const results = repo.results(run.id)
    if (results?.kind !== 'lab') throw new Error('expected lab results')
    const agent = results.agent!
    expect(agent).toMatchObject({ status: 'active', provider: 'scripted', model: 'tiny-test.gguf', calls: Math.ceil(results.steps / 10) })
    expect(agent.fallbacks.invalid_json).toBe(Math.floor(agent.calls / 3))
    expect(results.manifest.agent).toMatchObject({ decisionEvery: 10, timeoutMs: 1000, maxRationaleChars: 80, maxTokens: replyTokenBudget(Object.keys(labAgents.get(FX.lab)!.actions), 80), calls: agent.calls, replayed: false })
    // Every call stored, chained to the manifest's head; the step detail reads prompt and reply.
    expect(store.calls(run.id)).toHaveLength(agent.calls)
    expect(store.verify(run.id, results.manifest.agent!.callsHead)).toBeNull()
    const first = store.callAt(run.id, 0)!
    expect(first).toMatchObject({ t: 0, valid: true, source: 'AGENT' })
    expect(first.user).toContain('Allowed actions')
    expect(JSON.parse(first.raw!)).toMatchObject({ rationale: 'Carry is positive. Risk is calm.' })
    expect(store.callAt(run.id, 25)).toMatchObject({ t: 20, valid: false, reason: 'invalid_json', raw: 'LONG, obviously', source: 'BASELINE' })
    // Load progress, then the run's own progress.
    const loads = events.filter((e) => e.event === 'task.progress').map((e) => e.payload)
    expect(loads).toEqual([
      { task: 'agent.load', done: 25, total: 100, label: `Run #${run.id}: loading tiny-test.gguf` },
      { task: 'agent.load', done: 100, total: 100, label: `Run #${run.id}: loading tiny-test.gguf` }
    ])
    const replay = await audit.replay(run.id)
    expect(replay).toMatchObject({ identical: true, firstDivergence: null, storedSteps: results.steps })
    // A re-run asks the model again (the same scripted answers here: the same results).
    const again = await manager.rerun(run.id)
    await manager.drain()
    expect(repo.get(again.id)).toMatchObject({ status: 'completed', resultsHash: ended.resultsHash })
    expect(store.calls(again.id)).toHaveLength(agent.calls)
  })

  it('refuses to start when the pre-run check fails or no agent runtime exists, and writes nothing', async () => {
    const failing = (store: AgentCallsStore): AgentRunSupport => ({
      store,
      prepare: () => Promise.reject(new ApiError('invalid_params', "The agent's model failed its check, so the run was not started: agent model /m/x.gguf does not exist"))
    })
    const { repo, manager } = setup(failing)
    await expect(manager.start(FX, { agent: true })).rejects.toThrow('agent model /m/x.gguf does not exist')
    await expect(manager.start({ task: 'random-walk', steps: 10, seed: 1, start: 100, drift: 0, volatility: 0.01 }, { agent: true })).rejects.toThrow('Only a book lab runs with the agent')
    expect(repo.list({ limit: 10, offset: 0 }).total).toBe(0)
    const bare = setup(() => undefined)
    await expect(bare.manager.start(FX, { agent: true })).rejects.toThrow('This workstation has no agent runtime')
  })

  it('runs the tiny GGUF model through the agent service process, reporting its load progress', async () => {
    const modelFile = writeTestModel(modelDir, 1)
    const file = new AgentSettingsFile(join(modelDir, 'agent-settings.json'))
    file.save(AgentSettings.parse({ provider: 'embedded', modelPath: modelFile, decisionEvery: 200, timeoutMs: 60_000, maxRationaleChars: 40 }))
    const workstationAgent = new WorkstationAgent({ file, workersDir: join(__dirname, '../../../out/main/workers') })
    const { repo, store, manager, events } = setup((s) => ({ store: s, prepare: (spec) => workstationAgent.prepare(spec) }))
    const run = await manager.start(FX, { agent: true })
    await manager.drain()
    expect(repo.get(run.id)).toMatchObject({ status: 'completed', error: null })
    const results = repo.results(run.id)
    if (results?.kind !== 'lab') throw new Error('expected lab results')
    expect(results.manifest.agent).toMatchObject({ provider: 'embedded', model: 'test-model-seed-1.gguf', quantisation: 'F32', decisionEvery: 200 })
    expect(store.calls(run.id)).toHaveLength(results.agent!.calls)
    // Grammar-constrained and within its token budget, every reply is one JSON object with an allowed action.
    const calls = store.calls(run.id)
    expect(calls.every((c) => c.raw !== null && c.reason !== 'invalid_json' && c.reason !== 'action_not_allowed')).toBe(true)
    // Temperature 0 and the run's seed: the tiny model's first answer is a valid one, and it decides step 0.
    expect(calls[0]).toMatchObject({ t: 0, valid: true, source: 'AGENT' })
    const loads = events.filter((e) => e.event === 'task.progress').map((e) => (e.payload as { done: number }).done)
    expect(loads.at(-1)).toBe(100)
  }, 120_000)
})
