import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// A reviewer's path: open a run, see its chain verified, replay it, sign it off; then find a
// log tampered with behind the app's back flagged at the step that changed.
describe('audit trail in the run detail', () => {
  let session: Session
  let databasePath: string

  beforeAll(async () => {
    databasePath = join(mkdtempSync(join(tmpdir(), 'mechanica-audit-')), 'mechanica.db')
    session = await openWorkstation(databasePath)
  })
  afterAll(() => session?.close())

  it('verifies the chain, replays identically and records a sign-off', async () => {
    const { page } = session
    await page.locator('[data-lab="credit-spreads"]').click()
    await page.locator('form[aria-label="Lab parameters"] button[type=submit]').click()
    await page.locator('.run-monitor[data-run-id="1"] .status-completed').waitFor({ timeout: 60_000 })
    await page.keyboard.press('Alt+2')
    await page.locator('tr[data-run-id="1"]').click()
    const audit = page.getByRole('region', { name: 'Audit' })
    await expect.poll(() => page.getByTestId('chain-badge').textContent()).toMatch(/^chain intact · [\d,]+ links$/)
    expect(await page.getByTestId('verification-status').textContent()).toBe('Not verified')
    expect(await page.getByTestId('chain-head').textContent()).toMatch(/^[0-9a-f]{64}$/)
    await audit.getByRole('button', { name: 'Replay' }).click()
    await expect.poll(() => page.getByTestId('replay-result').textContent(), { timeout: 30_000 }).toMatch(/^Identical: 899 steps, results hash [0-9a-f]{16}/)
    await audit.getByLabel('Reviewer').fill('R. Committee')
    await audit.getByLabel('Review notes').fill('replayed identical; costs dominated by spread carry')
    await audit.getByRole('button', { name: 'Record review' }).click()
    await expect.poll(() => page.getByTestId('verification-status').textContent()).toBe('Verified')
    expect(await audit.getByRole('list', { name: 'Reviews' }).textContent()).toContain('R. Committee')
    await page.screenshot({ path: screenshotPath('audit-verified') })
  })

  it('flags a tampered log with the first broken step and refuses a sign-off', async () => {
    const { page } = session
    const db = new Database(databasePath)
    db.prepare(`UPDATE run_step_chunks SET data = zeroblob(length(data)) WHERE run_id = 1 AND chunk = 0 AND name = 'cost'`).run()
    db.close()
    const audit = page.getByRole('region', { name: 'Audit' })
    await audit.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => page.getByTestId('chain-badge').textContent()).toMatch(/^chain broken at review 0: changed|^chain broken at step \d+: changed/)
    expect(await page.getByTestId('verification-status').textContent()).toBe('Chain broken')
    await audit.getByLabel('Reviewer').fill('R. Committee')
    await audit.getByRole('button', { name: 'Record review' }).click()
    await expect.poll(() => audit.getByRole('alert').textContent()).toMatch(/cannot be signed off/)
    await page.screenshot({ path: screenshotPath('audit-broken') })
  })
})
