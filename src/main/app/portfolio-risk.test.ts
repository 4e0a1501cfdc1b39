import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec, PortfolioRiskReport } from '../../shared/contract'
import { runAndStore } from '../runs/store-run'
import { PortfolioService } from '../risk/portfolio-service'
import { launchNodeProcess } from '../services/node-launcher'
import { openDatabase } from '../store/database'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { CODE_VERSION } from '../version'
import { startWorkstation, type Workstation } from './workstation'

// `portfolio.risk` through the whole workstation (the BUILT engine worker): main reads the pods,
// the engine service computes a stage at a time. No wall clock is read: "main stays responsive"
// is an ordering — a router call made while risk computes settles before risk does.

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const clock = { nowMs: () => 0, isoNow: () => '2026-12-06T00:00:00.000Z' }
let dir: string
let ws: Workstation

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mechanica-risk-'))
  const databasePath = join(dir, 'mechanica.db')
  const db = openDatabase(databasePath)
  for (const seed of [31, 32, 33]) {
    const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed, overrides: { T: 400 } }
    const stored = await runAndStore(new RunsRepository(db), spec, { clock, codeVersion: CODE_VERSION })
    if (!stored.output) throw stored.error
  }
  db.close()
  ws = await startWorkstation({ host: 'browser', databasePath, launcher: launchNodeProcess, workersDir: join(root, 'out/main/workers'), clock })
  await ws.servicesReady
}, 60_000)

afterAll(async () => {
  await ws?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function value<T>(method: string, params: unknown): Promise<T> {
  const outcome = await ws.router.call(method, params, { transport: 'direct' })
  if (!outcome.ok) throw new Error(`${method} failed: ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}

describe('portfolio.risk on the engine service', () => {
  it('answers other calls while it computes, reports each stage, and equals the in-process figures', async () => {
    await value('portfolio.create', { spec: { name: 'credit trio', runIds: [1, 2, 3], scheme: 'inverse-vol', rebalanceEvery: 20, costBps: 1, window: 100 } })
    const request = { id: 1, confidence: 0.99, window: 100, scenarios: 20_000, seed: 3 }
    const order: string[] = []
    const stages: Array<{ done: number; total: number; label: string }> = []
    let answeredDuring: Promise<void> | undefined
    const unsubscribe = ws.events.subscribe((event, payload) => {
      if (event !== 'task.progress') return
      const frame = payload as { task: string; done: number; total: number; label: string }
      if (frame.task !== 'portfolio.risk') return
      stages.push(frame)
      // After the engine's first stage, main takes another call; it must settle before risk does.
      if (frame.done === 1) answeredDuring = value<{ total: number }>('portfolio.list', { limit: 10, offset: 0 }).then((list) => void order.push(`list (${list.total})`))
    })
    const report = await value<PortfolioRiskReport>('portfolio.risk', request).finally(() => order.push('risk'))
    await answeredDuring
    unsubscribe()
    expect(order).toEqual(['list (1)', 'risk'])
    expect(stages.map((s) => s.done)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(stages.every((s) => s.total === 7 && s.label.startsWith('portfolio #1: '))).toBe(true)

    // The same numbers as computing on the caller's thread (the CLI's path), to the bit.
    const db = openDatabase(join(dir, 'mechanica.db'))
    try {
      const local = new PortfolioService(new RunsRepository(db), new PortfoliosRepository(db), clock).risk({ ...request, horizon: 1 })
      expect(report).toEqual(local)
    } finally {
      db.close()
    }
  }, 120_000)

  it('refuses a window the history cannot backtest in one line, before the engine is asked', async () => {
    const outcome = await ws.router.call('portfolio.risk', { id: 1, window: 5000 }, { transport: 'direct' })
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.error).toMatchObject({ code: 'invalid_params', message: 'portfolio #1 has 398 returns; a window of 5000 leaves none to forecast and backtest' })
  })
})
