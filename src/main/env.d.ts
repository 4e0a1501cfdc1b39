/** Injected at build time (electron.vite.config.ts, vitest.config.ts). */
declare const __MECHANICA_VERSION__: string
declare const __MECHANICA_COMMIT__: string
