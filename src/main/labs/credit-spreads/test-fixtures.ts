import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (generated from the notebook by another engineer; see
// __fixtures__/ for provenance) and an error summary that says how close a series is.

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  summary: Record<string, number>
  actionCounts: Record<string, number>
  telemetry: Record<string, unknown> & {
    turnover_by_leg: Record<string, number>
    regime_counts: Record<string, number>
    pnl_net_by_regime: Record<string, number>
    cost_by_regime: Record<string, number>
    impact_by_regime: Record<string, number>
  }
  steps: Record<string, number[]> & { action: string[] }
  market: Record<string, number[]> & { spreads_IG: number[][]; spreads_HY: number[][] }
}

export interface SignalsFixture {
  seed: number
  lvl_ig_ma: number[]
  lvl_hy_ma: number[]
  haz_ma: number[]
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch5-') && f.endsWith('.json') && !f.includes('signals'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
    .map((f) => ({ ...f, overrides: f.overrides ?? {} }))
}

export function signalsFixture(): SignalsFixture {
  return JSON.parse(readFileSync(folder + 'ch5-seed11-baseline-signals.json', 'utf8')) as SignalsFixture
}

export type { SeriesError } from '../parity-support'

/** Equity here sums currency amounts of ~1000: an absolute floor of 1e-12 is far below a cent. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>) =>
  sharedSeriesError(series, actual, expected, 1e-12)
