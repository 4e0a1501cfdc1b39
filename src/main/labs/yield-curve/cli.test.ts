import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run yield-curve` through the BUILT cli (out/main/cli.js), as a user runs it: the
// notebook's summary names, action and regime counts; a bad config is one line and stores nothing.

// CELL 10's summary table, key for key, in its order
const SUMMARY_KEYS = [
  'Final equity',
  'Net PnL (final - initial)',
  'Ann. vol (synthetic scaling)',
  'Sharpe (synthetic scaling)',
  'Max drawdown',
  'Total execution cost',
  'Cost / |gross PnL|',
  'Cost / |net PnL|',
  'Max leverage observed',
  'DV01-limit constraint hits',
  'Leverage scaling events',
  'Delever overrides',
  'Stop-active steps',
  'LLM ok-rate (decision validity)',
  'LLM latency avg (ms)',
  'LLM latency p95 (ms)'
]

describe('mechanica run yield-curve', () => {
  it('prints the published seed-11 run under the notebook’s own summary names', async () => {
    const { code, stdout } = await mechanica('run', 'yield-curve', '--preset', 'faithful', '--seed', '11', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number>; regimeCounts: Record<string, number>; steps: number }
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics['Final equity']).toBeCloseTo(25_433_860.785, 3)
    expect(out.metrics['Total execution cost']).toBeCloseTo(130.0856, 4)
    expect(out.metrics['LLM latency p95 (ms)']).toBeNull()
    expect(out.actions).toEqual({ FLAT: 312, STEEPENER: 256, FLATTENER: 329, BUTTERFLY: 2 })
    expect(out.regimeCounts).toEqual({ policy_easing: 342, neutral: 417, policy_tightening: 113, stress_liquidity: 27 })
    expect(out.steps).toBe(899)
  })

  it('takes --set with the notebook’s run_config paths', async () => {
    const { code, stdout } = await mechanica('run', 'yield-curve', '--preset', 'corrected', '--seed', '3', '--set', 'T=300', '--set', 'execution_params.cost_bps=2', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { steps: number; corrections: string[] }
    expect(out.steps).toBe(299)
    expect(out.corrections).toContain('no_lookahead')
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-yield-cli-')), 'runs.db')
    const cases: Array<[string, string]> = [
      ['surface_params.tenor_grid_years=[1,0.5,2,10,30]', 'surface_params.tenor_grid_years: must be strictly increasing'],
      ['regimes.markov_P=[[0.9,0.1,0,0],[0.02,0.955,0.02,0.005],[0,0.03,0.965,0.005],[0.03,0.15,0.02,0.9]]', 'regimes.markov_P.3: row 3 must sum to 1'],
      ['market_params.shock_scales.stress_liquidity.v=-0.001', 'market_params.shock_scales.stress_liquidity.v: must be ≥ 0'],
      ['execution_params.cost_bp=1', 'execution_params: unknown key "cost_bp"']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'yield-curve', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
