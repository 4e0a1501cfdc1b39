import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentComparison } from '../../../shared/contract/agent-comparison'
import { factsFor } from '../../../shared/contract/memo-sections'
import type { Clock } from '../../clock'
import { localMemo } from '../../memo/local-memo'
import { runAndStore } from '../../runs/store-run'
import { openDatabase, type Db } from '../../store/database'
import { RunsRepository } from '../../store/runs-repository'
import { replyJson, ScriptedProvider } from '../testing/scripted-provider'
import { commandCompareAgent } from './cli-compare-agent'

// The memo of a run that is one side of a stored agent/baseline pair carries the ensemble's
// comparison, computed from the stored runs (the same numbers compare-agent printed).

const clock: Clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }

describe('the memo of an agent run in a stored seed ensemble', () => {
  const db_path = join(mkdtempSync(join(tmpdir(), 'mechanica-memo-ensemble-')), 'runs.db')
  let comparison: AgentComparison
  let db: Db
  let loneRun: number

  beforeAll(async () => {
    const open = () => Promise.resolve(new ScriptedProvider((_, i) => (i % 5 === 0 ? 'nope' : replyJson(i % 2 ? 'FLAT' : 'LONG_HIGH_YIELD_BASKET', 'Carry against crash risk.')), { model: 'scripted.gguf' }))
    comparison = await commandCompareAgent(['fx-carry'], { agent: 'scripted.gguf', seeds: '1..3', set: ['T=120'], db: db_path }, { open, inputs: () => Promise.resolve({}), clock, codeVersion: 'memo-ensemble' })
    db = openDatabase(db_path)
    // Same lab, another config: not part of the ensemble.
    const lone = await runAndStore(new RunsRepository(db), { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 1, overrides: { T: 121 } }, { clock, codeVersion: 'memo-ensemble' })
    loneRun = lone.run.id
  }, 120_000)

  afterAll(() => db?.close())

  it('carries the ensemble comparison for either side of a pair, and renders it under constrained actions', async () => {
    const memo = localMemo({ db, clock, codeVersion: 'memo-ensemble' })
    const pair = comparison.pairs[1]!
    const agentFacts = await memo.facts(pair.agentRunId!)
    const baselineFacts = await memo.facts(pair.baselineRunId!)
    expect(agentFacts.agentComparison!.measures).toEqual(comparison.measures)
    expect(agentFacts.agentComparison!.pairs.map((p) => p.seed)).toEqual([1, 2, 3])
    expect(baselineFacts.agentComparison!.verdict).toBe(comparison.verdict)
    const blocks = factsFor('constrainedActions', agentFacts)
    const tables = blocks.filter((b) => b.kind === 'table')
    const measures = tables.find((t) => t.kind === 'table' && t.caption === 'Agent − baseline over the seed ensemble')
    expect(measures).toBeDefined()
    if (measures?.kind === 'table') expect(measures.rows.map((r) => r[0])).toEqual(['net P&L', 'Sharpe (per step)', 'max drawdown', 'costs'])
    const bySeed = tables.find((t) => t.kind === 'table' && t.caption === 'Pairs by seed')
    if (bySeed?.kind === 'table') expect(bySeed.rows.map((r) => r.slice(0, 3))).toEqual(comparison.pairs.map((p) => [String(p.seed), `#${p.baselineRunId}`, `#${p.agentRunId}`]))
    expect(blocks.some((b) => b.kind === 'text' && b.text.includes(comparison.verdict))).toBe(true)
  }, 120_000)

  it('has no comparison for a run outside any pair', async () => {
    const memo = localMemo({ db, clock, codeVersion: 'memo-ensemble' })
    expect((await memo.facts(loneRun)).agentComparison).toBeUndefined()
  }, 120_000)
})
