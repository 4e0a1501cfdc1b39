import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run equity-factors` through the BUILT cli (out/main/cli.js), as a user runs it: the
// notebook's summary names, action and regime counts; a bad config is one line and stores nothing.

// run_backtest's SUMMARY_METRICS (less its action_source_counts dict) and CELL 10's avg_gross_leverage
const SUMMARY_KEYS = [
  'final_equity',
  'total_return',
  'max_drawdown',
  'ann_return_est',
  'ann_vol_est',
  'sharpe_est',
  'cum_costs',
  'cum_impact',
  'avg_turnover_l1',
  'avg_policy_latency_ms',
  'override_count',
  'avg_gross_leverage'
]

describe('mechanica run equity-factors', () => {
  it('prints the published seed-7 run under the notebook’s own summary names', async () => {
    const { code, stdout } = await mechanica('run', 'equity-factors', '--preset', 'faithful', '--seed', '7', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number>; regimeCounts: Record<string, number>; steps: number }
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics.final_equity).toBeCloseTo(968_890.766, 3)
    expect(out.metrics.max_drawdown).toBeCloseTo(0.115409, 6)
    expect(out.metrics.cum_costs).toBeCloseTo(31_456.97, 2)
    expect(out.actions).toEqual({ LOW_CORR_BASKET: 200, MOMENTUM_ROTATION: 0, DEFENSIVE: 0, FLAT: 0 })
    expect(out.regimeCounts).toEqual({ low_corr: 161, mid_corr: 39, high_corr: 0 })
    expect(out.steps).toBe(200)
  })

  it('takes --set with the notebook’s run_config paths, and runs the corrected preset', async () => {
    const { code, stdout } = await mechanica('run', 'equity-factors', '--preset', 'corrected', '--seed', '3', '--set', 'T=150', '--set', 'execution_params.cost_bps=4', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { steps: number; corrections: string[] }
    expect(out.steps).toBe(150)
    expect(out.corrections).toEqual(['impact_calibration', 'configurable_stop', 'eigen_summaries'])
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-equity-cli-')), 'runs.db')
    const cases: Array<[string, string]> = [
      ['market_params.idiosyncratic_floor=1.5', 'market_params.idiosyncratic_floor: must be in [0, 1]'],
      ['regimes.markov_P=[[0.9,0.05,0],[0.03,0.95,0.02],[0.01,0.07,0.92]]', 'regimes.markov_P.0: row 0 must sum to 1'],
      ['execution_params.cost_bp=1', 'execution_params: unknown key "cost_bp"']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'equity-factors', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
