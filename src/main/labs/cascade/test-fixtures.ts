import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// case module ch10.py; provenance in __fixtures__/notebook-provenance.json and README.md).

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  /** The notebook's own failure ("KeyError: 'dd'") when the run died part-way, else null. */
  failure: string | null
  stepsLogged: number
  summary: Record<string, number | null>
  actionCounts: Record<string, number>
  regimeCounts: Record<string, number>
  steps: Record<string, number[]>
  market: { regime: string; funding_rate: number[]; margin_tight: number[]; risk_aversion: number[] }
  system0: { W: number[][]; inst_equity: number[]; inst_leverage: number[]; inst_risk: number[] }
  institutionsEvery: number
  institutions: { t: number[] } & Record<'inst_equity' | 'inst_leverage' | 'inst_risk' | 'distress', number[][]>
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch10-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export type { SeriesError } from '../parity-support'

/** Money is in currency on a 1,000,000 book; institution quantities are O(1): an absolute floor of 1e-12 is far below either's precision need. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-12) => sharedSeriesError(series, actual, expected, floor)
