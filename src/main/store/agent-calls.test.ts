import { describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { recordedAgent } from '../agent/replay/recorded-agent'
import type { AgentRequest } from '../agent/provider'
import { replyJson, ScriptedProvider } from '../agent/testing/scripted-provider'
import { executeLab } from '../labs/execute'
import { runAndStore } from '../runs/store-run'
import { CODE_VERSION } from '../version'
import { AgentCallsStore } from './agent-calls'
import { RunsRepository } from './runs-repository'
import { useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()
const spec: LabRunSpec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { 'policy_params.enable_llm': true, 'policy_params.decision_every': 25 } }
const answer = (r: AgentRequest, i: number) => (i % 4 === 1 ? 'oops' : replyJson(r.actions[r.seed % r.actions.length]!, 'Carry against the unwind risk.'))

async function storedAgentRun() {
  const db = sandbox.openTracked(`${sandbox.dir}/agent.db`)
  const repo = new RunsRepository(db)
  const store = new AgentCallsStore(db)
  const provider = new ScriptedProvider(answer, { model: 'tiny.gguf' })
  const stored = await runAndStore(repo, spec, { clock: { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }, codeVersion: CODE_VERSION, agent: { options: { provider }, store } })
  if (!stored.output) throw stored.error
  return { db, repo, store, runId: stored.run.id, output: stored.output }
}

describe('agent calls in the store', () => {
  it('keeps every call with its prompt and reply, chained to the manifest head', async () => {
    const { store, runId, output } = await storedAgentRun()
    const manifest = output.results.manifest.agent!
    const calls = store.calls(runId)
    expect(calls.length).toBe(manifest.calls)
    expect(calls.length).toBe(output.results.agent!.calls)
    expect(calls[1]).toMatchObject({ t: 25, raw: 'oops', valid: false, reason: 'invalid_json', source: 'BASELINE' })
    expect(calls[0]!.system).toContain('fx-carry')
    expect(store.verify(runId, manifest.callsHead)).toBeNull()
    // A held step shows the call that decided it.
    expect(store.callAt(runId, 30)?.t).toBe(25)
  })

  it('finds an edited reply and a dropped last call', async () => {
    const { db, store, runId, output } = await storedAgentRun()
    const head = output.results.manifest.agent!.callsHead
    db.exec('DROP TRIGGER agent_calls_no_update; DROP TRIGGER agent_calls_no_delete')
    const json = db.prepare('SELECT call_json FROM agent_calls WHERE run_id = ? AND seq = 2').pluck().get(runId) as string
    db.prepare('UPDATE agent_calls SET call_json = ? WHERE run_id = ? AND seq = 2').run(json.replace('Carry', 'Cary'), runId)
    expect(store.verify(runId, head)).toMatchObject({ index: 2 })
    db.prepare('UPDATE agent_calls SET call_json = ? WHERE run_id = ? AND seq = 2').run(json, runId)
    db.prepare('DELETE FROM agent_calls WHERE run_id = ? AND seq = (SELECT max(seq) FROM agent_calls WHERE run_id = ?)').run(runId, runId)
    expect(store.verify(runId, head)?.problem).toMatch(/calls missing at the end/)
  })

  it('refuses to change a stored call', async () => {
    const { db, runId } = await storedAgentRun()
    expect(() => db.prepare('UPDATE agent_calls SET t = 0 WHERE run_id = ?').run(runId)).toThrow(/append-only/)
  })

  it('replays the stored run bit-identically from its calls, without the model', async () => {
    const { store, runId, output } = await storedAgentRun()
    const agent = recordedAgent(output.results.manifest.agent, store.calls(runId))!
    const replay = await executeLab(spec, { inputs: { agent } })
    expect(replay.resultsHash).toBe(output.resultsHash)
    expect({ ...replay.results.manifest.agent, replayed: false }).toEqual(output.results.manifest.agent)
  })
})
