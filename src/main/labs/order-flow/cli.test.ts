import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run order-flow` through the BUILT cli (out/main/cli.js), as a user runs it: the
// notebook's summary names, action and regime counts; a bad config is one line and stores nothing.

// CELL 9's metrics, key for key, in its order; its action_counts is the CLI's `actions` and its
// slow_step_examples (a list) is in the run's telemetry
const SUMMARY_KEYS = [
  'final_equity',
  'sharpe_stylized',
  'max_drawdown',
  'cum_costs',
  'turnover_units',
  'llm_calls',
  'llm_valid',
  'llm_fallbacks',
  'llm_avg_latency_ms',
  'step_time_ms_max',
  'slow_steps_count',
  'slow_step_max_s'
]

describe('mechanica run order-flow', () => {
  it('prints the published seed-7 run under the notebook’s own summary names', async () => {
    const { code, stdout } = await mechanica('run', 'order-flow', '--preset', 'faithful', '--seed', '7', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number>; regimeCounts: Record<string, number>; steps: number; halted: boolean }
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics.final_equity).toBeCloseTo(0.99129047, 8)
    expect(out.metrics.max_drawdown).toBeCloseTo(0.0087095, 7)
    expect(out.metrics.step_time_ms_max).toBeNull()
    expect(out.actions).toEqual({ PASSIVE_PROVIDE: 1, AGGRESSIVE_TAKE: 0, FLAT: 99 })
    expect(out.regimeCounts).toEqual({ benign: 85, mixed: 15, toxic: 0 })
    expect([out.steps, out.halted]).toEqual([100, false])
  })

  it('takes --set with the notebook’s run_config paths', async () => {
    const { code, stdout } = await mechanica('run', 'order-flow', '--preset', 'corrected', '--seed', '3', '--set', 'T=300', '--set', 'risk_params.max_leverage=50', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { steps: number; corrections: string[] }
    expect(out.steps).toBe(300)
    expect(out.corrections).toEqual(['costs_once', 'flat_costed', 'impact_at_traded_size', 'stop_override'])
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-flow-cli-')), 'runs.db')
    const cases: Array<[string, string]> = [
      ['regimes.markov_P=[[0.9,0.05,0],[0.04,0.93,0.03],[0.01,0.07,0.92]]', 'regimes.markov_P.0: row 0 must sum to 1'],
      ['surface_params.axes.size_buckets=[0.25,-0.5,1,1.5]', 'surface_params.axes.size_buckets.1: must be > 0'],
      ['market_params.base_vol=-0.002', 'market_params.base_vol: must be > 0'],
      ['execution_params.fee_bp=1', 'execution_params: unknown key "fee_bp"']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'order-flow', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
