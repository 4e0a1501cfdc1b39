import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AgentRequest } from '../src/main/agent/provider'
import { replyJson, ScriptedProvider } from '../src/main/agent/testing/scripted-provider'
import { runAndStore } from '../src/main/runs/store-run'
import { AgentCallsStore } from '../src/main/store/agent-calls'
import { openDatabase } from '../src/main/store/database'
import { RunsRepository } from '../src/main/store/runs-repository'
import { CODE_VERSION } from '../src/main/version'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// A run with the book's agent (a scripted model, stored as the CLI stores it): the decision log
// shows, for a selected agent step, the question put to the model and its reply.
describe('the decision log shows the agent call of a step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-agent-'))
  const databasePath = join(dir, 'agent.db')
  let session: Session
  let runId: number

  beforeAll(async () => {
    const db = openDatabase(databasePath)
    const answer = (r: AgentRequest, i: number) => (i === 1 ? 'I think LONG is best' : replyJson(r.actions[r.seed % r.actions.length]!, 'Calm regime and positive carry. The spread cost is small.'))
    const spec = { task: 'lab' as const, lab: 'fx-carry', preset: 'faithful' as const, overrides: { 'policy_params.enable_llm': true, 'policy_params.decision_every': 10 } }
    const stored = await runAndStore(new RunsRepository(db), spec, {
      clock: { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' },
      codeVersion: CODE_VERSION,
      agent: { options: { provider: new ScriptedProvider(answer, { model: 'tiny-test.gguf' }) }, store: new AgentCallsStore(db) }
    })
    if (!stored.output) throw stored.error
    runId = stored.run.id
    db.close()
    session = await openWorkstation(databasePath)
  })

  afterAll(async () => {
    await session?.close()
  })

  it('reads the prompt and the raw reply of an agent step, and the rejected reply of a fallback', async () => {
    const page = session.page
    await page.getByRole('link', { name: /Decision log/ }).click()
    await page.getByLabel('Run', { exact: true }).selectOption(String(runId))
    await page.locator('.log-row[aria-rowindex="1"]:not(.loading)').click()
    const detail = page.getByTestId('step-agent')
    await detail.waitFor()
    expect(await detail.textContent()).toContain('valid reply, used')
    expect(await detail.locator('pre').nth(1).textContent()).toContain('"rationale":"Calm regime and positive carry. The spread cost is small."')
    await detail.locator('summary', { hasText: 'prompt' }).click()
    expect(await detail.locator('pre').first().textContent()).toContain('Allowed actions:')
    await page.screenshot({ path: screenshotPath('decision-log-agent') })
    // Step 10: the model's second reply was prose, so the baseline decided with the reason.
    await page.locator('.log-scroll').evaluate((el) => (el.scrollTop = 0))
    await page.locator('.log-row[aria-rowindex="11"]:not(.loading)').click()
    await expect.poll(async () => await page.getByTestId('step-agent').textContent()).toContain('rejected: invalid_json')
    expect(await page.getByTestId('step-agent').locator('pre').nth(1).textContent()).toBe('I think LONG is best')
  })
})
