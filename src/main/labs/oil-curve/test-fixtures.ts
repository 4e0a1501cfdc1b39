import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// cases/ch2.py; see __fixtures__/README.md for provenance and fields).

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  config: { T: number; market: { M: number } }
  summary: Record<string, number>
  regimeCounts: Record<string, number>
  actionCounts: Record<string, number>
  stopped: boolean
  sampledEvery: number
  /** One entry per notebook row kept (all rows, or `index` lists which). */
  steps: Record<string, number[]> & { action: string[]; regime: string[]; index?: number[] }
  /** One entry per market state kept (all states, or `index` lists which). */
  market: { t: number[]; spot: number[]; inv_z: number[]; convenience_yield: number[]; futures: number[][]; index?: number[] }
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch2-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export type { SeriesError } from '../parity-support'

/** Equity here is ~1e6 currency units and P&L per step ~1e2: an absolute floor of 1e-9 is far below a cent. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>) => sharedSeriesError(series, actual, expected, 1e-9)
