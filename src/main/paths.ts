import { statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const DATABASE_FILE_NAME = 'mechanica.db'

/** Where a desktop app keeps its data on each platform (what Electron's userData resolves to). */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir()
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Mechanica')
    case 'win32':
      return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Mechanica')
    default:
      // An empty XDG_CONFIG_HOME counts as unset (XDG spec), as it does for Electron.
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Mechanica')
  }
}

/** `--db FILE` wins, then MECHANICA_DB, then the data directory. */
export function resolveDatabasePath(argv: readonly string[], env: NodeJS.ProcessEnv, dataDir: string): string {
  const fromFlag = flagValue(argv, '--db')
  if (!fromFlag && argv.some((a) => a === '--db' || a === '--db=')) throw new Error('--db needs a file path')
  if (fromFlag) return resolve(fromFlag)
  if (env.MECHANICA_DB) return resolve(env.MECHANICA_DB)
  return join(dataDir, DATABASE_FILE_NAME)
}

/** Where the browser host writes exports when not told: `exports/` beside the database (created on the first export). */
export function defaultExportDir(databasePath: string): string {
  return join(dirname(resolve(databasePath)), 'exports')
}

/**
 * The browser host's export folder: `--export-dir DIR` (an existing folder, chosen by whoever
 * starts Mechanica), else `exports/` beside the database. Clients only name files in it.
 */
export function resolveExportDir(argv: readonly string[], databasePath: string): string {
  const fromFlag = flagValue(argv, '--export-dir')
  if (!fromFlag && argv.some((a) => a === '--export-dir' || a === '--export-dir=')) throw new Error('--export-dir needs a folder')
  if (!fromFlag) return defaultExportDir(databasePath)
  const dir = resolve(fromFlag)
  let isFolder = false
  try {
    isFolder = statSync(dir).isDirectory()
  } catch {
    throw new Error(`--export-dir ${dir} does not exist; create the folder first`)
  }
  if (!isFolder) throw new Error(`--export-dir ${dir} is not a folder`)
  return dir
}

/** Reads `--name value` or `--name=value`; a following `--flag` is not taken as the value. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === name) {
      const next = argv[i + 1]
      return next === undefined || next.startsWith('--') ? undefined : next
    }
    if (arg?.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}
