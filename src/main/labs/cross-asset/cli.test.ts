import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run cross-asset` through the BUILT cli (out/main/cli.js), as a user runs it: the
// notebook's summary names, action and regime counts; a bad config is one line and stores nothing.

// CELL 10's summary_metrics, key for key, in its order (its verification_status is the manifest's)
const SUMMARY_KEYS = ['final_equity', 'total_return', 'max_drawdown', 'avg_leverage', 'avg_turnover', 'total_costs', 'avg_cost_per_step', 'pnl_sharpe_like']

describe('mechanica run cross-asset', () => {
  it('prints the published seed-9 run under the notebook’s own summary names', async () => {
    const { code, stdout } = await mechanica('run', 'cross-asset', '--preset', 'faithful', '--seed', '9', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number>; regimeCounts: Record<string, number>; steps: number }
    expect(Object.keys(out.metrics)).toEqual(SUMMARY_KEYS)
    expect(out.metrics.final_equity).toBeCloseTo(1.03666057, 8)
    expect(out.metrics.max_drawdown).toBeCloseTo(0.057513, 6)
    expect(out.metrics.total_costs).toBeCloseTo(0.003136, 6)
    expect(out.actions).toEqual({ RISK_ON: 2, RISK_OFF: 95, NEUTRAL: 3 })
    expect(out.regimeCounts).toEqual({ calm: 61, transition: 19, stress: 20 })
    expect(out.steps).toBe(100)
  })

  it('takes --set with the notebook’s run_config paths', async () => {
    const { code, stdout } = await mechanica('run', 'cross-asset', '--preset', 'corrected', '--seed', '3', '--set', 'T=300', '--set', 'execution_params.cost_bps=2', '--set', 'surface_params.roll_window=20', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { steps: number; corrections: string[] }
    expect(out.steps).toBe(300)
    expect(out.corrections).toEqual(['factor_sign', 'correlation_summaries', 'ewma_window', 'stop_in_log'])
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-cross-asset-cli-')), 'runs.db')
    const cases: Array<[string, string]> = [
      ['regimes.markov_P=[[0.9,0.1,0.1],[0.08,0.86,0.06],[0.02,0.12,0.86]]', 'regimes.markov_P.0: row 0 must sum to 1'],
      ['market_params.corr_regime.stress=[[1,0.9,0.9,-0.9],[0.9,1,0.9,0.9],[0.9,0.9,1,0.9],[-0.9,0.9,0.9,1]]', 'market_params.corr_regime.stress: is not positive semi-definite'],
      ['market_params.idio_sigma.EQUITY=-1', 'market_params.idio_sigma.EQUITY: must be ≥ 0'],
      ['execution_params.cost_bp=1', 'execution_params: unknown key "cost_bp"']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'cross-asset', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
