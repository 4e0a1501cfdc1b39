import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

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

export interface SeriesError {
  series: string
  n: number
  maxAbs: number
  maxRel: number
  identical: number
  /** Points where |a − e| > 1e-9·max(|a|, |e|) and > 1e-12. */
  outside: number
}

/** Compares two series: largest absolute and relative error, and how many points are bit-identical. */
export function seriesError(series: string, actual: ArrayLike<number>, expected: ArrayLike<number>): SeriesError {
  if (actual.length !== expected.length) throw new Error(`${series}: length ${actual.length} ≠ expected ${expected.length}`)
  const result: SeriesError = { series, n: expected.length, maxAbs: 0, maxRel: 0, identical: 0, outside: 0 }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (Object.is(a, e) || a === e) {
      result.identical++
      continue
    }
    const abs = Math.abs(a - e)
    const rel = abs / Math.max(Math.abs(a), Math.abs(e))
    result.maxAbs = Math.max(result.maxAbs, abs)
    result.maxRel = Math.max(result.maxRel, rel)
    if (!(abs <= 1e-12 || rel <= 1e-9)) result.outside++
  }
  return result
}
