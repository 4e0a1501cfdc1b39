// Opening, refusing and migrating database files.
import Database from 'better-sqlite3'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { LATEST_SCHEMA_VERSION, migrations } from './migrations'
import { RunsRepository } from './runs-repository'
import { useStoreSandbox, spec, newRun, results, walkResults, bytesOf, storeOpenErrorOf } from './test-support'

const sandbox = useStoreSandbox()

describe('openDatabase', () => {
  it('creates the file with WAL, synchronous FULL, foreign keys and the latest schema version', () => {
    const file = join(sandbox.dir, 'nested', 'm.db')
    const db = sandbox.openTracked(file)
    expect(existsSync(file)).toBe(true)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()
    expect(tables).toEqual(['agent_calls', 'portfolio_log', 'portfolios', 'queued_results', 'queued_sweeps', 'run_events', 'run_memos', 'run_results', 'run_reviews', 'run_series', 'run_step_chunks', 'run_step_log', 'runs', 'sweep_cells', 'sweeps'])
  })

  it('keeps existing rows when an existing database is reopened', () => {
    const file = join(sandbox.dir, 'm.db')
    const first = openDatabase(file)
    const created = newRun(new RunsRepository(first))
    first.close()
    const again = sandbox.openTracked(file)
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    expect(new RunsRepository(again).get(created.id)).toEqual(created)
  })

  it('refuses a file of garbage bytes with a message naming the file and leaves it byte-for-byte unchanged', () => {
    const file = join(sandbox.dir, 'notes.db')
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256))
    writeFileSync(file, garbage)
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(message).toBe(`Cannot use ${file} as a Mechanica database: file is not a database. The file was left untouched; move it aside or choose another file with --db.`)
    expect(readFileSync(file).equals(garbage)).toBe(true)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('refuses a foreign SQLite database (tables, user_version 0) with a StoreOpenError', () => {
    const file = join(sandbox.dir, 'other-app.db')
    const foreign = new Database(file)
    foreign.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts (name) VALUES ('alice')")
    foreign.close()
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(message).toContain(': it is a SQLite database but not a Mechanica one (it has tables and no schema version).')
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(0)
    expect(check.prepare('SELECT name FROM accounts').pluck().all()).toEqual(['alice'])
    expect(check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'runs'").pluck().get()).toBe(0)
    check.close()
  })

  // Regression: WAL was once switched on before the foreign-file check, rewriting the header.
  it('leaves a foreign SQLite database byte-for-byte unchanged', () => {
    const file = join(sandbox.dir, 'other-app.db')
    const foreign = new Database(file)
    foreign.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)')
    foreign.close()
    const before = readFileSync(file)
    expect(storeOpenErrorOf(() => openDatabase(file))).toBe(
      `Cannot use ${file} as a Mechanica database: it is a SQLite database but not a Mechanica one (it has tables and no schema version). The file was left untouched; move it aside or choose another file with --db.`
    )
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a database written by a newer schema, saying so', () => {
    const file = join(sandbox.dir, 'future.db')
    const future = new Database(file)
    future.pragma('journal_mode = WAL')
    future.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)')
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`)
    future.close()
    const before = readFileSync(file)
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(readFileSync(file).equals(before)).toBe(true)
    expect(message).toContain('newer')
    expect(message).toContain(`schema v${LATEST_SCHEMA_VERSION + 1}`)
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1)
    check.close()
  })

  it('migrates a v1 database, carrying its random-walk results over bit for bit', () => {
    // A v1 store as an earlier build left it: migration 1 only, one completed walk, one cancelled.
    const file = join(sandbox.dir, 'v1.db')
    const v1 = new Database(file)
    v1.pragma('journal_mode = WAL')
    const first = migrations.find((m) => m.version === 1)
    if (!first) throw new Error('migration 1 is missing')
    v1.exec(first.sql)
    v1.pragma('user_version = 1')
    const insertRun = v1.prepare(
      `INSERT INTO runs (task, spec_json, config_hash, code_version, seed, status, created_at, started_at, finished_at, progress_done, progress_total, results_hash)
       VALUES ('random-walk', ?, ?, 'v1-build', ?, ?, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z', ?, 10, ?)`
    )
    const walk = spec({ steps: 10, seed: 9 })
    const id = Number(insertRun.run(JSON.stringify(walk), 'c'.repeat(64), 9, 'completed', 10, 'a'.repeat(64)).lastInsertRowid)
    const cancelledId = Number(insertRun.run(JSON.stringify(spec({ steps: 10, seed: 10 })), 'd'.repeat(64), 10, 'cancelled', 4, null).lastInsertRowid)
    // Awkward doubles: the summary goes through SQLite's JSON functions in the migration.
    const summary = {
      steps: 10,
      final: 0.30000000000000004,
      min: -1.7976931348623157e308,
      max: 1e21,
      meanIncrement: 1 / 3,
      stdevIncrement: 5e-324,
      maxDrawdown: 2.2250738585072014e-308
    }
    const path = new Float64Array([0, NaN, -0, Infinity, -Infinity, 1e-310])
    v1.prepare('INSERT INTO run_results (run_id, summary_json, path_stride, path) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(summary), 2, bytesOf(path))
    v1.close()

    const db = sandbox.openTracked(file)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const repo = new RunsRepository(db)
    expect(repo.get(id)).toMatchObject({ id, task: 'random-walk', spec: walk, seed: 9, status: 'completed', codeVersion: 'v1-build', resultsHash: 'a'.repeat(64) })

    const stored = repo.results(id)
    expect(stored).toEqual({ kind: 'random-walk', summary, pathStride: 2, path: expect.any(Float64Array) })
    const back = walkResults(stored).path
    expect(back).toBeInstanceOf(Float64Array)
    expect(bytesOf(back).equals(bytesOf(path))).toBe(true)
    expect(Object.is(back[2], -0)).toBe(true)
    expect(repo.results(cancelledId)).toBeNull()
    expect(repo.steps(id, 0, 100)).toEqual([])
    expect(repo.events(id)).toEqual([])

    // The migrated store takes new runs as a fresh one would.
    const next = newRun(repo)
    repo.complete(next.id, '2025-01-02T00:00:00.000Z', results(Float64Array.of(7, 8)))
    expect(Array.from(walkResults(repo.results(next.id)).path)).toEqual([7, 8])
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('opens an existing database read-only without migrating', () => {
    const file = join(sandbox.dir, 'm.db')
    openDatabase(file).close()
    const db = openDatabase(file, { readonly: true })
    sandbox.track(db)
    expect(db.readonly).toBe(true)
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
  })

  it('refuses to open a missing file read-only, naming it', () => {
    const file = join(sandbox.dir, 'missing.db')
    const message = storeOpenErrorOf(() => openDatabase(file, { readonly: true }))
    expect(message).toBe(`Cannot open the database at ${file}: unable to open database file.`)
    expect(existsSync(file)).toBe(false)
  })
})

describe('openDatabase refuses a damaged Mechanica file', () => {
  /** A real store with a few thousand steps of decision log, checkpointed into the main file. */
  function storeFile(): { file: string; size: number } {
    const file = join(sandbox.dir, 'damaged.db')
    const db = openDatabase(file)
    const repo = new RunsRepository(db)
    for (let i = 0; i < 3; i++) newRun(repo, { seed: i })
    db.prepare('INSERT INTO run_series (run_id, name, data) VALUES (1, ?, ?)').run('pad', Buffer.alloc(256 * 1024, 7))
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    return { file, size: readFileSync(file).length }
  }

  it.each([
    ['to half its pages', (size: number) => Math.floor(size / 2 / 4096) * 4096],
    ['in the middle of a page', (size: number) => Math.floor(size / 3) + 17],
    ['to its 100-byte header', () => 100]
  ])('refuses a file truncated %s, naming it, and leaves it byte-for-byte unchanged', (_how, length) => {
    const { file, size } = storeFile()
    const truncated = readFileSync(file).subarray(0, length(size))
    writeFileSync(file, truncated)
    const message = storeOpenErrorOf(() => openDatabase(file))
    expect(message).toBe(`Cannot use ${file} as a Mechanica database: database disk image is malformed. The file was left untouched; move it aside or choose another file with --db.`)
    expect(readFileSync(file).equals(truncated)).toBe(true)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it('refuses a file whose header is overwritten as not a database', () => {
    const { file } = storeFile()
    const bytes = readFileSync(file)
    bytes.fill(0x41, 0, 16)
    writeFileSync(file, bytes)
    expect(storeOpenErrorOf(() => openDatabase(file))).toContain('file is not a database')
    expect(readFileSync(file).equals(bytes)).toBe(true)
  })
})
