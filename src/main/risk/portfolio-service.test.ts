import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec, PortfolioSpec } from '../../shared/contract'
import { runAndStore } from '../runs/store-run'
import { openDatabase, type Db } from '../store/database'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { CODE_VERSION } from '../version'
import { simulateBook } from './book'
import { alignedReturns, readPod } from './pods'
import { bookHash, canonicalSpec, portfolioHash } from './portfolio-identity'
import { PortfolioService, memoWindow, portfolioMemoFacts } from './portfolio-service'
import { apiError, apiRejection, fixedClock } from './test-support'

// Stored portfolios: round trip, identity reproducible from the members, the chain of
// portfolios, and the one-line refusals. Three credit-spreads runs on one calendar, one shorter.

const clock = fixedClock
let db: Db
let service: PortfolioService
let portfolios: PortfoliosRepository

async function store(seed: number, T: number): Promise<void> {
  const spec: LabRunSpec = { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed, overrides: { T } }
  const stored = await runAndStore(new RunsRepository(db), spec, { clock, codeVersion: CODE_VERSION })
  if (!stored.output) throw stored.error
}

beforeAll(async () => {
  db = openDatabase(':memory:')
  for (const seed of [21, 22, 23]) await store(seed, 400) // runs #1–#3: 399 steps
  await store(24, 300) // run #4: a shorter calendar
  portfolios = new PortfoliosRepository(db)
  service = new PortfolioService(new RunsRepository(db), portfolios, clock)
})
afterAll(() => db.close())

describe('stored portfolios', () => {
  it('stores a portfolio and reads back the same spec, members and numbers', async () => {
    const made = await service.create({ name: 'credit trio', runIds: [1, 2, 3], scheme: 'inverse-vol', rebalanceEvery: 20, costBps: 1, window: 100 })
    expect(made.portfolio).toMatchObject({ id: 1, name: 'credit trio', scheme: 'inverse-vol', pods: 3, createdAt: clock.isoNow() })
    expect(made.members.map((m) => m.runId)).toEqual([1, 2, 3])
    expect(made.members.every((m) => /^[0-9a-f]{64}$/.test(m.resultsHash) && m.lab === 'credit-spreads')).toBe(true)
    expect(made.summary.steps).toBe(399)
    expect(made.summary.rebalances).toBe(20) // steps 0, 20, …, 380 of 398 returns
    expect(made.summary.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    const read = await service.get(1)
    expect(read.check).toEqual({ membersUnchanged: true, hashMatches: true, reproduced: true, chainIntact: true, problems: [] })
    expect(read.spec).toEqual(made.spec)
    expect(read.summary).toEqual(made.summary)
    expect(read.series).toEqual(made.series)
    expect(read.series.equity.at(-1)).toBeCloseTo(1 + made.summary.totalReturn, 14)
  })

  it("reproduces its hashes from the members' results hashes and the spec alone", async () => {
    const made = await service.create({ name: 'again', runIds: [3, 1], scheme: 'equal', rebalanceEvery: 5, costBps: 2 })
    const spec = made.spec as PortfolioSpec
    expect(made.portfolio.hash).toBe(portfolioHash(spec, made.members))
    // Key order does not matter; every field that changes a number does.
    const shuffled = { costBps: spec.costBps, rebalanceEvery: spec.rebalanceEvery, window: spec.window, scheme: spec.scheme, align: spec.align, runIds: spec.runIds, name: spec.name }
    expect(portfolioHash(shuffled, made.members)).toBe(made.portfolio.hash)
    expect(portfolioHash({ ...spec, costBps: 3 }, made.members)).not.toBe(made.portfolio.hash)
    expect(portfolioHash(spec, made.members.map((m, i) => (i === 0 ? { ...m, resultsHash: 'f'.repeat(64) } : m)))).not.toBe(made.portfolio.hash)
    // The results hash is the book simulated from the members' logs, recomputed here outside the service.
    const repo = new RunsRepository(db)
    const { returns } = alignedReturns(spec.runIds.map((id) => readPod(repo, id)), 'exact')
    expect(bookHash(simulateBook(returns, spec))).toBe(made.portfolio.resultsHash)
    expect(canonicalSpec(spec)).toEqual({ name: 'again', runIds: [3, 1], align: 'exact', scheme: 'equal', window: 250, rebalanceEvery: 5, costBps: 2 })
  })

  it('chains each portfolio to the one before, and a tampered row breaks the chain from there', async () => {
    const third = await service.create({ name: 'third', runIds: [2], rebalanceEvery: 1, costBps: 0 })
    expect(third.portfolio.id).toBe(3)
    expect(service.list(10, 0).portfolios.map((p) => p.id)).toEqual([3, 2, 1])
    expect(() => db.prepare(`UPDATE portfolios SET name = 'x' WHERE id = 2`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`DELETE FROM portfolios WHERE id = 2`).run()).toThrow(/append-only/)
    // Someone with the file and no triggers edits portfolio #2's hash:
    db.exec(`DROP TRIGGER portfolios_no_update`)
    try {
      const before = db.prepare(`SELECT hash FROM portfolios WHERE id = 2`).pluck().get() as string
      db.prepare(`UPDATE portfolios SET hash = ? WHERE id = 2`).run('0'.repeat(64))
      expect((await service.get(1)).check.chainIntact).toBe(true)
      const broken = (await service.get(3)).check
      expect(broken.chainIntact).toBe(false)
      expect(broken.problems).toContain('the chain of portfolios breaks at #2')
      const two = (await service.get(2)).check
      expect(two.hashMatches).toBe(false)
      db.prepare(`UPDATE portfolios SET hash = ? WHERE id = 2`).run(before)
      expect((await service.get(3)).check.chainIntact).toBe(true)
    } finally {
      db.exec(`CREATE TRIGGER portfolios_no_update BEFORE UPDATE ON portfolios BEGIN SELECT RAISE(ABORT, 'portfolios are append-only'); END;`)
    }
  })

  it('refuses bad input in one line and stores nothing', async () => {
    const count = (): number => db.prepare(`SELECT count(*) FROM portfolios`).pluck().get() as number
    const before = count()
    expect(await apiRejection(() => service.create({ name: 'x', runIds: [1, 99] }))).toMatchObject({ code: 'not_found', message: 'run #99 does not exist in this database' })
    expect((await apiRejection(() => service.create({ name: 'x', runIds: [1, 4] }))).message).toMatch(/^runs #1 \(399 steps\) and #4 \(299 steps\) are on different step calendars/)
    expect(await apiRejection(() => service.create({ name: 'x', runIds: [1, 2], scheme: 'fixed', fixed: [0.6, 0.3] }))).toMatchObject({ code: 'invalid_params', message: 'fixed: fixed weights must sum to 1 (got 0.8999999999999999)' })
    expect((await apiRejection(() => service.create({ name: 'x', runIds: [1, 2], scheme: 'fixed', fixed: [1] }))).message).toBe('fixed: lists 1 weights for 2 runs')
    expect((await apiRejection(() => service.create({ name: 'x', runIds: [1, 2], scheme: 'vol-target' }))).message).toBe('volTarget: the vol-target scheme needs the target volatility per step')
    expect((await apiRejection(() => service.create({ name: ' ', runIds: [1] }))).message).toMatch(/^name: must name the portfolio/)
    expect((await apiRejection(() => service.create({ name: 'x', runIds: [1, 1] }))).message).toBe('runIds: must not list a run twice')
    expect(count()).toBe(before)
    // With the alignment rule the shorter run joins on the steps they share.
    expect((await service.create({ name: 'aligned', runIds: [1, 4], align: 'common' })).summary.steps).toBe(299)
    expect(await apiRejection(() => service.get(999))).toMatchObject({ code: 'not_found', message: 'There is no portfolio #999.' })
  })

  it("reads a portfolio's risk by every method, under its own weights", () => {
    const risk = service.risk({ id: 1, confidence: 0.99, window: 100, horizon: 1, scenarios: 1_000, seed: 1 })
    expect(Object.keys(risk.methods)).toEqual(['historical', 'parametric', 'cornish-fisher', 'fhs-ewma', 'fhs-garch', 'monte-carlo'])
    expect(risk.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
    expect(risk.series.returns).toHaveLength(398)
    expect(risk.series.bands.historical.var.slice(0, 100).every((v) => v === null)).toBe(true)
    expect(risk.methods.historical.days).toBe(298)
    expect(apiError(() => service.risk({ id: 1, confidence: 0.99, window: 500, horizon: 1, scenarios: 1_000, seed: 1 })).message).toMatch(/has 398 returns; a window of 500/)
  })

  it("gives a run's memo the newest portfolio holding it, with the engine's risk numbers", async () => {
    // Portfolio #4 ('aligned', runs 1 and 4 on common steps) is the only one holding run 4; run 3 is last held by #2.
    const facts = (await portfolioMemoFacts(service, portfolios, 3))!
    expect(facts).toMatchObject({ id: 2, name: 'again', runId: 3, confidence: 0.99, window: memoWindow(398) })
    const risk = service.risk({ id: 2, confidence: 0.99, window: memoWindow(398), horizon: 1, scenarios: 10_000, seed: 1 })
    expect(facts.weight).toBe(risk.weights[0])
    expect(facts.methods.map((m) => [m.method, m.var, m.es, m.zone])).toEqual(Object.entries(risk.methods).map(([method, m]) => [method, m.var, m.es, m.backtests.zone.zone]))
    expect(facts.pods.map((p) => p.runId)).toEqual([3, 1])
    // Its net exposure is the book summary's, read now: credit-spreads books lots, so no total.
    expect(facts.net).toEqual((await service.get(2)).summary.net)
    expect(facts.net).toMatchObject({ total: null, worst: null, note: 'no total net: #3 (credit-spreads), #1 (credit-spreads) keep an additive ledger, positions in lots or notional, not a fraction of equity' })
    expect((await portfolioMemoFacts(service, portfolios, 4))?.id).toBe(4)
    expect(await portfolioMemoFacts(service, portfolios, 999)).toBeUndefined()
  })
})
