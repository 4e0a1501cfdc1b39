import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { methodNames, TERRAIN_CSV_PART_CHARS, type MethodName, type MethodResult } from '../../shared/contract'
import { engineMethods } from '../../shared/contract/protocol'
import { createRouter, type CallContext, type Handlers } from '../api/router'
import { parsePriceCsvPanel } from '../labs/market-terrain/csv'
import { panelMarket } from '../labs/market-terrain/csv-market'
import { csvView } from '../labs/market-terrain/csv-view'
import { terrainBar } from '../labs/market-terrain/view-data'
import type { EngineService } from '../services/service-host'
import { terrainCsvHandlers as engineSide } from '../workers/terrain-csv-handlers'
import { terrainCsvHandlers } from './terrain-csv'

// `terrain.csv` / `terrain.csvBar` through the router, with the engine's handlers run in this
// process (parsed with the engine's own method table, as the engine service does): bad files get
// one line naming the problem, a file in parts gives exactly the view of its pass, and the
// scrubber's bars are the pass's bars.

const ctx: CallContext = { transport: 'direct' }
const FIXTURE = readFileSync('e2e/fixtures/terrain-five-assets.csv', 'utf8')

function inProcessEngine(): EngineService {
  const call = async (method: 'engine.terrainCsv' | 'engine.terrainCsvBar', params: unknown, options?: { on?: { progress?: (p: unknown) => void } }) => {
    const parsed = engineMethods[method].request.parse(params) as never
    const emit = (name: string, payload: unknown) => name === 'progress' && options?.on?.progress?.(engineMethods['engine.terrainCsv'].events.progress.parse(payload))
    return engineSide[method](parsed, { signal: new AbortController().signal, emit } as never)
  }
  return { call } as unknown as EngineService
}

function setup() {
  const progress = vi.fn()
  const others = Object.fromEntries(methodNames.map((m: MethodName) => [m, vi.fn()]))
  const router = createRouter({ ...others, ...terrainCsvHandlers(inProcessEngine(), progress) } as unknown as Handlers, vi.fn())
  return { router, progress }
}

/** A wide file of `dates` rows over `tickers`, prices from a fixed recurrence (no randomness needed). */
function wide(tickers: string[], dates: number, price = (t: number, i: number) => 100 + 10 * i + Math.sin(t * (i + 1)) * 3): string {
  const rows = [['date', ...tickers].join(',')]
  for (let t = 0; t < dates; t++) rows.push([new Date(Date.UTC(2021, 0, 1 + t)).toISOString().slice(0, 10), ...tickers.map((_, i) => price(t, i).toFixed(4))].join(','))
  return rows.join('\n')
}

async function refusal(router: ReturnType<typeof setup>['router'], text: string, window = 60) {
  const outcome = await router.call('terrain.csv', { upload: 'bad', part: 0, parts: 1, name: 'prices.csv', text, window }, ctx)
  if (outcome.ok) throw new Error('the file was accepted')
  return outcome.error
}

describe('terrain.csv: a user file refused in one line naming the problem', () => {
  it('refuses a file of one asset', async () => {
    const error = await refusal(setup().router, wide(['A'], 100))
    expect(error.code).toBe('invalid_params')
    expect(error.message).toBe('prices.csv: the CSV was rejected: row 1: the file holds 1 asset; a terrain needs at least two (it is made of pairs)')
  })

  it('refuses a window longer than the series', async () => {
    const error = await refusal(setup().router, wide(['A', 'B', 'C'], 30), 60)
    expect(error.message).toBe('prices.csv: window 60 is longer than the series: 30 dates give 29 returns, and a terrain needs more returns than the window')
  })

  it('refuses a non-positive price, naming its row and ticker', async () => {
    const error = await refusal(setup().router, wide(['A', 'B'], 100, (t, i) => (t === 41 && i === 1 ? 0 : 50 + t)))
    expect(error.message).toBe('prices.csv: the CSV was rejected: row 43: B must be > 0 (got 0)')
    expect(error.message).not.toContain('\n')
  })

  it('refuses a part out of order, and a part of an upload never begun', async () => {
    const { router } = setup()
    await router.call('terrain.csv', { upload: 'u', part: 0, parts: 3, name: 'p.csv', text: 'date,A,B\n' }, ctx)
    const skipped = await router.call('terrain.csv', { upload: 'u', part: 2, parts: 3, name: 'p.csv', text: '' }, ctx)
    expect(skipped.ok ? null : skipped.error.message).toBe('upload u: part 2 of 3 does not follow part 0 of 3 (p.csv): send the file again from part 0')
    const orphan = await router.call('terrain.csv', { upload: 'v', part: 1, parts: 2, name: 'p.csv', text: '' }, ctx)
    expect(orphan.ok ? null : orphan.error.message).toMatch(/^upload v has no part 0 here/)
    const field = await router.call('terrain.csv', { upload: 'w', part: 2, parts: 2, name: 'p.csv', text: '' }, ctx)
    expect(field.ok ? null : field.error.issues).toEqual([{ path: 'part', message: 'must be < parts' }])
  })
})

describe('terrain.csv: a file in parts', () => {
  it('answers partial until the last part, then exactly the view of the file’s pass, with progress', async () => {
    const { router, progress } = setup()
    const parts = [FIXTURE.slice(0, TERRAIN_CSV_PART_CHARS), FIXTURE.slice(TERRAIN_CSV_PART_CHARS)]
    expect(parts[1]!.length).toBeGreaterThan(0)
    const first = await router.call('terrain.csv', { upload: 'f', part: 0, parts: 2, name: 'five.csv', text: parts[0]!, window: 40 }, ctx)
    expect(first).toEqual({ ok: true, value: { status: 'partial', received: 1, parts: 2 } })
    const last = await router.call('terrain.csv', { upload: 'f', part: 1, parts: 2, name: 'five.csv', text: parts[1]!, window: 40 }, ctx)
    const answer = last.ok ? (last.value as MethodResult<'terrain.csv'>) : null
    if (answer?.status !== 'done') throw new Error('no view')
    const pass = panelMarket(parsePriceCsvPanel(FIXTURE), 40)
    const view = answer.view
    expect(view).toEqual(csvView(pass, 'five.csv', view.key))
    expect(view.series.bars).toBe(299)
    expect(view.dates[0]).toBe('2024-01-02')
    expect(view.grouping.methods.map((m) => m.method)).toEqual(['jump', 'kmeans', 'hmm'])
    expect(view.faultAlerts).toBeGreaterThan(0)
    // Progress: every report is below its total and the last reaches it.
    const reports = progress.mock.calls.map(([p]) => p as { task: string; done: number; total: number })
    expect(reports.every((p) => p.task === 'terrain.csv' && p.done <= p.total)).toBe(true)
    expect(reports.at(-1)!.done).toBe(reports.at(-1)!.total)

    const bar = await router.call('terrain.csvBar', { key: view.key, bar: 250 }, ctx)
    expect(bar).toEqual({ ok: true, value: { bar: terrainBar(pass, 250) } })
    const beyond = await router.call('terrain.csvBar', { key: view.key, bar: 299 }, ctx)
    expect(beyond.ok ? null : beyond.error.message).toBe("bar must be < 299, the file's bar count (got 299)")
    const gone = await router.call('terrain.csvBar', { key: 'no-such-file', bar: 0 }, ctx)
    expect(gone.ok ? null : gone.error.code).toBe('not_found')
  })
})
