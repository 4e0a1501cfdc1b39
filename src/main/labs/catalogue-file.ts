import { readFileSync } from 'node:fs'
import type { LabInfo } from '../../shared/contract'

// The lab catalogue (forms, presets, self-descriptions: about 360 kB) is a pure function of the
// code, and building it costs about a core-second of zod (config defaults, JSON Schemas). So the
// build computes it once (electron.vite.config.ts runs write-lab-catalogue.js after bundling) and
// writes it beside the workers; a cold start reads the file instead of waiting for the engine to
// start and build it. Types only here: the hosts must not load the labs to read it.

/** The file's name in the built workers' folder (out/main/workers). */
export const CATALOGUE_FILE = 'lab-catalogue.json'

interface CatalogueFile {
  /** The CODE_VERSION of the build that wrote it: a file from another build is not read. */
  codeVersion: string
  labs: LabInfo[]
}

export function catalogueFileText(codeVersion: string, labs: LabInfo[]): string {
  return JSON.stringify({ codeVersion, labs } satisfies CatalogueFile)
}

/**
 * The build's catalogue, or null when there is none (a test's workers folder, a dev build) or it
 * was written by another code version: then the engine is asked, as before. The file is part of
 * the build like the code itself, so it is read as it is.
 */
export function readCatalogueFile(path: string, codeVersion: string): LabInfo[] | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return null
  }
  try {
    const file = JSON.parse(text) as Partial<CatalogueFile> | null
    return file && file.codeVersion === codeVersion && Array.isArray(file.labs) ? file.labs : null
  } catch {
    return null
  }
}
