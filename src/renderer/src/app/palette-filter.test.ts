import { describe, expect, it } from 'vitest'
import { filterCommands, fuzzyScore } from './palette-filter'

const commands = [
  { group: 'View', title: 'Explorer' },
  { group: 'View', title: 'Runs' },
  { group: 'View', title: 'Compare' },
  { group: 'Run', title: 'New run of fx-carry' },
  { group: 'Run', title: 'New run of credit-spreads' },
  { group: 'Run', title: 'Cancel run #12' },
  { group: 'Run', title: 'Compare selected runs' },
  { group: 'Shell', title: 'Toggle light/dark theme' }
]
const titles = (query: string) => filterCommands(commands, query).map((c) => c.title)

describe('command palette filter', () => {
  it('keeps every command in order for an empty query', () => {
    expect(titles('')).toEqual(commands.map((c) => c.title))
    expect(titles('   ')).toHaveLength(commands.length)
  })

  it('matches a subsequence, case-insensitively, and drops what does not match', () => {
    expect(fuzzyScore('Explorer', 'xpl')).not.toBeNull()
    expect(fuzzyScore('Explorer', 'EXP')).not.toBeNull()
    expect(fuzzyScore('Explorer', 'lpx')).toBeNull()
    expect(titles('theme')).toEqual(['Toggle light/dark theme'])
    expect(titles('zzz')).toEqual([])
  })

  it('ranks word-start and consecutive matches first', () => {
    expect(titles('csr')[0]).toBe('Compare selected runs')
    expect(titles('cred')[0]).toBe('New run of credit-spreads')
    expect(titles('nr fx')[0]).toBe('New run of fx-carry')
    expect(titles('nrcs')[0]).toBe('New run of credit-spreads')
    expect(titles('runs')[0]).toBe('Runs')
    expect(titles('cancel')).toEqual(['Cancel run #12'])
  })

  it('also matches on the group name', () => {
    expect(titles('view comp')[0]).toBe('Compare')
  })
})

describe('command palette filter, compact matches', () => {
  it('prefers letters close together over a far jump to a word start', () => {
    expect(titles('cmpr')[0]).toBe('Compare')
  })
})
