import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvParts } from './csv-upload'

// The renderer's cut of a file into upload parts (shared by the Terrain and Regime views).

describe('csvParts', () => {
  const bytes = (s: string) => new TextEncoder().encode(s).length
  it('cuts a file at line ends into parts within the byte limit that join back to the file', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 60 }), fc.integer({ min: 8, max: 200 }), (lines, limit) => {
        const text = lines.join('\n')
        const parts = csvParts(text, limit)
        expect(parts.join('')).toBe(text)
        for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(limit)
      })
    )
  })
  it('keeps whole lines together when they fit', () => {
    expect(csvParts('date,A\n2020-01-01,1\n2020-01-02,2\n', 20)).toEqual(['date,A\n2020-01-01,1\n', '2020-01-02,2\n'])
    expect(csvParts('', 10)).toEqual([''])
  })
})
