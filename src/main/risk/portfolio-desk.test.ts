import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LabRunSpec } from '../../shared/contract'
import { deskBlocks } from '../../shared/contract/memo-sections'
import { runAndStore } from '../runs/store-run'
import { openDatabase, type Db } from '../store/database'
import { PortfolioLogRepository } from '../store/portfolio-log-repository'
import { PortfoliosRepository } from '../store/portfolios-repository'
import { RunsRepository } from '../store/runs-repository'
import { CODE_VERSION } from '../version'
import { inProcessRunner } from './engine-equity'
import { labReturns } from './lab-returns'
import { assetClassOf } from './asset-classes'
import { applyLimits, DEFAULT_LIMITS } from './limits'
import { readPodBooks, type PodBook } from './pod-books'
import { probabilityOfOverfitting } from './overfitting'
import { alignedReturns, readPod } from './pods'
import { PortfolioDesk, riskDeskMemoFacts } from './portfolio-desk'
import { schemeWeights } from './portfolio-risk'
import { PortfolioService } from './portfolio-service'
import { applyShock, pathSummary, reverseStress, shockedLoss, weighted } from './shocks'
import { stressMenus } from './stress-menus'
import { walkForward } from './walk-forward'
import { apiRejection, fixedClock } from './test-support'

// The risk desk on a stored portfolio: its figures recomputed here from the same stored runs
// with the engine's modules, the limit breaches logged once as chained constraint events, and
// the walk-forward of a member's parameter equal to the candidates run directly.

const clock = fixedClock
const specs: LabRunSpec[] = [
  { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 11, overrides: { T: 300 } },
  { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed: 12, overrides: { T: 300 } },
  { task: 'lab', lab: 'fx-carry', preset: 'faithful', seed: 7, overrides: {} }
]
let db: Db
let desk: PortfolioDesk
let log: PortfolioLogRepository
let returns: Float64Array[]
let weights: number[]
let books: PodBook[]

beforeAll(async () => {
  db = openDatabase(':memory:')
  const runs = new RunsRepository(db)
  for (const spec of specs) {
    const stored = await runAndStore(runs, spec, { clock, codeVersion: CODE_VERSION })
    if (!stored.output) throw stored.error
  }
  const portfolios = new PortfoliosRepository(db)
  const service = new PortfolioService(runs, portfolios, clock)
  await service.create({ name: 'desk', runIds: [1, 2, 3], align: 'common', scheme: 'inverse-vol', window: 100 })
  log = new PortfolioLogRepository(db)
  desk = new PortfolioDesk({ runs, portfolios, service, log, runner: inProcessRunner, clock })
  returns = alignedReturns([1, 2, 3].map((id) => readPod(runs, id)), 'common').returns
  weights = Array.from(schemeWeights(returns, { scheme: 'inverse-vol', window: 100 }).weights)
  books = await readPodBooks(runs, [1, 2, 3].map((id) => ({ runId: id, lab: specs[id - 1]!.lab })), returns[0]!.length)
}, 120_000)
afterAll(() => db.close())

describe('portfolio.stress', () => {
  it('gives every scenario the loss, the worst pod and the breach the shocks module computes', async () => {
    const report = await desk.stress({ id: 1, shocks: [{ kind: 'corr', level: 1 }, { kind: 'vol', factor: 3 }, { kind: 'regime', steps: 50 }], lossLimit: 0.05, menus: false })
    expect(report.steps).toBe(299) // fx-carry's 799 returns cut to the credit runs' 299
    expect(report.weights).toEqual(weights)
    expect(report.scenarios.map((s) => s.name)).toEqual(['base', 'corr=1', 'vol×3', 'regime+50'])
    const base = pathSummary(weighted(returns, weights))
    expect(report.scenarios[0]).toMatchObject({ kind: 'base', maxDrawdown: base.maxDrawdown, totalReturn: base.totalReturn, breaches: base.maxDrawdown >= 0.05 })
    const vol = pathSummary(weighted(applyShock(returns, weights, { kind: 'vol', factor: 3 }), weights))
    expect(report.scenarios[2]!.maxDrawdown).toBe(vol.maxDrawdown)
    expect(report.scenarios[2]!.maxDrawdown).toBeGreaterThan(report.scenarios[0]!.maxDrawdown)
    for (const s of report.scenarios) {
      expect(s.breaches).toBe(s.maxDrawdown >= 0.05)
      if (s.worstPod) expect([1, 2, 3]).toContain(s.worstPod.runId)
    }
    // Reverse stress per factor: the smallest shock that breaches, just below it one that does not.
    expect(report.reverse.map((r) => r.kind)).toEqual(['corr', 'vol', 'regime'])
    for (const r of report.reverse) expect(r).toEqual(reverseStress(returns, weights, r.kind, 0.05))
    const v = report.reverse[1]!
    if (v.shock !== null && !v.alreadyBreached) {
      expect(v.loss).toBeGreaterThanOrEqual(0.05)
      expect(shockedLoss(returns, weights, { kind: 'vol', factor: v.shock - 1e-6 })).toBeLessThan(0.05)
    }
  })

  it('logs a stress request once and answers it again from the log', async () => {
    const request = { id: 1, shocks: [{ kind: 'vol' as const, factor: 2 }], lossLimit: 0.1, menus: false }
    const first = await desk.stress(request)
    const count = log.list(1).length
    const again = await desk.stress(request)
    expect(log.list(1)).toHaveLength(count)
    expect(again).toEqual(first)
    expect(log.list(1).find((e) => e.seq === first.logSeq)).toMatchObject({ kind: 'stress', message: expect.stringMatching(/^stress: worst .* of 2 scenarios breach the 10\.00 % loss limit$/) })
  })

  it('re-runs the members’ stress menus and reports progress per lab run', async () => {
    const frames: Array<[number, number]> = []
    const report = await desk.stress({ id: 1, shocks: [], lossLimit: 0.1, menus: true }, (done, total) => frames.push([done, total]))
    const menus = report.scenarios.filter((s) => s.kind === 'menu')
    expect(menus.length).toBeGreaterThan(0)
    expect(frames.at(-1)).toEqual([menus.length, menus.length])
    expect(report.scenarios.at(-1)!.kind).toBe('combined')
    // The same rows stress-menus.ts gives for the stored specs, and the pods named by run id.
    const direct = await stressMenus(specs.map((spec, i) => ({ runId: i + 1, spec })), returns, weights, 0.1)
    expect(menus.map((m) => [m.name, m.maxDrawdown, m.totalReturn, m.breaches])).toEqual(direct.rows.map((r) => [`#${r.runId} ${r.variant}`, r.maxDrawdown, r.totalReturn, r.breaches]))
    expect(menus.map((m) => m.worstPod?.runId ?? null)).toEqual(direct.rows.map((r) => (r.worstPod ? r.worstPod.pod + 1 : null)))
    expect(report.scenarios.at(-1)!.maxDrawdown).toBe(direct.combined!.maxDrawdown)
  }, 120_000)

  it('refuses an unknown portfolio', async () => {
    expect((await apiRejection(desk.stress({ id: 9, shocks: [], lossLimit: 0.1, menus: false }))).code).toBe('not_found')
  })
})

describe('portfolio.limits', () => {
  const tight = { maxPodWeight: 0.3, maxDrawdown: 0.01 }

  it('measures every limit, marks the breaches with their actions, and logs each as a constraint event', async () => {
    const report = await desk.limits({ id: 1, limits: tight })
    expect(report.rows.map((r) => r.limit)).toEqual(['maxPodWeight', 'maxFamilyWeight', 'maxAssetClassWeight', 'maxPosition', 'maxCorrelation', 'maxGross', 'maxNet', 'maxDrawdown'])
    const pod = report.rows[0]!
    expect(pod.value).toBe(Math.max(...weights))
    expect(pod.at).toBeNull()
    expect(pod.threshold).toBe(0.3)
    expect(pod.status).toBe(pod.value! > 0.3 ? 'breach' : 'ok')
    // Single position reads every step, and only the pod in fraction of equity (#3, fx-carry):
    // credit-spreads keeps an additive ledger, its Σ|position| is notional, not comparable with 1.
    const position = report.rows.find((r) => r.limit === 'maxPosition')!
    const fx = Array.from(books[2]!.leverage, (l) => weights[2]! * l)
    expect(position.value).toBe(Math.max(...fx))
    expect(position.at).toBe(fx.indexOf(position.value!))
    expect(position.note).toBe('compound pods only: #1 (credit-spreads), #2 (credit-spreads) keep an additive ledger, positions in lots or notional, not a fraction of equity')
    expect(books.map((b) => b.ledger)).toEqual(['additive', 'additive', 'compound'])
    // Gross sums every pod's leverage: unmeasured on this mixed book, and the row says why.
    const gross = report.rows.find((r) => r.limit === 'maxGross')!
    expect(gross).toMatchObject({ value: null, at: null, status: 'unmeasured', actions: [] })
    expect(gross.note).toBe('no gross: #1 (credit-spreads), #2 (credit-spreads) keep an additive ledger, positions in lots or notional, not a fraction of equity')
    // Credit-spreads books lots, fx-carry fractions of equity: no net across them, and the row says why.
    const net = report.rows.find((r) => r.limit === 'maxNet')!
    expect(net).toMatchObject({ value: null, at: null, status: 'unmeasured', actions: [] })
    expect(net.note).toBe('no total net: #1 (credit-spreads), #2 (credit-spreads) keep an additive ledger, positions in lots or notional, not a fraction of equity')
    const drawdown = report.rows.at(-1)!
    expect(drawdown).toMatchObject({ rule: 'drawdown_stop', threshold: 0.01, status: 'breach', actions: [{ action: 'flatten' }] })
    // The same events limits.ts logs, stored in order with their weights before and after.
    const events = report.events.map((e) => ({ t: e.t, rule: e.rule, action: e.action, before: e.before, after: e.after }))
    const breaches = report.rows.reduce((n, r) => n + r.actions.length, 0)
    expect(events).toHaveLength(breaches)
    expect(report.events.every((e) => e.kind === 'constraint_event')).toBe(true)
    expect(report.path.stoppedAt).not.toBeNull()
    const labs = ['credit-spreads', 'credit-spreads', 'fx-carry']
    const direct = applyLimits(weights, { labs, assetClasses: labs.map(assetClassOf), leverage: books.map((b) => b.leverage), compound: [false, false, true], returns }, { ...DEFAULT_LIMITS, ...tight })
    expect(report.weights).toEqual(direct.weights)
    expect(events).toEqual(direct.events.map((e) => ({ t: e.t, rule: e.rule, action: e.action, before: e.before, after: e.after })))
  })

  it('logs a limit set’s breaches once however often it is read, chained onto the portfolio’s link', async () => {
    const before = log.list(1).length
    const a = await desk.limits({ id: 1, limits: tight })
    const b = await desk.limits({ id: 1, limits: tight })
    expect(log.list(1)).toHaveLength(before)
    expect(b.events).toEqual(a.events)
    expect(log.verify(1)).toBeNull()
    expect(desk.log(1).brokenAt).toBeNull()
  })

  it('breaks the chain where a logged event was altered', () => {
    const entries = log.list(1)
    const victim = entries.find((e) => e.kind === 'constraint_event')!
    db.exec('DROP TRIGGER portfolio_log_no_update')
    try {
      db.prepare(`UPDATE portfolio_log SET message = 'nothing happened' WHERE portfolio_id = 1 AND seq = ?`).run(victim.seq)
      expect(log.verify(1)).toBe(victim.seq)
    } finally {
      // Put back, and the append-only trigger with it, for the tests after this one.
      db.prepare(`UPDATE portfolio_log SET message = ? WHERE portfolio_id = 1 AND seq = ?`).run(victim.message, victim.seq)
      db.exec(`CREATE TRIGGER portfolio_log_no_update BEFORE UPDATE ON portfolio_log BEGIN SELECT RAISE(ABORT, 'a portfolio log is append-only'); END;`)
      expect(log.verify(1)).toBeNull()
    }
  })
})

describe('portfolio.walkForward', () => {
  it('walks a member’s parameter forward as the candidates run directly give, with PBO', async () => {
    const values = [0.5, 5, 15]
    const frames: number[] = []
    const report = await desk.walkForward({ id: 1, runId: 3, param: 'execution_params.cost_bps', values, train: 200, test: 150, step: 150, anchored: false, blocks: 8, purge: 0 }, (done) => frames.push(done))
    expect(frames).toEqual([1, 2, 3])
    const candidates = await Promise.all(values.map((v) => labReturns({ ...specs[2]!, overrides: { 'execution_params.cost_bps': v } }, String(v))))
    const expected = walkForward(candidates, { train: 200, test: 150, step: 150, anchored: false })
    expect(report).toMatchObject({ lab: 'fx-carry', preset: 'faithful', seed: 7, steps: 799 })
    expect(report.folds.map((f) => [f.trainFrom, f.testTo])).toEqual([[0, 350], [150, 500], [300, 650]])
    report.folds.forEach((f, i) => {
      expect(f.chosen).toBe(values[expected.folds[i]!.chosen])
      expect(f.inSample).toBe(expected.folds[i]!.inSample)
      expect(f.outOfSample).toBe(expected.folds[i]!.outOfSample)
    })
    expect(report.pbo.value).toBe(probabilityOfOverfitting(candidates, 8).pbo)
    expect(report.pbo.splits).toBe(70) // C(8, 4)
    expect(report.cpcv.paths).toBe(5) // C(6, 2)·2/6
    expect(log.list(1).find((e) => e.seq === report.logSeq)?.kind).toBe('walk_forward')
  }, 120_000)

  it('refuses a run outside the portfolio and windows longer than the runs, naming the field', async () => {
    const base = { id: 1, runId: 3, param: 'execution_params.cost_bps', values: [1, 2], train: 200, test: 100, anchored: false, purge: 0 }
    const outside = await apiRejection(desk.walkForward({ ...base, runId: 4 }))
    expect(outside.message).toMatch(/^runId: run #4 is not a pod of portfolio #1/)
    const long = await apiRejection(desk.walkForward({ ...base, train: 700 }))
    expect(long.message).toBe('train 700 and test 100 need 800 steps; the runs have 799 returns')
    const badKey = await apiRejection(desk.walkForward({ ...base, param: 'nope.key' }))
    expect(badKey.code).toBe('invalid_params')
  })
})

describe('the memo’s view of the desk', () => {
  it('states the newest stress, limit check and walk-forward, and that the log verifies', () => {
    const facts = riskDeskMemoFacts(log, 1)
    expect(facts.stress?.scenarios.at(-1)?.kind).toBe('combined')
    expect(facts.limits?.limits).toMatchObject({ maxPodWeight: 0.3, maxDrawdown: 0.01 })
    expect(facts.limits?.events.length).toBeGreaterThan(0)
    expect(facts.walkForward?.param).toBe('execution_params.cost_bps')
    expect(facts.logIntact).toBe(true)
    // The tight check breached: its check entry says so, and the memo quotes when and which.
    expect(facts.limits?.checked?.rows.filter((r) => r.status === 'breach').map((r) => r.limit)).toContain('maxDrawdown')
    const text = JSON.stringify(deskBlocks({ riskDesk: facts }))
    // Three stress tests logged above (5 % with shocks, 10 % vol×2, 10 % with menus): the memo quotes the newest and the two before.
    const verdicts = log.list(1).filter((e) => e.kind === 'stress').map((e) => log.bodyAt<{ scenarios: Array<{ breaches: boolean }> }>(1, e.seq)!.scenarios.some((x) => x.breaches))
    expect(verdicts).toHaveLength(3)
    expect(facts.history?.stress).toMatchObject({ earlier: 2, changed: verdicts.slice(0, 2).some((v) => v !== verdicts[2]) })
    expect(text).toContain('the newest of 3 stress tests logged on this portfolio')
    expect(facts.history?.walkForward).toMatchObject({ earlier: 0, changed: false })
    expect(text).toContain('It is the only walk-forward logged on this portfolio.')
    expect(text).toMatch(new RegExp(`Limits checked at ${fixedClock.isoNow().replaceAll('.', '\\.')} \\(log entry \\d+\\): \\d of 8 breached \\(.*maxDrawdown\\)`))
  })

  it('logs a limit check that finds no breach as a chained check entry, and the memo says "none breached"', async () => {
    const loose = { maxPodWeight: 1, maxFamilyWeight: 1, maxAssetClassWeight: 1, maxPosition: 1000, maxCorrelation: 1, maxGross: 1000, maxNet: 1000, maxDrawdown: 0.99 }
    const before = log.list(1).length
    const report = await desk.limits({ id: 1, limits: loose })
    expect(report.rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'unmeasured', 'unmeasured', 'ok'])
    expect(report.events).toEqual([])
    const added = log.list(1).slice(before)
    expect(added).toEqual([report.check])
    expect(added[0]).toMatchObject({ kind: 'check', message: 'limits checked: none of 8 breached', t: null, rule: null, createdAt: fixedClock.isoNow() })
    expect(log.bodyAt(1, added[0]!.seq)).toEqual({ limits: loose, rows: report.rows.map(({ limit, value, at, threshold, status }) => ({ limit, value, at, threshold, status })) })
    expect(log.verify(1)).toBeNull()
    // Asked again: answered from the log, nothing appended.
    expect((await desk.limits({ id: 1, limits: loose })).check).toEqual(report.check)
    expect(log.list(1)).toHaveLength(before + 1)
    const facts = riskDeskMemoFacts(log, 1)
    expect(facts.limits).toMatchObject({ limits: loose, checkedAt: fixedClock.isoNow(), checkSeq: report.check!.seq, events: [] })
    const text = JSON.stringify(deskBlocks({ riskDesk: facts }))
    expect(text).toContain(`Limits checked at ${fixedClock.isoNow()} (log entry ${report.check!.seq}): none of 8 breached.`)
    expect(text).not.toContain('Limit breaches logged')
  })
})
