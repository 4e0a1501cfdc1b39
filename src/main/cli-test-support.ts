import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

// Tests that run `mechanica …` as a user does: the BUILT cli (out/main/cli.js, made by the test
// setup), its exit code and both streams, whether it succeeds or not.

export const BUILT_CLI = join(dirname(fileURLToPath(import.meta.url)), '../../out/main/cli.js')

export interface CliOutcome {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI with `args`; a non-zero exit is an outcome, not a thrown error. */
export async function mechanica(...args: string[]): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BUILT_CLI, ...args])
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}
