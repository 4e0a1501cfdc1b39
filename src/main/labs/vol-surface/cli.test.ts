import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mechanica } from '../../cli-test-support'

// `mechanica run vol-surface` as a user types it: the BUILT cli (out/main/cli.js), the notebook's
// summary under its own names, actions and regime counts by the notebook's names, and bad
// configurations refused in one line that names the field, before anything is written.

describe('mechanica run vol-surface', () => {
  it('prints the notebook telemetry summary, spelled as the notebook spells it, with the published seed-7 values', async () => {
    const out = await mechanica('run', 'vol-surface', '--preset', 'faithful', '--seed', '7', '--json')
    expect(out.code).toBe(0)
    const summary = JSON.parse(out.stdout) as { metrics: Record<string, number | null>; actions: Record<string, number>; regimeCounts: Record<string, number>; steps: number }
    const notebookKeys = ['Total steps', 'LLM calls', 'LLM successes', 'LLM-controlled steps', 'LLM control share', 'Final equity', 'Max drawdown', 'Total costs', 'Stop triggered at t']
    expect(Object.keys(summary.metrics).slice(0, notebookKeys.length)).toEqual(notebookKeys)
    expect(summary.metrics['Final equity']).toBeCloseTo(973685.822, 3)
    expect(summary.metrics['Total costs']).toBeCloseTo(9411.43, 2)
    expect(summary.metrics['Stop triggered at t']).toBeNull()
    expect(summary.actions).toEqual({ FLAT: 72, LONG_VOL: 0, SHORT_VOL: 642, CALENDAR_VOL: 85 })
    expect(summary.regimeCounts).toEqual({ calm: 592, transition: 122, stress: 85 })
    expect(summary.steps).toBe(799)
  })

  it('takes --set on run_config paths and refuses bad configs in one line naming the field', async () => {
    const stopped = JSON.parse((await mechanica('run', 'vol-surface', '--set', 'risk_params.max_dd_stop=0.02', '--json')).stdout) as { metrics: Record<string, number | null> }
    expect(stopped.metrics['Stop triggered at t']).toBeGreaterThan(0)
    const bad: Array<[string, string]> = [
      ['market_params.base_vol=-0.1', 'market_params.base_vol: must be > 0 (got -0.1)'],
      ['surface_params.axes.tenor_days=[30,7,90,180]', 'surface_params.axes.tenor_days.1: must be strictly increasing'],
      ['regimes.markov_P=[[0.5,0.4,0],[0.08,0.86,0.06],[0.02,0.12,0.86]]', 'regimes.markov_P.0: row 0 must sum to 1'],
      ['execution_params.cost_bpss=3', 'execution_params: unknown key "cost_bpss"']
    ]
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-vol-cli-')), 'runs.db')
    for (const [set, message] of bad) {
      const out = await mechanica('run', 'vol-surface', '--set', set, '--db', db, '--json')
      expect(out.code, set).toBe(2)
      expect(out.stdout).toBe('')
      expect(out.stderr.trim().split('\n'), set).toHaveLength(1)
      expect(out.stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false) // refused before the database is opened: nothing stored
  })
})
