import { randomBytes } from 'node:crypto'
import type { Stats } from 'node:fs'
import { link, lstat, mkdir, open, readlink, realpath, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { ApiError, exportNameProblem } from '../../shared/contract'

// Where an export may be written. A client names a file, never a path: under the browser host
// the file goes into the one export folder chosen at start-up, under Electron where the user
// says in main's save dialog. Nothing here trusts the client's name beyond being a plain name.

/** Where one export is written. */
export interface ExportDestination {
  /** Absolute path of the file. */
  path: string
  /** Replace a file already there (the user confirmed); otherwise publishing fails rather than replace one. */
  replace: boolean
  /** Created (with its parents) just before writing when missing: the export folder itself, never a folder a client named. */
  createFolder?: string
}

/** Picks the destination of one export, given the name it gets when the client gives none. */
export type PlaceExport = (defaultName: string) => Promise<ExportDestination>

export type ExportMethod = 'memo.export' | 'runs.exportTable'

/** How a host places exports. */
export interface ExportPlacement {
  /** The export folder; null where the user picks each file (Electron's save dialog). */
  readonly folder: string | null
  /**
   * The destination for `name` with the user's `overwrite` answer. Refuses with `invalid_params`
   * naming the problem (issue `name`, or `overwrite` for a file that exists), `cancelled` when the
   * user closed the dialog. Writes nothing and creates nothing.
   */
  destination(method: ExportMethod, name: string, overwrite: boolean): Promise<ExportDestination>
}

function refuse(method: ExportMethod, field: 'name' | 'overwrite', message: string): never {
  throw new ApiError('invalid_params', `${method}: ${field}: ${message}`, [{ path: field, message }])
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code
  return typeof code === 'string' ? code : undefined
}

function checkName(method: ExportMethod, name: string): void {
  const problem = exportNameProblem(name)
  if (problem) refuse(method, 'name', `${problem} (got ${JSON.stringify(name)})`)
}

/**
 * Exports into one folder (the browser host's `--export-dir`, by default `exports/` beside the
 * database). The file is the folder — every link in its path resolved — plus the client's plain
 * name; an entry already there is refused when it is a link (wherever it points), a folder or
 * anything but a regular file, and a regular file is replaced only with `overwrite`.
 */
export function exportFolder(dir: string): ExportPlacement {
  const folder = resolve(dir)
  return {
    folder,
    async destination(method, name, overwrite) {
      checkName(method, name)
      let real: string
      try {
        real = await realpath(folder)
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw error
        // No folder yet, so no file in it: the folder is created when the export is written.
        return { path: join(folder, name), replace: false, createFolder: folder }
      }
      const entry = (await lstat(real).catch(() => null)) as Stats | null
      if (!entry?.isDirectory()) throw new ApiError('conflict', `${method}: the export folder ${folder} is not a folder; start Mechanica with --export-dir naming a folder.`)
      const path = join(real, name)
      // A plain name cannot leave the folder; this states it where the path is made.
      if (dirname(path) !== real || basename(path) !== name) refuse(method, 'name', `must be a file name inside the export folder (got ${JSON.stringify(name)})`)
      let existing: Stats
      try {
        existing = await lstat(path)
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return { path, replace: false }
        throw error
      }
      if (existing.isSymbolicLink()) {
        const target = await readlink(path).catch(() => '?')
        const pointsTo = resolve(real, target)
        const where = dirname(pointsTo) === real ? '' : ', outside the export folder'
        refuse(method, 'name', `${name} in the export folder is a symbolic link (to ${target}${where}); an export never writes through or replaces a link`)
      }
      if (existing.isDirectory()) refuse(method, 'name', `${name} is a folder in the export folder; give a file name`)
      if (!existing.isFile()) refuse(method, 'name', `${name} in the export folder is not a regular file`)
      if (!overwrite) refuse(method, 'overwrite', `${name} already exists in the export folder (${real}); it is replaced only when the user confirms (overwrite: true)`)
      return { path, replace: true }
    }
  }
}

/** Asks the user where to save `name` (Electron's save dialog in main); null when cancelled. */
export type ChooseExportPath = (name: string) => Promise<string | null>

/**
 * Exports where the user says in a save dialog shown by main. The client's name is only the
 * dialog's suggestion; the dialog asks before replacing a file, so what it returns is written,
 * replacing what is there.
 */
export function exportDialog(choose: ChooseExportPath): ExportPlacement {
  return {
    folder: null,
    async destination(method, name) {
      checkName(method, name)
      const chosen = await choose(name)
      if (chosen === null) throw new ApiError('cancelled', `${method}: the save dialog was closed without choosing a file; nothing was written.`)
      if (!isAbsolute(chosen)) throw new ApiError('internal', `${method}: the save dialog returned a relative path (${JSON.stringify(chosen)}).`)
      return { path: chosen, replace: true }
    }
  }
}

/**
 * Writes an export through a temporary file beside the target, synced, then published: renamed
 * into place when replacing was confirmed, hard-linked otherwise (which fails rather than
 * replace a file that appeared meanwhile). The temporary file is opened with O_EXCL, and
 * neither rename nor link follows a link at the target, so nothing is ever written through
 * one. A failed export leaves nothing behind and never a half-written file.
 */
export async function writeExport(destination: ExportDestination, write: (file: FileHandle) => Promise<void>): Promise<void> {
  if (destination.createFolder !== undefined) await mkdir(destination.createFolder, { recursive: true })
  const temporary = join(dirname(destination.path), `.mechanica-export-${process.pid}-${randomBytes(6).toString('hex')}.partial`)
  const file = await open(temporary, 'wx')
  try {
    try {
      await write(file)
      await file.sync()
    } finally {
      await file.close()
    }
    if (destination.replace) await rename(temporary, destination.path)
    else {
      try {
        await link(temporary, destination.path)
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw error
        throw new ApiError('conflict', `Export refused: ${destination.path} appeared while the export was being written; it was left as it is.`)
      }
    }
  } finally {
    // After a rename there is nothing left to remove; after a link or a failure, the temporary name goes.
    await rm(temporary, { force: true })
  }
}
