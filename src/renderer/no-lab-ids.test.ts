/* eslint-disable no-restricted-imports -- a guard over the renderer's source, not renderer code: it reads the files from disk and the lab ids from main's registry */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { labIds } from '../main/labs/registry'

// The renderer knows no lab: what a view needs of a lab comes from the lab's own description in
// LabInfo (labs.list). A lab id in renderer source, as a string or as a word in a comment, is
// knowledge that a new lab would not get; tests may name labs in their fixtures.

const root = __dirname

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** Every place an id occurs as a whole word ("fx" alone is not "fx-carry"; hyphens belong to the word). */
function labIdMentions(source: string, ids: readonly string[]): Array<{ line: number; id: string }> {
  const found: Array<{ line: number; id: string }> = []
  const patterns = ids.map((id) => ({ id, pattern: new RegExp(`(?<![\\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`) }))
  source.split('\n').forEach((text, i) => {
    for (const { id, pattern } of patterns) if (pattern.test(text)) found.push({ line: i + 1, id })
  })
  return found
}

describe('the renderer names no lab', () => {
  it('finds an id as a quoted string or a word, not inside a longer word', () => {
    const ids = ['fx-carry', 'microstructure']
    expect(labIdMentions("if (lab === 'fx-carry') {}\n// microstructure labs\nconst x = `${'fx-carry'}`", ids)).toEqual([
      { line: 1, id: 'fx-carry' },
      { line: 2, id: 'microstructure' },
      { line: 3, id: 'fx-carry' }
    ])
    expect(labIdMentions('fx-carry-like; microstructures; carry; "nr fx"', ids)).toEqual([])
  })

  it('src/renderer source files contain no registered lab id', () => {
    const ids = labIds()
    expect(ids.length).toBeGreaterThan(0)
    const files = sourceFiles(root)
    expect(files.length).toBeGreaterThan(20)
    const mentions = files.flatMap((file) => labIdMentions(readFileSync(file, 'utf8'), ids).map((m) => `${relative(root, file)}:${m.line}: ${m.id}`))
    expect(mentions).toEqual([])
  })
})
