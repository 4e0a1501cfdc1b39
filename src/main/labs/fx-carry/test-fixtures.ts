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

export { seriesError, type SeriesError } from '../parity-support'
