import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { labCatalogue } from './catalogue'
import { catalogueFileText, readCatalogueFile } from './catalogue-file'

// The build's lab catalogue file: what the engine would answer, read back only by the code
// version that wrote it.

const dir = mkdtempSync(join(tmpdir(), 'mechanica-catalogue-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('the lab catalogue file', () => {
  it('reads back the whole catalogue, equal to what labCatalogue builds, for its own code version', () => {
    const labs = labCatalogue()
    const path = file('current.json', catalogueFileText('1.0.0+abc', labs))
    expect(readCatalogueFile(path, '1.0.0+abc')).toEqual(labs)
  })

  it('is not read for another code version, when missing or unreadable', () => {
    const path = file('old.json', catalogueFileText('1.0.0+old', []))
    expect(readCatalogueFile(path, '1.0.0+new')).toBeNull()
    expect(readCatalogueFile(join(dir, 'absent.json'), '1.0.0+new')).toBeNull()
    expect(readCatalogueFile(file('torn.json', '{"codeVersion":"1.0.0+new","labs":[{"id"'), '1.0.0+new')).toBeNull()
    expect(readCatalogueFile(file('null.json', 'null'), '1.0.0+new')).toBeNull()
    expect(readCatalogueFile(file('nolabs.json', '{"codeVersion":"1.0.0+new","labs":{}}'), '1.0.0+new')).toBeNull()
  })
})
