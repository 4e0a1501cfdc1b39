import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeTestModel } from '../src/main/agent/testing/test-model'
import { FX_CARRY_ACTIONS } from '../src/main/labs/fx-carry/policy'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// The book's agent from the workstation: the user configures the tiny GGUF model in the agent
// settings (checked without loading it), the status bar names it, a book lab runs with it in the
// agent service process, and the decision log shows an AGENT step's prompt and reply.
describe('agent settings and a run with the agent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-agent-settings-'))
  const modelFile = writeTestModel(dir, 1)
  let session: Session

  beforeAll(async () => {
    session = await openWorkstation(join(dir, 'agent.db'))
  })

  afterAll(async () => {
    await session?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('says the rule baseline decides while no model is configured', async () => {
    const page = session.page
    await expect.poll(() => page.getByTestId('agent-status').textContent()).toBe('agent: rule baseline')
    await page.locator('[data-lab="fx-carry"]').click()
    await expect.poll(() => page.getByTestId('agent-run-line').textContent()).toContain('No agent model configured — the rule baseline decides every step')
  })

  it('checks the model in the settings: a missing file in one line, then the tiny model by name and quantisation', async () => {
    const page = session.page
    await page.keyboard.press('Alt+KeyA')
    const dialog = page.getByRole('dialog', { name: 'Agent settings' })
    await dialog.waitFor()
    await dialog.locator('select[name="provider"]').selectOption('embedded')
    await dialog.locator('input[name="modelPath"]').fill(join(dir, 'missing.gguf'))
    await dialog.getByRole('button', { name: /Check model/ }).click()
    await expect.poll(() => page.getByTestId('agent-check-result').textContent()).toBe(`agent model ${join(dir, 'missing.gguf')} does not exist`)
    await dialog.locator('input[name="modelPath"]').fill(modelFile)
    // Few questions keep the run short on a shared machine: fx-carry's 800 steps, one every 100.
    await dialog.locator('input[name="decisionEvery"]').fill('100')
    await dialog.locator('input[name="timeoutMs"]').fill('60000')
    await dialog.locator('input[name="maxRationaleChars"]').fill('40')
    await page.keyboard.press('Alt+Enter')
    await expect.poll(() => page.getByTestId('agent-check-result').textContent(), { timeout: 30_000 }).toMatch(/^test-model-seed-1\.gguf · F32 — GGUF, 0\.\d MiB, context \d+, sha256 [0-9a-f]{12}…$/)
    await page.screenshot({ path: screenshotPath('agent-settings') })
    await page.keyboard.press('Control+Enter')
    await dialog.waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId('agent-status').textContent()).toBe('agent: test-model-seed-1.gguf · F32')
    await page.locator('footer.statusbar').screenshot({ path: screenshotPath('agent-status-bar') })
  })

  it('runs fx-carry with the model and shows an agent step’s prompt and reply in the decision log', async () => {
    const page = session.page
    const line = page.getByTestId('agent-run-line')
    await expect.poll(() => line.textContent()).toContain('Run with the agent: test-model-seed-1.gguf · F32')
    expect(await line.locator('input[type="checkbox"]').isChecked()).toBe(true)
    await page.screenshot({ path: screenshotPath('agent-run-panel') })
    await page.getByRole('button', { name: /^Run/ }).click()
    await page.locator('.run-monitor[data-run-id="1"] .status-completed').waitFor({ timeout: 110_000 })

    await page.getByRole('link', { name: /Decision log/ }).click()
    await page.getByLabel('Run', { exact: true }).selectOption('1')
    await page.locator('.log-row[aria-rowindex="1"]:not(.loading)').click()
    const detail = page.getByTestId('step-agent')
    await detail.waitFor()
    await detail.locator('summary', { hasText: 'prompt' }).click()
    expect(await detail.locator('pre').first().textContent()).toContain('Allowed actions:')
    // Step 0 is the tiny model's: its grammar-constrained reply, one JSON object with an allowed action, used.
    expect(await detail.textContent()).toContain('valid reply, used')
    const reply = JSON.parse((await detail.locator('pre').nth(1).textContent()) ?? '') as { action: string; rationale: string }
    expect(FX_CARRY_ACTIONS).toContain(reply.action)
    expect(reply.rationale.length).toBeLessThanOrEqual(40)
    await page.screenshot({ path: screenshotPath('agent-run-log') })
  })
})
