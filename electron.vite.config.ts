import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { buildDefines } from './tools/build-info'

/**
 * Writes the lab catalogue beside the workers once the Node-side bundles are out
 * (src/main/labs/catalogue-file.ts): a cold start reads it instead of waiting for the engine.
 * Not while watching (`electron-vite dev`), where the code changes under one code version: there
 * the engine answers.
 */
function labCatalogueFile(): Plugin {
  const out = resolve(__dirname, 'out/main')
  const file = resolve(out, 'workers/lab-catalogue.json')
  return {
    name: 'mechanica-lab-catalogue',
    closeBundle() {
      rmSync(file, { force: true })
      if (this.meta.watchMode) return
      execFileSync(process.execPath, [resolve(out, 'write-lab-catalogue.js'), file], { stdio: ['ignore', 'inherit', 'inherit'] })
    }
  }
}

// Every Node-side entry is built by the `main` config so that workers, the browser host
// and the CLI share one bundle graph and one set of externalised native deps.
export default defineConfig({
  main: {
    define: buildDefines(),
    plugins: [labCatalogueFile()],
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'browser-host': resolve(__dirname, 'src/main/browser-host.ts'),
          'workers/engine': resolve(__dirname, 'src/main/workers/engine.ts'),
          'workers/inference': resolve(__dirname, 'src/main/workers/inference.ts'),
          // The CLI's execution-provider probe, in its own process (src/main/inference/quiet-probe.ts).
          'workers/provider-probe': resolve(__dirname, 'src/main/workers/provider-probe.ts'),
          cli: resolve(__dirname, 'src/main/cli.ts'),
          // Not part of the app: `npm run bench` runs it from out/main so it finds the workers.
          bench: resolve(__dirname, 'bench/index.ts'),
          // The agent's language model, in its own process (src/main/agent/process-provider.ts).
          'workers/agent': resolve(__dirname, 'src/main/workers/agent.ts'),
          // A build step: writes the lab catalogue file (labCatalogueFile above).
          'write-lab-catalogue': resolve(__dirname, 'src/main/labs/write-lab-catalogue.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves every bundle unminified; the page's must be parsed at each cold start.
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') }
      }
    },
    plugins: [react()]
  }
})
