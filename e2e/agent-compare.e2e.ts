import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentComparison } from '../src/shared/contract/agent-comparison'
import { commandCompareAgent } from '../src/main/agent/ensemble/cli-compare-agent'
import { replyJson, ScriptedProvider } from '../src/main/agent/testing/scripted-provider'
import { CODE_VERSION } from '../src/main/version'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// A seed ensemble stored as `compare-agent --db` stores it (a scripted model): ticking its runs
// in the runs list shows the paired agent-vs-baseline table in the compare view.
describe('compare view: agent against the rule baseline', () => {
  const databasePath = join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-agent-compare-')), 'ensemble.db')
  let session: Session
  let comparison: AgentComparison

  beforeAll(async () => {
    const answer = (_: unknown, i: number) => (i % 7 === 3 ? 'not json' : replyJson(i % 3 === 0 ? 'FLAT' : 'LONG_HIGH_YIELD_BASKET', 'Carry is positive and costs are small.'))
    const open = () => Promise.resolve(new ScriptedProvider(answer, { model: 'tiny-test.gguf' }))
    const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
    comparison = await commandCompareAgent(['fx-carry'], { agent: 'tiny-test.gguf', seeds: '1..4', set: ['T=200', 'policy_params.decision_every=5'], db: databasePath }, { open, inputs: () => Promise.resolve({}), clock, codeVersion: CODE_VERSION })
    session = await openWorkstation(databasePath)
  }, 120_000)

  afterAll(async () => {
    await session?.close()
  })

  it('shows the verdict, the measures and the pairs by seed, as the engine computed them', async () => {
    const page = session.page
    await page.keyboard.press('Alt+2')
    for (const p of comparison.pairs) {
      await page.getByRole('checkbox', { name: `Compare run #${p.baselineRunId}` }).check()
      await page.getByRole('checkbox', { name: `Compare run #${p.agentRunId}` }).check()
    }
    await page.locator('.runs-actions button.primary').click()
    const panel = page.locator('.agent-pairs')
    await panel.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('agent-verdict').textContent()).toBe(comparison.verdict)
    expect(await panel.locator('[data-testid="agent-pairs"] tbody tr').count()).toBe(4)
    expect(await panel.locator('tr[data-measure]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-measure')))).toEqual(['netPnl', 'sharpe', 'maxDrawdown', 'costs'])
    const net = comparison.measures[0]!
    expect(await panel.locator('tr[data-measure="netPnl"] td').nth(4).textContent()).toBe(`${net.wins}/${net.n}`)
    await page.screenshot({ path: screenshotPath('compare-agent-vs-baseline') })
  })
})
