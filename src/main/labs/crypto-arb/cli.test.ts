import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// `mechanica run crypto-arb` through the BUILT cli (out/main/cli.js), as a user runs it: the session
// report's names, unrounded; a bad config is one line and stores nothing.

const cli = join(dirname(fileURLToPath(import.meta.url)), '../../../../out/main/cli.js')

async function mechanica(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args])
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const METRIC_KEYS = ['equity', 'realized_pnl', 'fees', 'slippage', 'withdrawal_costs', 'volume', 'trades', 'wins', 'losses', 'win_rate', 'max_dd_pct', 'profit_factor', 'sharpe', 'roi_pct', 'ticks']

describe('mechanica run crypto-arb', () => {
  it('prints the seed-42 session under the notebook’s names (the fixture’s values)', async () => {
    const { code, stdout } = await mechanica('run', 'crypto-arb', '--preset', 'faithful', '--seed', '42', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number> }
    expect(Object.keys(out.metrics)).toEqual(METRIC_KEYS)
    expect(out.metrics.realized_pnl!.toFixed(2)).toBe('6997.75')
    expect(out.metrics.trades).toBe(12)
    expect(out.metrics.volume).toBe(600000)
    expect(out.actions).toEqual({ execute_arb: 12 }) // the notebook's only action: hold ticks are not counted
  })

  it('policy none: no trades', async () => {
    const { code, stdout } = await mechanica('run', 'crypto-arb', '--seed', '42', '--set', 'policy.kind=none', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null>; actions: Record<string, number> }
    expect([out.metrics.trades, out.metrics.equity]).toEqual([0, 1_000_000])
    expect(out.actions).toEqual({ execute_arb: 0 })
  })

  it('a scenario profile runs by name (perpetuals_high_leverage: 480 ticks, the session report’s names)', async () => {
    const { code, stdout } = await mechanica('run', 'crypto-arb', '--preset', 'perpetuals_high_leverage', '--seed', '42', '--json')
    expect(code).toBe(0)
    const out = JSON.parse(stdout) as { metrics: Record<string, number | null> }
    expect(Object.keys(out.metrics)).toEqual(METRIC_KEYS)
    expect(out.metrics.ticks).toBe(480)
    expect(out.metrics.trades).toBe(40)
  })

  it('refuses a bad config in one line naming the field, before anything is stored', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'mechanica-crypto-cli-')), 'runs.db')
    const cases: Array<[string, string]> = [
      ['exchanges.nexus.taker_fee_bps=-1', 'exchanges.nexus.taker_fee_bps: must be ≥ 0'],
      ['exchanges.drift.min_order_usd=300000', 'exchanges.drift.min_order_usd: must be ≤ max_order_usd'],
      ['exchanges.kraken.taker_fee_bps=1', 'exchanges: unknown key "kraken"'],
      ['exchanges.nexus.maintenance_margin=0.5', 'exchanges.nexus.maintenance_margin: must be ≤ margin_requirement'],
      ['scenarios.perpetuals.funding_interval_minutes=-8', 'scenarios.perpetuals.funding_interval_minutes: must be > 0']
    ]
    for (const [set, message] of cases) {
      const { code, stderr } = await mechanica('run', 'crypto-arb', '--set', set, '--db', db, '--json')
      expect(code, set).toBe(2)
      expect(stderr.trim().split('\n'), set).toHaveLength(1)
      expect(stderr, set).toContain(message)
    }
    expect(existsSync(db)).toBe(false)
  })
})
