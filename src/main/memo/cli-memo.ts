import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { LabRunSpec } from '../../shared/contract'
import { ApiError } from '../../shared/contract'
import { systemClock } from '../clock'
import type { LabInputs, LabRequirement } from '../engine/kernel'
import { openDatabase } from '../store/database'
import { CODE_VERSION } from '../version'
import { localMemo } from './local-memo'

export class MemoUsageError extends Error {}

function fail(message: string): never {
  throw new MemoUsageError(message)
}

const FORMATS = ['md', 'html', 'zip'] as const

/**
 * `mechanica memo --db FILE --run ID --format md|html|zip [--out FILE]`: the same memo the app
 * exports (same facts, narrative and bytes). Stress variants missing from the database are run
 * here and stored, as the app would.
 */
export async function commandMemo(
  values: { db?: string; run?: string; format?: string; out?: string; json?: boolean },
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
      databasePath: file,
      clock: systemClock,
      codeVersion: CODE_VERSION,
      inputs,
      onProgress: (done, total, label) => {
        if (total > 0 && done < total) process.stderr.write(`memo: ${label}\n`)
      }
    })
    // --out is relative to where the command runs; without it the memo goes where the app puts it.
    const written = await memo.export(runId, format as (typeof FORMATS)[number], values.out === undefined ? undefined : resolve(values.out))
    if (values.json) console.log(JSON.stringify(written, null, 2))
    else console.log(`run #${runId}: memo written to ${written.path} (${written.bytes} bytes, sha256 ${written.sha256})`)
  } catch (error) {
    if (error instanceof ApiError && error.code !== 'internal') fail(error.message)
    throw error
  } finally {
    db.close()
  }
}
