import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { basename, dirname, join, parse, resolve } from 'node:path'
import type { Db } from './database'

export interface BackupResult {
  /** Absolute path of the finished copy. */
  path: string
  bytes: number
  /** Runs in the copy. */
  runs: number
  schemaVersion: number
}

/**
 * Why a backup was refused or failed: `exists` (the target is there and overwriting was not
 * asked for), `target` (the folder is missing, not a folder, not writable, or the target is
 * the database itself), `verify` (the copy failed its integrity or schema check).
 */
export class BackupError extends Error {
  constructor(
    readonly reason: 'exists' | 'target' | 'verify',
    message: string
  ) {
    super(message)
    this.name = 'BackupError'
  }
}

export interface BackupOptions {
  /** Replace an existing file at the target (default: refuse). */
  overwrite?: boolean
  /** Pages copied per step of the online backup (default 100; tests use fewer to interleave writes). */
  pagesPerStep?: number
}

/**
 * Copies the open database to `targetPath` with SQLite's online backup API, so the app keeps
 * running (and writing) meanwhile: the copy is taken in steps between other work, and writes
 * made on this connection during it are carried into the copy. The copy is written to a
 * temporary file beside the target, checked (`integrity_check`, schema version), made a
 * single self-contained file (rollback journal, no -wal), then published atomically: a hard
 * link that fails if the target appeared meanwhile, or a rename when overwriting was asked.
 * On any failure nothing is left behind.
 */
export async function backupDatabase(db: Db, targetPath: string, options: BackupOptions = {}): Promise<BackupResult> {
  const target = resolve(targetPath)
  checkTarget(db, target, options.overwrite ?? false)
  return copyAndPublish(db, dirname(target), basename(target), (temp) => publish(temp, target, options.overwrite ?? false), options)
}

/**
 * Backs up next to the database as `<name>.backup-<n>.db`, n one more than the highest taken,
 * so earlier backups are never replaced (if another backup takes n first, n + 1 is used).
 */
export async function backupNextTo(db: Db, databasePath: string, options: Omit<BackupOptions, 'overwrite'> = {}): Promise<BackupResult> {
  const file = resolve(databasePath)
  const dir = dirname(file)
  const name = parse(file).name
  const pattern = new RegExp(`^${escapeRegExp(name)}\\.backup-(\\d+)\\.db$`)
  const highest = (): number => {
    let n = 0
    for (const entry of readdirSync(dir)) {
      const match = pattern.exec(entry)
      if (match) n = Math.max(n, Number(match[1]))
    }
    return n
  }
  checkFolder(dir)
  return copyAndPublish(db, dir, `${name}.backup`, (temp) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const target = join(dir, `${name}.backup-${highest() + 1}.db`)
      try {
        publish(temp, target, false)
        return target
      } catch (error) {
        if (!(error instanceof BackupError && error.reason === 'exists')) throw error
      }
    }
    throw new BackupError('exists', `could not find a free backup name next to ${file}`)
  }, options)
}

/** Copies into a temporary file in `dir`, verifies it, and hands it to `place`, which returns where it went. */
async function copyAndPublish(db: Db, dir: string, stem: string, place: (temp: string) => string, options: BackupOptions): Promise<BackupResult> {
  const temp = join(dir, `.${stem}.partial-${process.pid}-${randomBytes(6).toString('hex')}`)
  const schemaVersion = db.pragma('user_version', { simple: true }) as number
  try {
    try {
      const pages = options.pagesPerStep ?? 100
      await db.backup(temp, { progress: () => pages })
    } catch (error) {
      throw new BackupError('target', `cannot write a backup in ${dir}: ${(error as Error).message}`)
    }
    const runs = verifyCopy(temp, schemaVersion)
    syncFile(temp)
    const path = place(temp)
    syncFolder(dir)
    return { path, bytes: statSync(path).size, runs, schemaVersion }
  } finally {
    for (const leftover of [temp, `${temp}-journal`, `${temp}-wal`, `${temp}-shm`]) rmSync(leftover, { force: true })
  }
}

/** The copy must be sound and carry the source's schema version; returns its run count. */
function verifyCopy(file: string, schemaVersion: number): number {
  let copy: Db
  try {
    copy = new Database(file, { fileMustExist: true })
  } catch (error) {
    throw new BackupError('verify', `the copy cannot be opened: ${(error as Error).message}`)
  }
  try {
    // The source is in WAL mode and its header says so; a backup should be one file.
    copy.pragma('journal_mode = DELETE')
    const integrity = copy.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') throw new BackupError('verify', `the copy failed SQLite's integrity check: ${String(integrity)}`)
    const version = copy.pragma('user_version', { simple: true }) as number
    if (version !== schemaVersion) throw new BackupError('verify', `the copy has schema v${version}, the database v${schemaVersion}`)
    return copy.prepare('SELECT count(*) FROM runs').pluck().get() as number
  } catch (error) {
    if (error instanceof BackupError) throw error
    throw new BackupError('verify', `the copy could not be checked: ${(error as Error).message}`)
  } finally {
    copy.close()
  }
}

function checkFolder(dir: string): void {
  let isFolder: boolean
  try {
    isFolder = statSync(dir).isDirectory()
  } catch {
    throw new BackupError('target', `the folder ${dir} does not exist`)
  }
  if (!isFolder) throw new BackupError('target', `${dir} is not a folder`)
}

function checkTarget(db: Db, target: string, overwrite: boolean): void {
  checkFolder(dirname(target))
  const source = resolve(db.name)
  if ([source, `${source}-wal`, `${source}-shm`, `${source}-journal`].includes(target)) {
    throw new BackupError('target', `a backup cannot replace the database it copies (${target})`)
  }
  let existing: ReturnType<typeof statSync> | undefined
  try {
    existing = statSync(target)
  } catch {
    existing = undefined
  }
  if (existing?.isDirectory()) throw new BackupError('target', `${target} is a folder; give a file name`)
  if (existing && !overwrite) throw new BackupError('exists', `${target} already exists`)
}

/** Moves the verified copy to `target`: never replacing a file unless asked, never half-written. */
function publish(temp: string, target: string, overwrite: boolean): string {
  if (overwrite) {
    try {
      renameSync(temp, target)
    } catch (error) {
      throw new BackupError('target', `cannot replace ${target}: ${(error as Error).message}`)
    }
    return target
  }
  try {
    // link(2) fails with EEXIST instead of replacing: no window between a check and a rename.
    linkSync(temp, target)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new BackupError('exists', `${target} already exists`)
    // A file system without hard links: check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw new BackupError('target', `cannot create ${target}: ${(error as Error).message}`)
    try {
      statSync(target)
      throw new BackupError('exists', `${target} already exists`)
    } catch (statError) {
      if (statError instanceof BackupError) throw statError
    }
    renameSync(temp, target)
    return target
  }
  unlinkSync(temp)
  return target
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Makes the new directory entry durable where the platform allows opening a folder. */
function syncFolder(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Windows cannot open a folder for fsync; NTFS journals the rename itself.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
