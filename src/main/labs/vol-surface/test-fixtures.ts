import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the chapter 6 parity fixtures (made by tools/fixtures/notebooks from the
// notebook's own code; provenance in __fixtures__/README.md) and an error summary for one series.

type StepSeries =
  | 't'
  | 'regime'
  | 'pos_outright'
  | 'pos_calendar'
  | 'trade_outright'
  | 'trade_calendar'
  | 'cost'
  | 'impact'
  | 'pnl_carry'
  | 'pnl_vega'
  | 'pnl_convexity'
  | 'pnl'
  | 'equity'
  | 'drawdown'
  | 'leverage'

export interface VolSurfaceFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  stepsRan: number
  /** Set when `steps` holds every `every`-th row (row i is t = i + 1) and the last. */
  sampled: { every: number } | null
  summary: Record<string, number | null>
  actionCounts: Record<string, number>
  regimeCounts: Record<string, number>
  pnlComponents: Record<'pnl_carry' | 'pnl_vega' | 'pnl_convexity', number>
  mechanismDecomposition: Record<string, number>
  steps: Record<StepSeries, number[]> & { action: string[] }
  market: Record<string, number[]>
  surfaces: { t: number[]; iv: number[][][] }
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function fixtureFiles(): string[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch6-') && f.endsWith('.json'))
    .sort()
}

export function loadFixture(file: string): VolSurfaceFixture {
  return { file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<VolSurfaceFixture, 'file'>) }
}

/** The kernel rows a fixture's step rows stand for (all, or every `every`-th and the last). */
export function fixtureRows(f: VolSurfaceFixture): number[] {
  if (!f.sampled) return Array.from({ length: f.stepsRan }, (_, i) => i)
  const rows = new Set<number>()
  for (let i = 0; i < f.stepsRan; i += f.sampled.every) rows.add(i)
  rows.add(f.stepsRan - 1)
  return [...rows].sort((a, b) => a - b)
}

export type { SeriesError } from '../parity-support'

/** Equity here is ~1e6 in currency: an absolute floor of 1e-9 is far below a cent. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>) => sharedSeriesError(series, actual, expected, 1e-9)
