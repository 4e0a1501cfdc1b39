import { existsSync, lstatSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { LabRunSpec } from '../../shared/contract'
import { ApiError } from '../../shared/contract'
import { systemClock } from '../clock'
import type { LabInputs, LabRequirement } from '../engine/kernel'
import { openDatabase } from '../store/database'
import { CODE_VERSION } from '../version'
import { defaultExportDir } from '../paths'
import type { ExportDestination } from './export-destination'
import { localMemo } from './local-memo'

export class MemoUsageError extends Error {}

function fail(message: string): never {
  throw new MemoUsageError(message)
}

const FORMATS = ['md', 'html', 'zip'] as const

/**
 * Where the CLI writes the memo: `--out FILE` (relative to where the command runs; its folder
 * must exist), else `exports/<default name>` beside the database, as the browser host does. A
 * file already there is replaced only with `--overwrite`.
 */
function cliDestination(databasePath: string, out: string | undefined, overwrite: boolean, defaultName: string): ExportDestination {
  const folder = out === undefined ? defaultExportDir(databasePath) : dirname(resolve(out))
  const path = out === undefined ? resolve(folder, defaultName) : resolve(out)
  if (out !== undefined && !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) fail(`--out: the folder ${folder} does not exist`)
  const existing = lstatSync(path, { throwIfNoEntry: false })
  if (existing?.isDirectory()) fail(`--out: ${path} is a folder; give a file name`)
  if (existing && !overwrite) fail(`${path} already exists; pass --overwrite to replace it`)
  return { path, replace: overwrite, ...(out === undefined ? { createFolder: folder } : {}) }
}

/**
 * `mechanica memo --db FILE --run ID --format md|html|zip [--out FILE] [--overwrite]`: the same
 * memo the app exports (same facts, narrative and bytes). Stress variants missing from the
 * database are run here and stored, as the app would.
 */
export async function commandMemo(
  values: { db?: string; run?: string; format?: string; out?: string; overwrite?: boolean; json?: boolean },
  inputs: (spec: LabRunSpec, requires: readonly LabRequirement[]) => Promise<LabInputs>
): Promise<void> {
  const file = values.db ?? fail('memo needs --db FILE')
  if (!existsSync(file)) fail(`${file} does not exist`)
  if (values.run === undefined) fail('memo needs --run ID')
  const runId = Number(values.run)
  if (!Number.isInteger(runId) || runId < 1) fail(`--run must be a run id such as 12 (got ${JSON.stringify(values.run)})`)
  const format = values.format ?? 'md'
  if (format === 'pdf') fail('--format pdf needs the app: Electron prints the memo with printToPDF, the browser host from the memo view’s Print button')
  if (!(FORMATS as readonly string[]).includes(format)) fail(`--format must be md, html or zip (got ${JSON.stringify(format)})`)
  let db
  try {
    db = openDatabase(file)
  } catch (error) {
    fail((error as Error).message)
  }
  try {
    const memo = localMemo({
      db,
      clock: systemClock,
      codeVersion: CODE_VERSION,
      inputs,
      onProgress: (done, total, label) => {
        if (total > 0 && done < total) process.stderr.write(`memo: ${label}\n`)
      }
    })
    const written = await memo.export(runId, format as (typeof FORMATS)[number], async (name) => cliDestination(file, values.out, values.overwrite ?? false, name))
    if (values.json) console.log(JSON.stringify(written, null, 2))
    else console.log(`run #${runId}: memo written to ${written.path} (${written.bytes} bytes, sha256 ${written.sha256})`)
  } catch (error) {
    if (error instanceof ApiError && error.code !== 'internal') fail(error.message)
    throw error
  } finally {
    db.close()
  }
}
