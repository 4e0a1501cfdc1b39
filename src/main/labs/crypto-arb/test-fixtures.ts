import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { seriesError as sharedSeriesError } from '../parity-support'

// Test-side reader of the parity fixtures (made from the notebook by tools/fixtures/notebooks,
// case module ch1.py; provenance in __fixtures__/notebook-provenance.json and README.md).

export interface FixtureOpp {
  symbol: string
  buy: string
  sell: string
  raw: number
  fees: number
  slippage: number
  withdrawal: number
  net: number
  size: number
  profit: number
  confidence: number
  depth_ratio: number
  latency: number
}

export interface RunFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  policy: 'top_opportunity' | 'none'
  preSession: {
    validation: { positive_pct: number; ticks_with_opp: number; best_per_tick: number[] }
    diagnostic: { opp_counts: number[]; avg_opps: number }
    sessionFirstTick: number
  }
  stats: Record<string, number | null>
  metrics: Record<string, number | null>
  ticks: Array<{ tick: number; true: number[]; count: number; top: FixtureOpp[]; sumNet: number; quotes?: { mid: number[]; bid: number[]; ask: number[]; depth: number[]; available: string } }>
  tickSummaries: Array<{ tick: number; equity: number; pnl: number; trades: number }>
  orders: Array<{ tick: number; exchange: string; symbol: string; side: string; requested: number; status: string; price: number; filled_usd: number; qty: number; slippage: number; fee: number; latency: number }>
  trades: Array<{ tick: number; symbol: string; gross_pnl: number; fees: number; slippage: number; withdrawal: number; net_pnl: number; cumulative_pnl: number; equity: number }>
  checks: Array<{ tick: number; size: number; buy: string; sell: string; expected_bps: number; ok: boolean }>
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function runFixtures(): RunFixture[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch1-') && f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<RunFixture, 'file'>) }))
}

export type { SeriesError } from '../parity-support'

/** Money is in dollars of a $1,000,000 book: an absolute floor of 1e-9 is far below a cent. */
export const seriesError = (series: string, actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-9) => sharedSeriesError(series, actual, expected, floor)
