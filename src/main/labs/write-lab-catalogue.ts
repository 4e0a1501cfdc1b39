import { writeFileSync } from 'node:fs'
import { CODE_VERSION } from '../version'
import { labCatalogue } from './catalogue'
import { catalogueFileText } from './catalogue-file'

// Build step, not part of the app: `node out/main/write-lab-catalogue.js <file>` writes this
// build's lab catalogue (catalogue-file.ts says why). electron.vite.config.ts runs it.
const target = process.argv[2]
if (!target) {
  console.error('usage: node out/main/write-lab-catalogue.js <file>')
  process.exit(2)
}
writeFileSync(target, catalogueFileText(CODE_VERSION, labCatalogue()))
