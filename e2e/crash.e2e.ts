import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'
import { callApi, openView, startLabRun } from './support/viz'

// An engine killed under a running lab run, as the user sees it: the run ends "aborted
// (partial)" with its error, keeps the decision log batches it committed (the dashboard draws
// them), and re-runs from the Runs view.
describe('aborted run', () => {
  let session: Session
  let page: Page

  beforeAll(async () => {
    session = await openWorkstation(join(mkdtempSync(join(tmpdir(), 'mechanica-e2e-crash-')), 'mechanica.db'))
    page = session.page
  })
  afterAll(() => session?.close())

  interface Run {
    id: number
    status: string
    error: string | null
    partial?: boolean
    loggedSteps?: number
  }
  const getRun = async (runId: number): Promise<Run> => (await callApi<{ run: Run }>(page, 'runs.get', { runId })).run

  it('shows the killed run aborted (partial) with its error, its partial series on the dashboard, and re-runs it', async () => {
    const runId = await startLabRun(page, 'microstructure', { steps: 2_000_000, 'risk.position_limit': 2, 'strategy.target_inventory': 1 })
    await expect.poll(async () => (await getRun(runId)).loggedSteps ?? 0, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(3 * 4096)
    const { services } = await callApi<{ services: Array<{ name: string; pid: number | null }> }>(page, 'services.status', {})
    const enginePid = services.find((s) => s.name === 'engine')!.pid!
    process.kill(enginePid, 'SIGKILL')
    await expect.poll(async () => (await getRun(runId)).status, { timeout: 30_000 }).toBe('interrupted')
    const run = await getRun(runId)
    expect(run.partial).toBe(true)
    expect(run.error).toMatch(/^Aborted: the engine process stopped \(killed by SIGKILL\) after step \d+; the log holds steps 0…\d+ \(partial\)/)
    await page.getByTestId('engine-status').filter({ hasText: 'engine: ready' }).waitFor({ timeout: 30_000 })

    await openView(page, '2')
    await page.locator(`tr[data-run-id="${runId}"]`).click()
    const detail = page.getByLabel(`Run #${runId} detail`)
    await expect.poll(() => detail.locator('.badge-partial').textContent()).toBe('aborted (partial)')
    expect(await detail.getByTestId('run-error').textContent()).toContain('Re-run it from the Runs view')
    expect(await page.locator(`tr[data-run-id="${runId}"] .badge-partial`).textContent()).toBe('aborted (partial)')
    // Its chain verifies up to the last committed batch.
    await detail.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => detail.getByTestId('chain-badge').textContent()).toContain('chain intact')
    await page.screenshot({ path: screenshotPath('run-aborted-partial') })

    await openView(page, '3')
    await page.locator('select.run-picker').selectOption(String(runId))
    await page.getByTestId('dashboard-charts').waitFor({ timeout: 30_000 })
    await expect.poll(() => page.getByTestId('dashboard-status').textContent()).toContain('aborted (partial)')
    expect(await page.getByTestId('dashboard-status').textContent()).toContain(`${(run.loggedSteps ?? 0).toLocaleString('en-US')} / 2,000,000 steps`)
    await page.screenshot({ path: screenshotPath('dashboard-aborted-partial') })

    await openView(page, '2')
    await page.locator(`tr[data-run-id="${runId}"]`).click()
    await detail.getByRole('button', { name: 'Re-run' }).click()
    await page.getByLabel(`Run #${runId + 1} detail`).waitFor({ timeout: 30_000 })
    await callApi(page, 'runs.cancel', { runId: runId + 1 })
    await expect.poll(async () => (await getRun(runId + 1)).status, { timeout: 30_000 }).toBe('cancelled')
  })
})
