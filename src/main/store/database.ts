import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { LATEST_SCHEMA_VERSION, migrations, type Migration } from './migrations'

export type Db = Database.Database

export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreOpenError'
  }
}

/**
 * Opens (or creates) the database: WAL, synchronous=FULL for the audit data, foreign keys on,
 * then migrates. A file that is not a Mechanica database is refused before anything is
 * written to it (not even the journal mode), so it stays byte-for-byte as it was.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  // Read-only opens (a backup's source) create nothing, not even the folder.
  if (file !== ':memory:' && !options.readonly) mkdirSync(dirname(file), { recursive: true })
  const existed = file !== ':memory:' && existsSync(file)
  let db: Db
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  } catch (error) {
    throw new StoreOpenError(`Cannot open the database at ${file}: ${(error as Error).message}.`)
  }
  try {
    // The first real read is where SQLite notices a file that is not a database.
    db.pragma('schema_version')
    checkCompatible(db)
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    if (!options.readonly) migrate(db, migrations)
    return db
  } catch (error) {
    db.close()
    const hint = existed ? ' The file was left untouched; move it aside or choose another file with --db.' : ''
    throw new StoreOpenError(`Cannot use ${file} as a Mechanica database: ${(error as Error).message}.${hint}`)
  }
}

/** Refuses (without writing) a schema newer than this build, or a foreign SQLite file. */
function checkCompatible(db: Db): number {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > LATEST_SCHEMA_VERSION) {
    throw new StoreOpenError(
      `it was written by a newer Mechanica (schema v${version}; this build knows up to v${LATEST_SCHEMA_VERSION})`
    )
  }
  if (version === 0) {
    // A version-0 file with tables in it was not made by Mechanica: do not build on top of it.
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    if (tables.n > 0) throw new StoreOpenError('it is a SQLite database but not a Mechanica one (it has tables and no schema version)')
  }
  return version
}

export function migrate(db: Db, list: readonly Migration[]): void {
  const current = checkCompatible(db)
  for (const migration of list) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      migration.convert?.(db)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
}
