import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** Version and commit baked into the Node-side bundles; part of every run's identity. */
export function buildDefines(root = join(__dirname, '..')): Record<string, string> {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
  let commit = 'unversioned'
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim()
  } catch {
    // A source tarball has no git history; runs are then tagged "unversioned".
  }
  return {
    __MECHANICA_VERSION__: JSON.stringify(version),
    __MECHANICA_COMMIT__: JSON.stringify(commit)
  }
}
