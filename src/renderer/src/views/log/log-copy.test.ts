import { describe, expect, it } from 'vitest'
import type { StepsPage } from '../../../../shared/contract'
import { MAX_COPY_ROWS, selectedRowsTsv } from './log-copy'
import { PAGE_ROWS, PageStore } from './step-pages'

// A log of 10,000 steps whose step t has equity 1000 + t and rationale "why t".
function page(p: number): StepsPage {
  const n = PAGE_ROWS
  const offset = p * n
  const col = (f: (t: number) => number) => Float64Array.from({ length: n }, (_, i) => f(offset + i))
  return {
    runId: 1,
    logged: true,
    steps: 10_000,
    total: 10_000,
    offset,
    names: { legs: ['a'], actions: ['HOLD'], regimes: ['calm'], sources: ['BASELINE'], costComponents: [], pnlComponents: [] },
    rows: {
      t: col((t) => t),
      regime: col(() => 0),
      action: col(() => 0),
      source: col(() => 0),
      rationale: Array.from({ length: n }, (_, i) => `why ${offset + i}`),
      position: col(() => 1),
      cost: col(() => 0),
      costs: {},
      pnl: {},
      netPnl: col(() => 0),
      equity: col((t) => 1000 + t),
      drawdown: col(() => 0),
      leverage: col(() => 1)
    },
    events: []
  } as unknown as StepsPage
}

const titles = ['t', 'regime', 'position', 'lev', 'equity', 'dd', 'action', 'source', '⚑', 'cost', 'net p&l', 'rationale']

describe('selectedRowsTsv', () => {
  it('copies the selected rows in order, fetching only the pages not in memory', async () => {
    const store = new PageStore()
    store.put(0, page(0))
    const fetched: number[] = []
    const { tsv, copied } = await selectedRowsTsv(titles, store, 98, 203, async (p) => {
      fetched.push(p)
      return page(p)
    })
    expect(copied).toBe(106)
    expect(fetched).toEqual([1, 2])
    const lines = tsv.trimEnd().split('\n')
    expect(lines[0]).toBe(titles.join('\t'))
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(Array.from({ length: 106 }, (_, i) => String(98 + i)))
    expect(lines[1]!.split('\t')[4]).toBe('1098.00')
    expect(lines.at(-1)!.split('\t').at(-1)).toBe('why 203')
  })

  it('stops at MAX_COPY_ROWS', async () => {
    const { copied, tsv } = await selectedRowsTsv(titles, new PageStore(), 0, 9999, async (p) => page(p))
    expect(copied).toBe(MAX_COPY_ROWS)
    expect(tsv.trimEnd().split('\n').length).toBe(MAX_COPY_ROWS + 1)
  })
})
