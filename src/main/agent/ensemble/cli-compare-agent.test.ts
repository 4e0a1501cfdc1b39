import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Clock } from '../../clock'
import { executeLab } from '../../labs/execute'
import { AuditStore } from '../../store/audit-store'
import { openDatabase } from '../../store/database'
import { RunsRepository } from '../../store/runs-repository'
import { replyJson, ScriptedProvider, type Script } from '../testing/scripted-provider'
import { commandCompareAgent, compareAgentText, type CompareAgentValues } from './cli-compare-agent'
import { MeasuresSink } from './measures'
import { comparisonAmong, ensembleOfRun } from './stored-pairs'

const clock: Clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' } as Clock
const dir = mkdtempSync(join(tmpdir(), 'mechanica-compare-agent-'))

function compare(values: CompareAgentValues, script: Script = [replyJson('FLAT', 'Stand aside.')], lab = 'fx-carry') {
  const providers: ScriptedProvider[] = []
  const open = () => {
    const p = new ScriptedProvider(script, { model: 'scripted.gguf' })
    providers.push(p)
    return Promise.resolve(p)
  }
  const run = commandCompareAgent([lab], { agent: 'scripted.gguf', ...values }, { open, inputs: () => Promise.resolve({}), clock, codeVersion: 'test' })
  return { run, providers }
}

const T200 = ['T=200']
let refused = 0

describe('compare-agent', () => {
  it('an agent whose every reply is rejected falls back to the baseline at every step: every difference is exactly 0', async () => {
    const c = await compare({ seeds: '1..3', set: T200 }, ['not json']).run
    expect(c.seeds).toEqual([1, 2, 3])
    for (const m of c.measures) expect(m).toMatchObject({ n: 3, meanDiff: 0, ties: 3, wins: 0, losses: 0, tInterval: [0, 0] })
    expect(c.verdict).toBe("The agent's runs match the baseline's net P&L on all 3 seeds (its replies fell back or agreed with the baseline): no difference after costs.")
    expect(c.agent).toMatchObject({ calls: 600, valid: 0, validityRate: 0, controlShare: 0, fallbacks: { invalid_json: 600 } })
  })

  it('pairs each seed’s baseline with the plain run of that seed, and the agent run with its own differences', async () => {
    const { run, providers } = compare({ seeds: '4,2', set: T200 })
    const c = await run
    expect(providers[0]!.closed).toBe(true)
    const plain = new MeasuresSink()
    await executeLab({ task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: { T: 200 }, seed: 2 }, { sinks: [plain] })
    expect(c.pairs[0]!.seed).toBe(2)
    expect(c.pairs[0]!.baseline).toEqual(plain.finish())
    expect(c.agent.controlShare).toBe(1)
    const net = c.measures.find((m) => m.measure === 'netPnl')!
    const diffs = c.pairs.map((p) => p.agent.netPnl - p.baseline.netPnl)
    expect(net.meanDiff).toBeCloseTo((diffs[0]! + diffs[1]!) / 2, 9)
    expect(net.wins + net.losses + net.ties).toBe(2)
    const text = compareAgentText(c)
    expect(text).toContain('fx-carry (faithful), 2 seeds')
    expect(text).toContain(c.verdict)
    expect(text).toContain('agent: 400 calls, 400 valid (100.0%), control share 100.0%; fallbacks: none')
  })

  it('stores both runs of every pair with --db, and the store gives the same comparison back', async () => {
    const db = join(dir, 'pairs.db')
    const c = await compare({ seeds: '1..3', set: T200, db }, (_, i) => (i % 4 === 0 ? 'bad' : replyJson(i % 3 === 0 ? 'FLAT' : 'LONG_HIGH_YIELD_BASKET', 'Carry pays.'))).run
    expect(c.pairs.every((p) => p.baselineRunId !== undefined && p.agentRunId !== undefined)).toBe(true)
    const handle = openDatabase(db)
    try {
      const again = ensembleOfRun(new RunsRepository(handle), new AuditStore(handle), c.pairs[1]!.agentRunId!)
      expect(again).not.toBeNull()
      expect(again!.pairs.map((p) => [p.seed, p.baselineRunId, p.agentRunId])).toEqual(c.pairs.map((p) => [p.seed, p.baselineRunId, p.agentRunId]))
      expect(again!.measures).toEqual(c.measures)
      expect(again!.agent).toEqual(c.agent)
      // The compare view's question: the pairs among runs picked together (one pair broken: seed 3's agent run left out).
      const picked = [c.pairs[0]!.baselineRunId!, c.pairs[0]!.agentRunId!, c.pairs[1]!.agentRunId!, c.pairs[1]!.baselineRunId!, c.pairs[2]!.baselineRunId!]
      const among = comparisonAmong(new RunsRepository(handle), new AuditStore(handle), picked)
      expect(among!.pairs.map((p) => p.seed)).toEqual([1, 2])
      expect(among!.pairs).toEqual(c.pairs.slice(0, 2))
      expect(comparisonAmong(new RunsRepository(handle), new AuditStore(handle), [c.pairs[0]!.baselineRunId!, c.pairs[1]!.baselineRunId!])).toBeNull()
    } finally {
      handle.close()
    }
  })

  it.each([
    [{ seeds: '1..3', agent: undefined }, /needs --agent/],
    [{ seeds: '5..3' }, /--seeds expects "a..b"/],
    [{ seeds: '1,1' }, /lists a seed twice/],
    [{}, /needs --seeds/],
    [{ seeds: '1..2', set: ['policy_params.enable_llm=false'] }, /switches the agent off/],
    [{ seeds: '1..2', set: ['T=-4'] }, /T/]
  ] as Array<[CompareAgentValues, RegExp]>)('refuses %j in one line, stores nothing and never opens the model', async (values, message) => {
    const db = join(dir, `refused-${++refused}.db`)
    const { run, providers } = compare({ ...values, db, ...('agent' in values ? { agent: values.agent } : {}) })
    await expect(run).rejects.toThrow(message)
    expect(providers).toHaveLength(0)
    expect(existsSync(db)).toBe(false)
  })

  it('refuses a lab without an agent', async () => {
    await expect(compare({ seeds: '1..2' }, undefined, 'market-terrain').run).rejects.toThrow(/market-terrain has no agent to compare \(labs with one: .*fx-carry/)
  })
})
