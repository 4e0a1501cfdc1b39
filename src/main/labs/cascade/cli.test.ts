import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run cascade` through the BUILT cli (out/main/cli.js), as a user runs it: the
// notebook's summary names, action and regime counts; a halted faithful run says why and still
// prints its metrics; a bad config is one line and stores nothing.

// CELL 10's summary table, key for key, in its order
const SUMMARY_KEYS = [
  'Total return',
  'Max drawdown',
  'Ann. vol (equity)',
  'Sharpe-like (synthetic)',
  'Avg |trade|',
  'Cumulative cost / initial equity',
  'Stress regime fraction',
  'LLM ok rate',
  'LLM mean latency (ms)'
]

interface Out {
  metrics: Record<string, number | null>
  actions: Record<string, number>
  regimeCounts: Record<string, number>
  steps: number
  halted: boolean
  haltReason?: string
  corrections: string[]
}

describe('mechanica run cascade', () => {
  it('prints the published seed-10 run under the notebook’s own summary names', async () => {
    const { code, stdout } = await mechanica('run', 'cascade', '--preset', 'faithful', '--seed', '10', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as Out
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics['Total return']!.toExponential(4)).toBe('-7.1029e-5')
    expect(out.metrics['Max drawdown']!.toExponential(4)).toBe('7.1029e-5')
    expect(out.metrics['LLM ok rate']).toBeNull()
    expect(out.actions).toEqual({ DELEVER: 0, HOLD: 100, EMERGENCY_EXIT: 0 })
    expect(out.regimeCounts).toEqual({ calm: 31, transition: 59, stress: 10 })
    expect([out.steps, out.halted, out.haltReason]).toEqual([100, false, undefined])
  })

  it('ends a faithful run where the notebook fails, says why, and prints the metrics of the logged steps', async () => {
    const { code, stdout } = await mechanica('run', 'cascade', '--preset', 'faithful', '--seed', '10', '--set', 'risk_params.max_dd_stop=5e-5', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as Out
    expect([out.steps, out.halted]).toEqual([69, true])
    expect(out.haltReason).toMatch(/^the notebook raises KeyError: 'dd' at t = 69: its drawdown stop fired at t = 68/)
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics['Total return']).toBeCloseTo(-5.096028577433742e-5, 15)
    expect(out.actions).toEqual({ DELEVER: 0, HOLD: 69, EMERGENCY_EXIT: 0 })
    const text = await mechanica('run', 'cascade', '--seed', '10', '--set', 'risk_params.max_dd_stop=5e-5')
    expect(text.stdout.split('\n')[0]).toContain("69 steps, halted (the notebook raises KeyError: 'dd' at t = 69")
  })

  it('runs the corrected preset with the notebook’s run_config paths', async () => {
    const { code, stdout } = await mechanica('run', 'cascade', '--preset', 'corrected', '--seed', '3', '--set', 'T=150', '--set', 'market_params.contagion_alpha=0.7', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as Out
    expect([out.steps, out.halted]).toEqual([150, false])
    expect(out.corrections).toEqual(['stopped_portfolio_logs', 'equity_sizing', 'impact_feedback', 'bounded_forced_sales'])
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-cascade-cli-')), 'runs.db')
    const negative = Array.from({ length: 3 }, (_, i) => Array.from({ length: 3 }, (_, j) => (i === j ? 0 : i === 1 && j === 2 ? -0.5 : 0.5)))
    const cases: Array<[string, string]> = [
      [`market_params.exposures=${JSON.stringify(negative)}`, 'market_params.exposures.1.2: must be ≥ 0'],
      ['regimes.markov_P=[[0.9,0.05,0.005],[0.06,0.9,0.04],[0.03,0.12,0.85]]', 'regimes.markov_P.0: row 0 must sum to 1'],
      ['execution_params.cost_bp=1', 'execution_params: unknown key "cost_bp"']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'cascade', '--set', 'market_params.N_institutions=3', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
