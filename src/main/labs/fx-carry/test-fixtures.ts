import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// Test-side reader of the chapter 3 parity fixtures (made from the notebook's own code by another
// engineer; provenance in __fixtures__/README.md) and an error summary for one series.

export interface FxCarryFixture {
  file: string
  seed: number
  overrides: Record<string, unknown>
  policy: string
  runArgs: { llm_policy: string | null; llm_query_every: number }
  stopped: boolean
  stepsRan: number
  summary: Record<string, number>
  actionCounts: Record<string, number>
  actionCountsByRegime: Record<string, Record<string, number>>
  steps: Record<'t' | 'regime' | 'risk_s' | 'carry_30d_mean' | 'spot_ret' | 'position' | 'trade_size' | 'cost' | 'pnl' | 'equity', number[]> & { action: string[] }
  market: Record<'regimes' | 'risk_s' | 'usd_rate' | 'base_spreads' | 'c30', number[]> & { ccy_rates: number[][]; fx_rets: number[][] }
}

const folder = fileURLToPath(new URL('./__fixtures__/', import.meta.url))

export function fixtureFiles(): string[] {
  return readdirSync(folder)
    .filter((f) => f.startsWith('ch3-') && f.endsWith('.json'))
    .sort()
}

export function loadFixture(file: string): FxCarryFixture {
  const raw = JSON.parse(readFileSync(folder + file, 'utf8')) as Omit<FxCarryFixture, 'file'>
  return { file, ...raw, overrides: raw.overrides ?? {} }
}

/**
 * The fixture's overrides as this lab's config overrides: the notebook's own keys, plus the
 * decision cadence (a failing LLM queried every n steps = the baseline every n steps, held between).
 */
export function fixtureOverrides(f: FxCarryFixture): Record<string, unknown> {
  const every = f.runArgs.llm_policy === null ? 1 : f.runArgs.llm_query_every
  return { ...f.overrides, 'policy_params.decision_every': every }
}

export interface SeriesError {
  series: string
  n: number
  maxAbs: number
  maxRel: number
  identical: number
  /** Points where |a − e| > 1e-9·max(|a|, |e|) and > 1e-15 absolute. */
  outside: number
}

/** Largest absolute and relative error, and how many points are identical (===: the notebook's −0.0 P&L of a flat book equals 0). */
export function seriesError(series: string, actual: ArrayLike<number>, expected: ArrayLike<number>): SeriesError {
  if (actual.length !== expected.length) throw new Error(`${series}: length ${actual.length} ≠ expected ${expected.length}`)
  const result: SeriesError = { series, n: expected.length, maxAbs: 0, maxRel: 0, identical: 0, outside: 0 }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!
    const e = expected[i]!
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) {
      result.identical++
      continue
    }
    const abs = Math.abs(a - e)
    const rel = abs / Math.max(Math.abs(a), Math.abs(e))
    result.maxAbs = Math.max(result.maxAbs, abs)
    result.maxRel = Math.max(result.maxRel, rel)
    if (!(abs <= 1e-15 || rel <= 1e-9)) result.outside++
  }
  return result
}
