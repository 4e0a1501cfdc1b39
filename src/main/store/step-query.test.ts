import fc from 'fast-check'
import { beforeEach, describe, expect, it } from 'vitest'
import type { StepFilter } from '../../shared/contract/steps'
import { StepsPage } from '../../shared/contract/steps'
import type { StepRecordBatch } from '../engine/kernel/step-records'
import { RunsRepository, type StepRow } from './runs-repository'
import { STEP_CHUNK } from './step-log'
import { ByteLru, StepQuery, normaliseFilter, type StepLogSource } from './step-query'
import { SYNTHETIC_ACTIONS, SYNTHETIC_REGIMES, SYNTHETIC_SOURCES, syntheticStepRecords } from './synthetic-step-log'
import { labResults, newRun, useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()
const STEPS = STEP_CHUNK * 3 + 123

let repo: RunsRepository
let runId: number
let records: StepRecordBatch
let all: StepRow[]

function store(batch: StepRecordBatch): number {
  const run = newRun(repo)
  repo.complete(run.id, '2025-01-01T00:00:01.000Z', { results: labResults(), resultsHash: 'h'.repeat(64) }, batch)
  return run.id
}

beforeEach(() => {
  repo = new RunsRepository(sandbox.openTracked(`${sandbox.dir}/q.db`))
  records = syntheticStepRecords(STEPS, 7)
  runId = store(records)
  all = repo.steps(runId, 0, STEPS)
})

/** The specification of a filter, row by row over fully decoded steps. */
function bruteForce(rows: StepRow[], events: Array<{ t: number; rule: string; message: string }>, filter: StepFilter): number[] {
  const text = filter.text?.trim().toLowerCase() ?? ''
  const has = (list: string[] | undefined, value: string): boolean => !list || list.length === 0 || list.includes(value)
  return rows
    .filter((r) => has(filter.actions, r.action) && has(filter.regimes, r.regime) && has(filter.sources, r.source))
    .filter((r) => !filter.constraintHit || events.some((e) => e.t === r.t))
    .filter(
      (r) =>
        text === '' ||
        r.rationale.toLowerCase().includes(text) ||
        r.action.toLowerCase().includes(text) ||
        events.some((e) => e.t === r.t && (e.message.toLowerCase().includes(text) || e.rule.toLowerCase().includes(text)))
    )
    .map((r) => r.t)
}

/** Every matching step, read a page at a time. */
function pagedSteps(query: StepQuery, filter: StepFilter | undefined, pageSize: number): number[] {
  const out: number[] = []
  for (let offset = 0; ; offset += pageSize) {
    const page = query.page(runId, offset, pageSize, filter)
    out.push(...page.rows.t)
    if (offset + pageSize >= page.total) return out
  }
}

describe('decision-log query', () => {
  it('an unfiltered page matches the fully decoded rows, across chunk edges', () => {
    const query = new StepQuery(repo)
    const offset = STEP_CHUNK - 5
    const page = query.page(runId, offset, 11)
    expect(StepsPage.safeParse(page).success).toBe(true)
    expect(page).toMatchObject({ logged: true, steps: STEPS, total: STEPS, offset })
    expect(page.names).toEqual({ legs: ['spot', 'perp'], actions: SYNTHETIC_ACTIONS, regimes: SYNTHETIC_REGIMES, sources: SYNTHETIC_SOURCES, costComponents: ['fee', 'impact'], pnlComponents: ['basis', 'carry'] })
    for (let r = 0; r < 11; r++) {
      const row = all[offset + r]!
      expect(page.rows.t[r]).toBe(row.t)
      expect(page.names.actions[page.rows.action[r]!]).toBe(row.action)
      expect(page.names.regimes[page.rows.regime[r]!]).toBe(row.regime)
      expect(page.names.sources[page.rows.source[r]!]).toBe(row.source)
      expect(page.rows.rationale[r]).toBe(row.rationale)
      expect(Array.from(page.rows.position.subarray(2 * r, 2 * r + 2))).toEqual(row.position)
      expect(Array.from(page.rows.trade.subarray(2 * r, 2 * r + 2))).toEqual(row.trade)
      expect([page.rows.cost[r], page.rows.netPnl[r], page.rows.equity[r], page.rows.drawdown[r], page.rows.leverage[r]]).toEqual([row.cost, row.netPnl, row.equity, row.drawdown, row.leverage])
      expect({ fee: page.rows.costs.fee![r], impact: page.rows.costs.impact![r] }).toEqual(row.costs)
      expect({ basis: page.rows.pnl.basis![r], carry: page.rows.pnl.carry![r] }).toEqual(row.pnl)
    }
    const events = repo.events(runId).filter((e) => e.t >= offset && e.t < offset + 11)
    expect(page.events).toEqual(events.map(({ t, rule, message }) => ({ t, rule, message })))
  })

  it('pages stop at the end and past it are empty, with the total still given', () => {
    const query = new StepQuery(repo)
    expect(Array.from(query.page(runId, STEPS - 3, 10).rows.t)).toEqual([STEPS - 3, STEPS - 2, STEPS - 1])
    const past = query.page(runId, STEPS + 5, 10)
    expect(past.rows.t.length).toBe(0)
    expect(past.total).toBe(STEPS)
    expect(query.page(runId, 0, 0).rows.t.length).toBe(0)
  })

  it('a filter of action, regime and source gives exactly the brute-force rows, paged through chunk edges', () => {
    const query = new StepQuery(repo)
    const filter: StepFilter = { actions: ['BUY_SPREAD', 'FLATTEN'], regimes: ['stress'], sources: ['BASELINE', 'RISK'] }
    const expected = bruteForce(all, repo.events(runId), filter)
    expect(expected.length).toBeGreaterThan(10)
    expect(query.count(runId, filter)).toBe(expected.length)
    expect(pagedSteps(query, filter, 7)).toEqual(expected)
    expect(pagedSteps(query, filter, 1000)).toEqual(expected)
  })

  it('"constraint hits only" lists each step with an event once, with its events on the page', () => {
    const query = new StepQuery(repo)
    const events = repo.events(runId)
    const expected = [...new Set(events.map((e) => e.t))]
    expect(pagedSteps(query, { constraintHit: true }, 50)).toEqual(expected)
    const page = query.page(runId, 0, 1000, { constraintHit: true })
    expect(page.events.length).toBe(events.length)
    expect(new Set(page.events.map((e) => e.t))).toEqual(new Set(expected))
  })

  it('text search matches rationales, action names and constraint messages, ignoring case', () => {
    const query = new StepQuery(repo)
    const events = repo.events(runId)
    for (const text of ['EDGE 17 bps', 'flatten', 'sell_spread', 'scaled', 'Position_Limit', 'no such words']) {
      expect(pagedSteps(query, { text }, 500), text).toEqual(bruteForce(all, events, { text }))
    }
    // A message-only match: "clipped" appears in no rationale or action name.
    const clipped = bruteForce(all, events, { text: 'clipped' })
    expect(clipped.length).toBeGreaterThan(0)
    expect(pagedSteps(query, { text: 'clipped', actions: ['HOLD'] }, 500)).toEqual(bruteForce(all, events, { text: 'clipped', actions: ['HOLD'] }))
  })

  it('finds the row of a step for jump-to, in the full and in a filtered log', () => {
    const query = new StepQuery(repo)
    expect(query.indexOf(runId, 5000)).toEqual({ index: 5000, t: 5000, exact: true })
    expect(query.indexOf(runId, STEPS + 10)).toEqual({ index: STEPS - 1, t: STEPS - 1, exact: false })
    const filter: StepFilter = { actions: ['FLATTEN'] }
    const matching = bruteForce(all, [], filter)
    const target = matching[40]!
    expect(query.indexOf(runId, target, filter)).toEqual({ index: 40, t: target, exact: true })
    expect(query.indexOf(runId, target + 1, filter)).toEqual({ index: 41, t: matching[41], exact: matching[41] === target + 1 })
    expect(query.indexOf(runId, STEPS, filter)).toEqual({ index: matching.length - 1, t: matching.at(-1), exact: false })
    expect(query.indexOf(runId, 0, { text: 'no such words' })).toEqual({ index: null, t: null, exact: false })
  })

  it('a run without a decision log answers logged: false', () => {
    const walk = newRun(repo)
    const page = new StepQuery(repo).page(walk.id, 0, 100)
    expect(page).toMatchObject({ logged: false, steps: 0, total: 0 })
    expect(StepsPage.safeParse(page).success).toBe(true)
  })

  it('equal filters share one index; lists are order-free and empty conditions do not filter', () => {
    expect(normaliseFilter({ actions: ['B', 'A', 'A'], text: '  Stop ', constraintHit: false, regimes: [] })).toEqual({ actions: ['A', 'B'], text: 'stop' })
    expect(normaliseFilter({ actions: [], text: ' ' })).toBeNull()
    const reads: string[] = []
    const counting: StepLogSource = {
      stepLog: (id) => repo.stepLog(id),
      stepColumn: (id, chunk, name) => (reads.push(name), repo.stepColumn(id, chunk, name)),
      stepChunk: (id, chunk) => (reads.push(`chunk ${chunk}`), repo.stepChunk(id, chunk)),
      stepEvents: (id) => repo.stepEvents(id),
      stepEventsBetween: (id, from, to) => repo.stepEventsBetween(id, from, to)
    }
    const query = new StepQuery(counting)
    query.count(runId, { actions: ['HOLD', 'BUY_SPREAD'] })
    // Only the tested column is decoded: one action column per chunk.
    expect(reads).toEqual(Array(4).fill('action'))
    query.count(runId, { actions: ['BUY_SPREAD', 'HOLD'] })
    query.page(runId, 100, 10, { actions: ['BUY_SPREAD', 'HOLD'] })
    // The page then reads its one chunk whole, once; a second page there is served from the cache.
    query.page(runId, 120, 10, { actions: ['HOLD', 'BUY_SPREAD'] })
    expect(reads).toEqual([...Array(4).fill('action'), 'chunk 0'])
  })

  it('the cache stays within its byte budget and still answers correctly', () => {
    const budget = 200_000
    const query = new StepQuery(repo, budget)
    const expected = bruteForce(all, repo.events(runId), { regimes: ['calm'], text: 'buy' })
    expect(pagedSteps(query, { regimes: ['calm'], text: 'buy' }, 333)).toEqual(expected)
    for (let offset = 0; offset < STEPS; offset += 997) query.page(runId, offset, 50)
    expect(query.cachedBytes).toBeLessThanOrEqual(budget)
  })

  it('property: any filter, paged at any size, equals the brute-force decode', () => {
    const query = new StepQuery(repo, 4 * 1024 * 1024)
    const events = repo.events(runId)
    const subset = (names: string[]) => fc.option(fc.subarray(names), { nil: undefined })
    const filter = fc.record(
      {
        actions: subset(SYNTHETIC_ACTIONS),
        regimes: subset(SYNTHETIC_REGIMES),
        sources: subset(SYNTHETIC_SOURCES),
        constraintHit: fc.boolean(),
        text: fc.option(fc.constantFrom('edge 1', 'hold', 'CLIP', 'stop', 'sell', '', 'zzz'), { nil: undefined })
      },
      { requiredKeys: [] }
    )
    fc.assert(
      fc.property(filter, fc.integer({ min: 1, max: 2 * STEP_CHUNK }), fc.nat(), (f, pageSize, offsetSeed) => {
        const expected = bruteForce(all, events, f)
        const total = query.count(runId, f)
        expect(total).toBe(expected.length)
        const limit = Math.min(1000, pageSize)
        const offset = expected.length ? offsetSeed % expected.length : 0
        expect(Array.from(query.page(runId, offset, limit, f).rows.t)).toEqual(expected.slice(offset, offset + limit))
      }),
      { numRuns: 60 }
    )
  })
})

describe('byte-bounded LRU', () => {
  it('evicts the least recently used entries first and never exceeds its budget', () => {
    const lru = new ByteLru<string>(100)
    lru.set('a', 'a', 40)
    lru.set('b', 'b', 40)
    expect(lru.get('a')).toBe('a')
    lru.set('c', 'c', 40)
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe('a')
    expect(lru.bytes).toBe(80)
    // An entry larger than the budget is kept alone (the caller asked for it) until the next set.
    lru.set('huge', 'h', 500)
    expect(lru.size).toBe(1)
  })
})
