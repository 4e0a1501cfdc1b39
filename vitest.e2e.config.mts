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
    pool: 'forks'
  }
})
