import { defineConfig } from 'vitest/config'
import { buildDefines } from './tools/build-info'

// Unit and integration tests. Integration tests start real service processes from the built
// worker files, so the global setup makes sure out/ is fresh.
export default defineConfig({
  define: buildDefines(),
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'tools/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['./tools/vitest-global-setup.ts'],
    // Generous: many tests spawn the CLI or service processes, which a loaded machine starts slowly.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks'
  }
})
