// Backups: SQLite's online backup API, a verified copy published atomically, nothing left behind.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BackupError, backupDatabase, backupNextTo } from './backup'
import { openDatabase, type Db } from './database'
import { LATEST_SCHEMA_VERSION } from './migrations'
import { RunsRepository } from './runs-repository'
import { syntheticStepRecords } from './synthetic-step-log'
import { labResults, newRun, results, tableDigests as contents, useStoreSandbox } from './test-support'
import { mechanica, type CliOutcome } from '../cli-test-support'

const sandbox = useStoreSandbox()

/** A completed lab run with `steps` steps of decision log (one chunk per 4,096 steps). */
function addLabRun(repo: RunsRepository, steps: number, seed: number): number {
  const run = repo.create({
    spec: { task: 'lab', lab: 'credit-spreads', preset: 'faithful', seed, overrides: {} },
    seed,
    steps,
    configHash: 'c'.repeat(64),
    codeVersion: 'test-1',
    createdAt: '2025-01-01T00:00:00.000Z'
  })
  repo.complete(run.id, '2025-01-01T00:00:01.000Z', { results: labResults(), resultsHash: 'l'.repeat(64) }, syntheticStepRecords(steps, seed))
  return run.id
}

/** A source database: a lab run with a long decision log, a completed walk, a failed run. */
function sourceDatabase(file: string, logSteps = 20_000): { db: Db; repo: RunsRepository } {
  const db = sandbox.openTracked(file)
  const repo = new RunsRepository(db)
  addLabRun(repo, logSteps, 3)
  const walk = newRun(repo)
  repo.complete(walk.id, '2025-01-01T00:00:02.000Z', results(Float64Array.of(100, 100.5, -0, 1e-310, Infinity)))
  repo.end(newRun(repo, { seed: 2 }).id, 'failed', '2025-01-01T00:00:03.000Z', 10, 'engine crashed')
  return { db, repo }
}

function openCopy(file: string): Db {
  const copy = new Database(file, { readonly: true, fileMustExist: true })
  sandbox.track(copy)
  return copy
}

/** Files in the sandbox other than the source database's own. */
function strayFiles(except: readonly string[] = []): string[] {
  return readdirSync(sandbox.dir).filter((f) => !/^m\.db(-wal|-shm)?$/.test(f) && !except.includes(f))
}

describe('backupDatabase', () => {
  it('copies a database with runs so that the copy equals the source: runs, results, series, step chunks, events', async () => {
    const { db, repo } = sourceDatabase(join(sandbox.dir, 'm.db'))
    const target = join(sandbox.dir, 'copy.db')
    const result = await backupDatabase(db, target)

    expect(result).toEqual({ path: target, bytes: readFileSync(target).length, runs: 3, schemaVersion: LATEST_SCHEMA_VERSION })
    const copy = openCopy(target)
    expect(contents(copy)).toEqual(contents(db))
    expect(copy.prepare('SELECT count(*) FROM run_step_chunks').pluck().get()).toBeGreaterThan(5 * 10) // several chunks × columns
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    // One self-contained file: no -wal beside it, and it reads back through the repository.
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete')
    const copied = new RunsRepository(copy)
    for (const id of [1, 2, 3]) {
      expect(copied.get(id)).toEqual(repo.get(id))
      expect(copied.results(id)).toEqual(repo.results(id))
      expect(copied.events(id)).toEqual(repo.events(id))
    }
    expect(copied.steps(1, 8000, 300)).toEqual(repo.steps(1, 8000, 300))
    expect(strayFiles(['copy.db'])).toEqual([])
  })

  it('stays consistent while the same connection writes runs during the backup (the app running)', async () => {
    const { db, repo } = sourceDatabase(join(sandbox.dir, 'm.db'), 60_000)
    const target = join(sandbox.dir, 'live.db')
    let finished = false
    let writesDuring = 0
    // A few pages per step so the copy spans many turns of the event loop, with a run written in between.
    const backup = backupDatabase(db, target, { pagesPerStep: 8 }).finally(() => (finished = true))
    // Bounded: a copy that gains pages faster than it copies them never ends.
    await new Promise<void>((resolve) => {
      const writeOne = (): void => {
        if (finished || writesDuring === 10) return resolve()
        addLabRun(repo, 500, 100 + writesDuring)
        writesDuring++
        setImmediate(writeOne)
      }
      setImmediate(writeOne)
    })
    const result = await backup
    expect(writesDuring).toBeGreaterThan(3)
    // Writes on the backing-up connection are carried into the copy: it equals the source as it is now.
    const copy = openCopy(target)
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(contents(copy)).toEqual(contents(db))
    expect(result.runs).toBe(3 + writesDuring)
  })

  it('takes a consistent snapshot while another connection (the running app) writes', async () => {
    const file = join(sandbox.dir, 'm.db')
    const { db: app } = sourceDatabase(file, 40_000)
    const appRepo = new RunsRepository(app)
    const reader = openDatabase(file, { readonly: true }) // as `mechanica backup --db` opens it
    sandbox.track(reader)
    const target = join(sandbox.dir, 'snapshot.db')
    let finished = false
    let writes = 0
    const backup = backupDatabase(reader, target, { pagesPerStep: 16 }).finally(() => (finished = true))
    // A bounded burst of writes: each restarts SQLite's copy, which then completes from the new state.
    await new Promise<void>((resolve) => {
      const writeOne = (): void => {
        if (finished || writes === 5) return resolve()
        addLabRun(appRepo, 500, 200 + writes)
        writes++
        setImmediate(writeOne)
      }
      setImmediate(writeOne)
    })
    const result = await backup
    expect(writes).toBeGreaterThan(0)
    const copy = openCopy(target)
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    // Every run in the copy is whole: a completed run has its results, log and chunks; ids are the source's first ones.
    const copied = new RunsRepository(copy)
    const ids = copy.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[]
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1))
    expect(result.runs).toBe(ids.length)
    for (const id of ids) {
      expect(copied.get(id)).toEqual(appRepo.get(id))
      expect(copied.results(id)).toEqual(appRepo.results(id))
      expect(copy.prepare('SELECT count(*) FROM run_step_chunks WHERE run_id = ?').pluck().get(id)).toBe(
        app.prepare('SELECT count(*) FROM run_step_chunks WHERE run_id = ?').pluck().get(id)
      )
    }
  })

  it('refuses to overwrite an existing file, leaving it byte-for-byte as it was and nothing else behind', async () => {
    const { db } = sourceDatabase(join(sandbox.dir, 'm.db'), 100)
    const target = join(sandbox.dir, 'precious.db')
    const precious = Buffer.from('not to be replaced\n')
    writeFileSync(target, precious)
    const error = await backupDatabase(db, target).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackupError)
    expect((error as BackupError).reason).toBe('exists')
    expect((error as BackupError).message).toBe(`${target} already exists`)
    expect(readFileSync(target).equals(precious)).toBe(true)
    expect(strayFiles(['precious.db'])).toEqual([])

    // Asked to, it replaces the file with a verified copy.
    const result = await backupDatabase(db, target, { overwrite: true })
    expect(result.runs).toBe(3)
    expect(openCopy(target).pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('refuses a missing folder, a file as folder, a folder as target and the database itself, writing nothing', async () => {
    const source = join(sandbox.dir, 'm.db')
    const { db } = sourceDatabase(source, 100)
    writeFileSync(join(sandbox.dir, 'plain-file'), 'x')
    mkdirSync(join(sandbox.dir, 'a-folder'))
    const before = contents(db)
    const cases: Array<[string, string]> = [
      [join(sandbox.dir, 'no-such-folder', 'b.db'), `the folder ${join(sandbox.dir, 'no-such-folder')} does not exist`],
      [join(sandbox.dir, 'plain-file', 'b.db'), `${join(sandbox.dir, 'plain-file')} is not a folder`],
      [join(sandbox.dir, 'a-folder'), `${join(sandbox.dir, 'a-folder')} is a folder; give a file name`],
      [source, `a backup cannot replace the database it copies (${source})`]
    ]
    for (const [target, message] of cases) {
      const error = await backupDatabase(db, target, { overwrite: true }).catch((e: unknown) => e)
      expect(error, target).toBeInstanceOf(BackupError)
      expect((error as BackupError).reason, target).toBe('target')
      expect((error as BackupError).message, target).toBe(message)
    }
    expect(existsSync(join(sandbox.dir, 'no-such-folder'))).toBe(false)
    expect(readdirSync(join(sandbox.dir, 'a-folder'))).toEqual([])
    expect(strayFiles(['plain-file', 'a-folder'])).toEqual([])
    expect(contents(db)).toEqual(before)
  })

  it('discards a copy that fails the integrity check (a database damaged inside), saying so', async () => {
    const file = join(sandbox.dir, 'm.db')
    const { db } = sourceDatabase(file, 30_000)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    // Damage two pages in the middle of the file: opening does not read them, a backup copies them verbatim.
    const bytes = readFileSync(file)
    const middle = Math.floor(bytes.length / 2 / 4096) * 4096
    bytes.fill(0xab, middle, middle + 8192)
    writeFileSync(file, bytes)
    const damaged = sandbox.openTracked(file)
    const error = await backupDatabase(damaged, join(sandbox.dir, 'copy.db')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackupError)
    expect((error as BackupError).reason).toBe('verify')
    expect((error as BackupError).message).toMatch(/^the copy failed SQLite's integrity check: \S/)
    expect(strayFiles()).toEqual([])
  })

  it.runIf(process.platform === 'linux')('reports a folder it cannot write in (even as root) and leaves no partial file', async () => {
    const { db } = sourceDatabase(join(sandbox.dir, 'm.db'), 100)
    const error = await backupDatabase(db, '/proc/mechanica-backup.db').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BackupError)
    expect((error as BackupError).reason).toBe('target')
    expect((error as BackupError).message).toMatch(/^cannot write a backup in \/proc: /)
    expect(readdirSync('/proc').filter((f) => f.includes('mechanica'))).toEqual([])
  })
})

describe('backupNextTo', () => {
  it('names backups <name>.backup-<n>.db next to the database, n one past the highest, never replacing one', async () => {
    const file = join(sandbox.dir, 'm.db')
    const { db } = sourceDatabase(file, 100)
    const first = await backupNextTo(db, file)
    expect(first.path).toBe(join(sandbox.dir, 'm.backup-1.db'))
    const second = await backupNextTo(db, file)
    expect(second.path).toBe(join(sandbox.dir, 'm.backup-2.db'))
    writeFileSync(join(sandbox.dir, 'm.backup-7.db'), 'kept')
    const third = await backupNextTo(db, file)
    expect(third.path).toBe(join(sandbox.dir, 'm.backup-8.db'))
    expect(readFileSync(join(sandbox.dir, 'm.backup-7.db'), 'utf8')).toBe('kept')
    expect(strayFiles(['m.backup-1.db', 'm.backup-2.db', 'm.backup-7.db', 'm.backup-8.db'])).toEqual([])
    for (const path of [first.path, second.path, third.path]) expect(contents(openCopy(path))).toEqual(contents(db))
  })

  it('gives two backups started together different names', async () => {
    const file = join(sandbox.dir, 'm.db')
    const { db } = sourceDatabase(file, 100)
    const [a, b] = await Promise.all([backupNextTo(db, file), backupNextTo(db, file)])
    expect([a.path, b.path].sort()).toEqual([join(sandbox.dir, 'm.backup-1.db'), join(sandbox.dir, 'm.backup-2.db')])
  })
})

// The command line, from the BUILT cli (out/main/cli.js).
const run = (args: string[]): Promise<CliOutcome> => mechanica(...args)

describe('mechanica backup', () => {
  it('backs up --db to --out and prints path, bytes and runs as JSON', async () => {
    const file = join(sandbox.dir, 'm.db')
    const { db } = sourceDatabase(file, 100)
    const out = join(sandbox.dir, 'cli-copy.db')
    const { code, stdout } = await run(['backup', '--db', file, '--out', out, '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ path: out, bytes: readFileSync(out).length, runs: 3, schemaVersion: LATEST_SCHEMA_VERSION })
    expect(contents(openCopy(out))).toEqual(contents(db))
  })

  it('refuses an existing --out, a missing --db and a file that is not a database, in one line with exit code 2', async () => {
    const file = join(sandbox.dir, 'm.db')
    sourceDatabase(file, 100)
    writeFileSync(join(sandbox.dir, 'taken.db'), 'taken')
    writeFileSync(join(sandbox.dir, 'notes.txt'), 'just some notes, not SQLite at all '.repeat(100))
    const notes = readFileSync(join(sandbox.dir, 'notes.txt'))
    const cases: Array<[string[], RegExp]> = [
      [['backup', '--db', file, '--out', join(sandbox.dir, 'taken.db')], /^mechanica: .*taken\.db already exists; choose another --out or pass --overwrite$/],
      [['backup', '--db', join(sandbox.dir, 'missing.db')], /^mechanica: Cannot open the database at .*missing\.db/],
      [['backup', '--db', join(sandbox.dir, 'notes.txt')], /^mechanica: Cannot use .*notes\.txt as a Mechanica database: file is not a database/],
      [['backup'], /^mechanica: backup needs --db FILE/]
    ]
    for (const [args, pattern] of cases) {
      const { code, stderr } = await run(args)
      expect(code, args.join(' ')).toBe(2)
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(stderr.trim(), args.join(' ')).toMatch(pattern)
    }
    expect(readFileSync(join(sandbox.dir, 'taken.db'), 'utf8')).toBe('taken')
    expect(readFileSync(join(sandbox.dir, 'notes.txt')).equals(notes)).toBe(true)
    expect(strayFiles(['taken.db', 'notes.txt'])).toEqual([])
  })
})
