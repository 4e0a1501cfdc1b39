import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// case module ch8.py; provenance in __fixtures__/notebook-provenance.json and README.md).

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  /** CELL 9's metrics keys in order, and those left out of `summary` because they read the clock. */
  summaryKeys: string[]
  wallClockKeys: string[]
  summary: Record<string, number>
  actionCounts: Record<string, number>
  regimeCounts: Record<string, number>
  /** 1 when every step is held, else the step columns hold every n-th step (t = 0, n, 2n, …). */
  sampleEvery: number
  /** The log's columns at the steps `t`; `size_bucket`/`horizon_bucket` may be null; `grid` rows at `grid_t`. */
  steps: Record<string, Array<number | null>> & { grid: number[][] }
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch8-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export type { SeriesError } from '../parity-support'

/** Equity starts at 1.0 and costs are ~1e-4 of it: an absolute floor of 1e-15 keeps the test relative. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-15) => sharedSeriesError(series, actual, expected, floor)
