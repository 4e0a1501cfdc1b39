import { defineConfig } from 'vitest/config'
import { buildDefines } from '../../tools/build-info'

// `npm run bench:ui`: UI performance in Chromium against the built browser host (not part of `npm test`).
export default defineConfig({
  define: buildDefines(),
  test: {
    include: ['e2e/perf/**/*.perf.ts'],
    globalSetup: ['./tools/vitest-global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks'
  }
})
