import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// case module ch9.py; provenance in __fixtures__/notebook-provenance.json and README.md).

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  summary: Record<string, number | string>
  actionCounts: Record<string, number>
  regimeCounts: Record<string, number>
  fallbackSteps: number
  /** 1 when every step is held, else the step columns hold every n-th step (t = 0, n, 2n, …). */
  sampleEvery: number
  covEvery: number
  steps: Record<string, number[]> & { target: number[][]; position: number[][] }
  market: Record<string, number[]> & { regime: string; rets: number[][]; cov: number[][]; cov_t: number[] }
}

export interface ProbeCall {
  call: 'normal' | 'standard_t' | 'rand' | 'standard_gamma'
  value: number
  df?: number
  shape?: number
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch9-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export function tProbe(): Record<string, ProbeCall[]> {
  return (JSON.parse(readFileSync(folder + 'rng-legacy-t-probe.json', 'utf8')) as { streams: Record<string, ProbeCall[]> }).streams
}

export type { SeriesError } from '../parity-support'

/** Equity starts at 1: an absolute floor of 1e-15 is below any number the notebook prints. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-15) => sharedSeriesError(series, actual, expected, floor)
