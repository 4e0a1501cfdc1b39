import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// case module ch7.py; provenance in __fixtures__/notebook-provenance.json and README.md).

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  summary: Record<string, number | null>
  actionSourceCounts: Record<string, number>
  actionCounts: Record<string, number>
  regimeCounts: Record<string, number>
  /** 1 when every step is held, else the step columns hold every n-th step (t = 0, n, 2n, …). */
  sampleEvery: number
  steps: Record<string, number[]> & { w_post: number[][] | null }
  market: {
    regime: string
    t: number[]
    disp: number[]
    avg_corr: number[]
    factor_ret: number[][]
    mom_t: number[]
    mom: number[][]
    matrix_t: number[]
    Sigma: number[][]
    Corr: number[][]
  }
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch7-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export type { SeriesError } from '../parity-support'

/** Money is in currency units of a 1,000,000 book: an absolute floor of 1e-9 is far below a cent. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-9) => sharedSeriesError(series, actual, expected, floor)
