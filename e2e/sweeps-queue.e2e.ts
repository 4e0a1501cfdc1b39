import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILT_CLI } from '../src/main/cli-test-support'
import { RedisTestServer } from '../src/main/queue/redis-test-server'
import { openDatabase } from '../src/main/store/database'
import { QueuedSweepsRepository } from '../src/main/store/queued-sweeps-repository'
import { openWorkstation, screenshotPath, type Session } from './support/host'

// Queue mode from the Sweeps view: the queue's URL in settings (a remote host refused), a seed
// ensemble queued on a real redis-server, one `mechanica worker` child serving it, the workers
// table and the sweep's completion; the stored results are one row per cell.
describe('queued sweeps in the browser host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-e2e-queue-'))
  const databasePath = join(dir, 'queue.db')
  let session: Session
  let redis: RedisTestServer
  let worker: ChildProcess | null = null

  beforeAll(async () => {
    redis = await RedisTestServer.start()
    session = await openWorkstation(databasePath)
  })

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const gone = new Promise((resolve) => worker!.once('exit', resolve))
      worker.kill('SIGTERM')
      await gone
    }
    await session?.close()
    await redis?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const page = () => session.page

  it('queues a seed ensemble, shows the worker serving it and completes', async () => {
    await page().getByRole('link', { name: /Sweeps/ }).click()
    const settings = page().getByRole('form', { name: 'Queue settings' })
    // Loopback only unless the user allows another machine.
    await settings.locator('input[name=queue-url]').fill('redis://192.0.2.1:6379')
    await settings.getByRole('button', { name: 'Save queue' }).click()
    await expect.poll(() => settings.locator('.error-text').textContent(), { timeout: 60_000 }).toContain('queue URL 192.0.2.1 is not this machine')
    await settings.locator('input[name=queue-url]').fill(redis.url)
    await settings.getByRole('button', { name: 'Save queue' }).click()
    await expect.poll(() => settings.textContent()).toContain(`using ${redis.url}`)

    await page().locator('select[name=lab]').selectOption('fx-carry')
    await page().getByRole('radio', { name: 'seed ensemble' }).click()
    await page().locator('input[name=seed-from]').fill('1')
    await page().locator('input[name=seed-to]').fill('24')
    await page().locator('textarea[name=overrides]').fill('T=3000')
    await page().getByRole('radio', { name: /^queue/ }).click()
    await page().getByRole('button', { name: 'Queue sweep' }).click()

    // No worker yet: the jobs wait, and the table says how to start one.
    const detail = page().getByTestId('queued-sweep-detail')
    await expect.poll(() => detail.getByTestId('queue-workers').textContent()).toContain('No worker is serving the queue')
    await expect.poll(() => detail.getByTestId('queue-depth').textContent()).toMatch(/waiting jobs\d+/)

    const child = spawn(process.execPath, [BUILT_CLI, 'worker', '--queue', redis.url, '--concurrency', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
    worker = child
    child.stderr!.resume()
    const workerName = `${hostname()}:${child.pid}`
    const workers = detail.getByTestId('queue-workers')
    await expect.poll(() => workers.textContent(), { timeout: 60_000 }).toContain(workerName)
    await expect.poll(() => workers.textContent()).toContain('connected')
    await page().screenshot({ path: screenshotPath('sweeps-queue-running') })

    await expect.poll(() => detail.getByTestId('queued-sweep-status').textContent(), { timeout: 120_000 }).toBe('completed')
    await expect.poll(() => detail.getByTestId('queue-depth').textContent()).toContain('completed24')
    await expect.poll(() => workers.locator('tbody tr').first().textContent()).toMatch(new RegExp(`${workerName}.*24`))
    // The ensemble's distribution is drawn from the 24 written results.
    await expect.poll(() => detail.locator('.ensemble .dot').count()).toBe(24)
    await page().screenshot({ path: screenshotPath('sweeps-queue-completed') })

    const store = openDatabase(databasePath, { readonly: true })
    try {
      const repo = new QueuedSweepsRepository(store)
      const [sweep] = repo.list(1)
      expect(sweep).toMatchObject({ lab: 'fx-carry', status: 'completed', cells: 24 })
      const rows = repo.results(sweep!.id)
      expect(rows.map((r) => r.cell)).toEqual(Array.from({ length: 24 }, (_, i) => i))
      expect(rows.every((r) => r.ok && r.worker === workerName)).toBe(true)
    } finally {
      store.close()
    }
  })
})
