// Schema v11: a portfolio's log, append-only and chained onto the portfolio's own link; v12 admits
// the 'check' entry a limit check writes, keeping every stored entry and link.
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PORTFOLIO_GENESIS, portfolioLink } from '../risk/portfolio-identity'
import { migrate } from './database'
import { migrations } from './migrations'
import { PortfolioLogRepository, logLink } from './portfolio-log-repository'
import { useStoreSandbox } from './test-support'

const sandbox = useStoreSandbox()

describe('migration 11: the portfolio log', () => {
  it('adds an empty log to a v10 store, keeps its portfolios, and chains the first entry onto the portfolio', () => {
    const db = new Database(join(sandbox.dir, 'v10.db'))
    sandbox.track(db)
    migrate(db, migrations.filter((m) => m.version <= 10))
    expect(db.pragma('user_version', { simple: true })).toBe(10)
    const row = { id: 1, name: 'book', hash: 'a'.repeat(64), resultsHash: 'b'.repeat(64), createdAt: '2026-12-06T00:00:00.000Z' }
    const link = portfolioLink(PORTFOLIO_GENESIS, row)
    db.prepare(`INSERT INTO portfolios (id, name, spec_json, members_json, hash, results_hash, summary_json, created_at, link) VALUES (1, 'book', '{}', '[]', ?, ?, '{}', ?, ?)`).run(row.hash, row.resultsHash, row.createdAt, link)

    migrate(db, migrations.filter((m) => m.version <= 11))
    expect(db.pragma('user_version', { simple: true })).toBe(11)
    expect(db.prepare('SELECT count(*) FROM portfolios').pluck().get()).toBe(1)
    expect(db.prepare('SELECT count(*) FROM portfolio_log').pluck().get()).toBe(0)

    const log = new PortfolioLogRepository(db)
    const { entries, appended } = log.appendOnce(1, 'r1', row.createdAt, [
      { kind: 'constraint_event', t: 9, rule: 'pod_concentration', action: 'cap_and_redistribute', message: 'pod #1 over 0.4', before: [0.5, 0.5], after: [0.4, 0.6] },
      { kind: 'constraint_event', t: 12, rule: 'drawdown_stop', action: 'flatten', message: 'drawdown 0.2', before: [0.4, 0.6], after: [0, 0] }
    ])
    expect(appended).toBe(true)
    expect(entries.map((e) => e.seq)).toEqual([0, 1])
    // The first link hashes the portfolio's link; the second the first's.
    const first = logLink(link, { seq: 0, kind: 'constraint_event', request_hash: 'r1', t: 9, rule: 'pod_concentration', action: 'cap_and_redistribute', message: 'pod #1 over 0.4', before_json: '[0.5,0.5]', after_json: '[0.4,0.6]', body_json: null, created_at: row.createdAt })
    expect(entries[0]!.link).toBe(first.toString('hex'))
    expect(log.verify(1)).toBeNull()
    // The same request again writes nothing.
    expect(log.appendOnce(1, 'r1', row.createdAt, [{ kind: 'stress', message: 'again' }]).appended).toBe(false)
    expect(log.list(1)).toHaveLength(2)
  })

  it('refuses edits, deletions, unknown kinds and entries for a portfolio that does not exist', () => {
    const db = new Database(join(sandbox.dir, 'v11.db'))
    sandbox.track(db)
    db.pragma('foreign_keys = ON')
    migrate(db, migrations)
    db.prepare(`INSERT INTO portfolios (id, name, spec_json, members_json, hash, results_hash, summary_json, created_at, link) VALUES (1, 'b', '{}', '[]', 'h', 'r', '{}', 'now', x'00')`).run()
    const log = new PortfolioLogRepository(db)
    log.appendOnce(1, 'r', 'now', [{ kind: 'stress', message: 'worst corr=1', body: { scenarios: [] } }])
    expect(log.bodyAt(1, 0)).toEqual({ scenarios: [] })
    expect(() => db.prepare(`UPDATE portfolio_log SET message = 'x'`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`DELETE FROM portfolio_log`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`INSERT INTO portfolio_log (portfolio_id, seq, kind, request_hash, message, created_at, link) VALUES (1, 5, 'note', 'q', 'm', 'now', x'00')`).run()).toThrow(/CHECK constraint/)
    expect(() => log.appendOnce(2, 'r', 'now', [{ kind: 'stress', message: 'm' }])).toThrow(/there is no portfolio #2/)
  })
})

describe('migration 12: limit checks in the portfolio log', () => {
  it('keeps a v11 log entry for entry, its chain verifying, and admits check entries but no other kind', () => {
    const db = new Database(join(sandbox.dir, 'v11-to-12.db'))
    sandbox.track(db)
    migrate(db, migrations.filter((m) => m.version <= 11))
    const createdAt = '2026-12-06T00:00:00.000Z'
    const link = portfolioLink(PORTFOLIO_GENESIS, { id: 1, name: 'book', hash: 'h'.repeat(64), resultsHash: 'r'.repeat(64), createdAt })
    db.prepare(`INSERT INTO portfolios (id, name, spec_json, members_json, hash, results_hash, summary_json, created_at, link) VALUES (1, 'book', '{}', '[]', ?, ?, '{}', ?, ?)`).run('h'.repeat(64), 'r'.repeat(64), createdAt, link)
    const before = new PortfolioLogRepository(db)
    before.appendOnce(1, 'r1', createdAt, [{ kind: 'constraint_event', t: 4, rule: 'gross_exposure', action: 'scale_to_cash', message: 'gross 2.5 over 2', before: [1], after: [0.8], body: { maxGross: 2 } }])
    before.appendOnce(1, 'r2', createdAt, [{ kind: 'stress', message: 'worst base', body: { scenarios: [] } }])
    const v11 = before.list(1)
    expect(() => before.appendOnce(1, 'r3', createdAt, [{ kind: 'check', message: 'limits checked' }])).toThrow(/CHECK constraint/)

    migrate(db, migrations)
    expect(db.pragma('user_version', { simple: true })).toBe(12)
    const after = new PortfolioLogRepository(db)
    expect(after.list(1)).toEqual(v11)
    expect(after.verify(1)).toBeNull()
    const { entries } = after.appendOnce(1, 'r3', createdAt, [{ kind: 'check', message: 'limits checked: none of 8 breached', body: { limits: {} } }])
    expect(entries[0]).toMatchObject({ seq: 2, kind: 'check' })
    expect(after.verify(1)).toBeNull()
    expect(() => db.prepare(`INSERT INTO portfolio_log (portfolio_id, seq, kind, request_hash, message, created_at, link) VALUES (1, 9, 'note', 'q', 'm', 'now', x'00')`).run()).toThrow(/CHECK constraint/)
    expect(() => db.prepare(`UPDATE portfolio_log SET message = 'x'`).run()).toThrow(/append-only/)
    expect(() => db.prepare(`DELETE FROM portfolio_log`).run()).toThrow(/append-only/)
  })
})
