import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentComparison } from '../../../shared/contract/agent-comparison'
import { mechanica } from '../../cli-test-support'
import { writeTestModel } from '../testing/test-model'

// `compare-agent` as a user types it, with the tiny generated GGUF served by the agent process:
// every seed runs with the baseline and with the model, the pairs are stored, and the printed
// comparison is the engine's.

describe('mechanica compare-agent --agent model.gguf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-compare-agent-cli-'))
  const model = writeTestModel(dir)
  const sets = ['--set', 'policy_params.decision_every=40', '--set', 'T=200']

  it('compares the model with the rule baseline over two seeds and stores the four runs', async () => {
    const db = join(dir, 'ensemble.db')
    const out = await mechanica('compare-agent', 'fx-carry', '--agent', model, '--seeds', '1..2', ...sets, '--db', db, '--json')
    expect(out.code).toBe(0)
    const c = JSON.parse(out.stdout) as AgentComparison & { database: string }
    expect(c).toMatchObject({ lab: 'fx-carry', preset: 'faithful', seeds: [1, 2], database: db })
    expect(c.pairs.map((p) => [p.baselineRunId, p.agentRunId])).toEqual([
      [1, 2],
      [3, 4]
    ])
    // 200 steps at cadence 40: five calls per agent run; a random-weight model's replies are valid or counted fallbacks.
    expect(c.agent.calls).toBe(10)
    expect(c.agent.valid + Object.values(c.agent.fallbacks).reduce((a, b) => a + b, 0)).toBe(10)
    expect(c.measures.map((m) => [m.measure, m.n])).toEqual([
      ['netPnl', 2],
      ['sharpe', 2],
      ['maxDrawdown', 2],
      ['costs', 2]
    ])
    expect(out.stderr).toContain('compare-agent: 4/4 runs (done)')
  }, 240_000)

  it('refuses a missing model or a bad seed range in one line, exit 2, nothing stored', async () => {
    const db = join(dir, 'refused.db')
    const missing = await mechanica('compare-agent', 'fx-carry', '--agent', join(dir, 'absent.gguf'), '--seeds', '1..2', ...sets, '--db', db)
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('absent.gguf')
    const backwards = await mechanica('compare-agent', 'fx-carry', '--agent', model, '--seeds', '9..3', '--db', db)
    expect(backwards.code).toBe(2)
    expect(backwards.stderr).toMatch(/^mechanica: --seeds expects/)
    const noModel = await mechanica('compare-agent', 'fx-carry', '--seeds', '1..2', '--db', db)
    expect(noModel.code).toBe(2)
    expect(noModel.stderr).toMatch(/needs --agent/)
    expect(existsSync(db)).toBe(false)
  }, 60_000)
})
