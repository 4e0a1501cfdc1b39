import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Builds out/ once before tests that start real processes. `npm test` builds first and sets
 * MECHANICA_SKIP_BUILD=1; a bare `npx vitest` still gets a fresh build.
 */
export default function setup(): void {
  const root = join(__dirname, '..')
  const built = existsSync(join(root, 'out/main/workers/engine.js'))
  if (process.env.MECHANICA_SKIP_BUILD === '1' && built) return
  execFileSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
}
