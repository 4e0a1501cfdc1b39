import { describe, expect, it } from 'vitest'
import { MAX_COPY_ROWS, selectedRowsTsv } from './log-copy'
import { columnsFor } from './LogRows'
import { PAGE_ROWS, PageStore } from './step-pages'
import { stepsPage } from './step-pages.fixture'

// The fixture's step t has equity 1000 + t and rationale "why t".
const page = (p: number) => stepsPage(p * PAGE_ROWS, PAGE_ROWS)

const titles = columnsFor(page(0).names).map((c) => c.title)

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
