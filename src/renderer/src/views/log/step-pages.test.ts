import { describe, expect, it } from 'vitest'
import { parseOverrides, parseValues, sweepRequest } from '../sweeps/sweep-form'
import { MAX_PAGES, PAGE_ROWS, PREFETCH_PAGES, PageStore, pagesToFetch, viewKey } from './step-pages'
import { stepsPage as page } from './step-pages.fixture'

describe('decision-log pages in the renderer', () => {
  it('fetches the visible pages first, then the prefetch margin, within the log', () => {
    const none = () => false
    expect(PREFETCH_PAGES).toBe(2)
    expect(pagesToFetch(250, 290, 10_000, none)).toEqual([2, 0, 1, 3, 4])
    expect(pagesToFetch(0, 40, 10_000, none)).toEqual([0, 1, 2])
    expect(pagesToFetch(9_990, 9_999, 10_000, none)).toEqual([99, 97, 98])
    expect(pagesToFetch(250, 290, 10_000, (p) => p !== 3)).toEqual([3])
    expect(pagesToFetch(0, 10, 0, none)).toEqual([])
  })

  it('reads a row off its page, with its constraint events, and drops old pages past the cap', () => {
    const store = new PageStore()
    store.put(2, page(2 * PAGE_ROWS, PAGE_ROWS))
    const row = store.row(2 * PAGE_ROWS + 2)!
    expect(row).toMatchObject({ t: 202, regime: 'calm', action: 'HOLD', source: 'BASELINE', rationale: 'why 202', cost: 20.2, netPnl: -202, equity: 1202, costs: [['fee', 20.2]], pnl: [['carry', 2.02]] })
    expect(Array.from(row.position)).toEqual([4, 5])
    expect(row.events).toEqual([{ t: 202, rule: 'clip', message: 'clipped' }])
    expect(store.row(2 * PAGE_ROWS + 3)!.events).toEqual([])
    expect(store.row(5)).toBeNull()
    for (let p = 3; p < 3 + MAX_PAGES; p++) store.put(p, page(p * PAGE_ROWS, PAGE_ROWS))
    expect(store.has(2)).toBe(false)
    expect(store.has(3)).toBe(true)
  })

  it('a view key ignores the order of chosen names and the case of the search', () => {
    expect(viewKey(1, { actions: ['B', 'A'], text: ' Stop' })).toBe(viewKey(1, { actions: ['A', 'B'], text: 'stop' }))
    expect(viewKey(1, {})).not.toBe(viewKey(2, {}))
  })
})

describe('sweep form', () => {
  it('parses grid values and overrides the way the CLI does', () => {
    expect(parseValues('0, 1.5, true, TWAP, "x"')).toEqual([0, 1.5, true, 'TWAP', 'x'])
    expect(parseOverrides('T=2000\nfees.venue_a_bps=0.5')).toEqual({ overrides: { T: 2000, 'fees.venue_a_bps': 0.5 }, error: null })
    expect(parseOverrides('T').error).toBe('"T" is not path=value')
  })

  it('builds a grid or a seed-ensemble request, or says what is missing', () => {
    const base = { lab: 'latency-arb', preset: 'faithful', seed: '', seedFrom: '1', seedTo: '4', overrides: 'T=3000' }
    expect(sweepRequest({ ...base, mode: 'grid', axes: [{ path: 'latency.latency_steps', values: '0, 5' }, { path: '', values: '' }] }).request).toEqual({
      lab: 'latency-arb',
      preset: 'faithful',
      overrides: { T: 3000 },
      grid: { 'latency.latency_steps': [0, 5] }
    })
    expect(sweepRequest({ ...base, mode: 'seeds', axes: [] }).request).toEqual({ lab: 'latency-arb', preset: 'faithful', overrides: { T: 3000 }, seeds: { from: 1, to: 4 } })
    expect(sweepRequest({ ...base, mode: 'grid', axes: [{ path: 'a', values: ' ' }] }).error).toBe('a: give at least one value (comma-separated)')
    expect(sweepRequest({ ...base, mode: 'grid', axes: [] }).error).toBe('choose at least one config path to vary')
  })
})
