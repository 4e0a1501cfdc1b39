import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../cli-test-support'
import { writeTestModel } from './testing/test-model'

// `run <lab> --agent model.gguf` end to end as a user types it: the built CLI checks the model,
// starts the agent service process with the tiny generated GGUF, asks it at the lab's cadence,
// stores the calls with the run, and `replay` reproduces the run from them without the model.

describe('mechanica run --agent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-agent-cli-'))
  const model = writeTestModel(dir)
  const sets = ['--set', 'policy_params.enable_llm=true', '--set', 'policy_params.decision_every=40', '--set', 'T=200']

  it('runs a book lab with the embedded model, prints the agent block, and replays it without the model', async () => {
    const db = join(dir, 'runs.db')
    const out = await mechanica('run', 'fx-carry', '--preset', 'faithful', '--seed', '7', ...sets, '--agent', model, '--db', db, '--json')
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout) as { runId: number; steps: number; agent: { provider: string; calls: number; valid: number; fallbacks: Record<string, number>; model: { sha256: string }; latencyP95Ms: number } }
    expect(result.agent.provider).toBe('embedded')
    expect(result.agent.model.sha256).toMatch(/^[0-9a-f]{64}$/)
    // one call per 40 steps until the run ends (the random model's choices may halt it early)
    expect(result.agent.calls).toBe(Math.ceil(result.steps / 40))
    // the schema-constrained reply is complete JSON within the token budget: every call valid, no fallback
    expect(result.agent.valid).toBe(result.agent.calls)
    expect(result.agent.fallbacks).toEqual({})
    const replay = await mechanica('replay', '--db', db, '--run', String(result.runId), '--json')
    expect(replay.code).toBe(0)
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true })
    // Re-ask: the same model at temperature 0 with the run's seed answers as it did, so no decision differs.
    const reask = await mechanica('replay', '--db', db, '--run', String(result.runId), '--agent', model, '--json')
    expect(reask.code).toBe(0)
    const again = JSON.parse(reask.stdout) as { sameDecisions: boolean; firstDifference: unknown; recordedCalls: number; freshCalls: number; storedResultsHash: string; reaskedResultsHash: string }
    expect(again).toMatchObject({ sameDecisions: true, firstDifference: null })
    expect(again.freshCalls).toBe(again.recordedCalls)
    expect(again.reaskedResultsHash).toBe(again.storedResultsHash)
  }, 180_000)

  it('refuses a missing model file or a file that is not GGUF in one line, exit 2, nothing stored', async () => {
    const db = join(dir, 'refused.db')
    const missing = await mechanica('run', 'fx-carry', ...sets, '--agent', join(dir, 'absent.gguf'), '--db', db, '--json')
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('absent.gguf')
    const notGguf = await mechanica('run', 'fx-carry', ...sets, '--agent', join(__dirname, 'provider.ts'), '--db', db, '--json')
    expect(notGguf.code).toBe(2)
    expect(notGguf.stderr).toMatch(/GGUF/)
    expect(existsSync(db)).toBe(false)
  })
})
