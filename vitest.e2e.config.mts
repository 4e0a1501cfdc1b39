import { defineConfig } from 'vitest/config'
import { buildDefines } from './tools/build-info'

// End-to-end: the built app driven through Chromium (browser host) and Electron where present.
export default defineConfig({
  define: buildDefines(),
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['./tools/vitest-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // A page waits on real services (a restart, a worker's first run): on a loaded machine one
    // second is not enough, and a poll that gives up early fails a test for the wrong reason.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks'
  }
})
