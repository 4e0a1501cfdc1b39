import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run oil-curve … --json` as a user runs it: the BUILT cli (out/main/cli.js), metrics
// under the notebook's own summary names (cell 46), actions and regime counts by its names.

interface Summary {
  lab: string
  preset: string
  seed: number
  steps: number
  halted: boolean
  metrics: Record<string, number>
  actions: Record<string, number>
  regimeCounts: Record<string, number>
  corrections: string[]
}

describe('mechanica run oil-curve', () => {
  it('reports the notebook summary under its own names: seed 7 ends at 1,000,276.036984', async () => {
    const out = await mechanica('run', 'oil-curve', '--preset', 'faithful', '--seed', '7', '--json')
    expect(out.code).toBe(0)
    const s = JSON.parse(out.stdout) as Summary
    expect(s).toMatchObject({ lab: 'oil-curve', preset: 'faithful', seed: 7, steps: 400, halted: false, corrections: [] })
    expect(Object.keys(s.metrics).sort()).toEqual(['final_equity', 'max_drawdown', 'sharpe_proxy', 'steps', 'total_pnl', 'win_rate'])
    expect(s.metrics.final_equity).toBeCloseTo(1_000_276.036984, 6)
    expect(s.metrics.win_rate).toBe(0.52)
    expect(s.actions).toEqual({ FLAT: 0, LONG_F1: 0, SHORT_F1: 0, SPREAD_L1_S2: 400, SPREAD_S1_L2: 0, FLY_L1_S2_L3: 0 })
    expect(s.regimeCounts).toEqual({ CONTANGO: 0, BACKWARDATION: 400, FLAT: 0 })
  })

  it('takes --set on the notebook dataclasses (env., policy., market.) and runs the corrected preset by its regimes', async () => {
    const set = await mechanica('run', 'oil-curve', '--seed', '3', '--set', 'T=150', '--set', 'policy.thresh=0.05', '--set', 'env.fee_bps=3', '--json')
    expect(set.code).toBe(0)
    const s = JSON.parse(set.stdout) as Summary
    expect(s.steps).toBe(150)
    expect(s.actions.FLAT).toBeGreaterThan(0)
    const corrected = JSON.parse((await mechanica('run', 'oil-curve', '--preset', 'corrected', '--json')).stdout) as Summary
    expect(Object.keys(corrected.regimeCounts)).toEqual(['glut', 'tight'])
    expect(corrected.corrections).toEqual(['seasonality', 'inventory_regime', 'mark_book', 'roll_accrual', 'total_pnl'])
  })

  it('refuses an unknown key or a negative volatility in one line naming the field', async () => {
    const unknown = await mechanica('run', 'oil-curve', '--set', 'env.fees=3', '--json')
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    expect(unknown.stderr).toContain('env')
    expect(unknown.stderr).toContain('fees')
    const negative = await mechanica('run', 'oil-curve', '--set', 'market.spot_sigma=-0.1', '--json')
    expect(negative.code).not.toBe(0)
    expect(negative.stderr).toContain('market.spot_sigma')
  })
})
