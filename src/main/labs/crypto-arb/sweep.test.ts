import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { expandExperiment, parseGridAxis } from '../../experiments/plan'
import { planLab } from '../execute'
import type { CryptoArbConfig } from './config'
import { cryptoArbLab } from './lab'
import { cryptoArbMetrics } from './metrics'

// Sweeps over the chapter's fee, threshold and latency axes through the sweep planner (what
// `mechanica sweep crypto-arb --grid …` expands), and the stress menu against both presets.

async function metricsOf(config: CryptoArbConfig): Promise<Record<string, number | null>> {
  return cryptoArbMetrics((await runCollected(cryptoArbLab, config)).market, config)
}

describe('crypto-arb sweeps', () => {
  it('risk.min_spread_bps × exchanges.citadel.taker_fee_bps: fewer trades as the threshold rises, more fees paid as citadel’s fee rises', async () => {
    const planned = expandExperiment({
      lab: 'crypto-arb',
      preset: 'faithful',
      base: {},
      seeds: [],
      grid: [parseGridAxis('risk.min_spread_bps=5,100,200,300'), parseGridAxis('exchanges.citadel.taker_fee_bps=10,40,80')],
      stress: []
    })
    expect(planned.length).toBe(12)
    const cells = new Map<string, Record<string, number | null>>()
    for (const p of planned) {
      const config = planLab(p.spec).config as CryptoArbConfig
      cells.set(`${config.risk.min_spread_bps}×${config.exchanges.citadel.taker_fee_bps}`, await metricsOf(config))
    }
    // the base cell is the notebook's seed-42 session (cli.test.ts: 12 trades, +$6,997.75)
    expect(cells.get('5×10')!.trades).toBe(12)
    expect(cells.get('5×10')!.realized_pnl!.toFixed(2)).toBe('6997.75')
    for (const fee of [10, 40, 80]) {
      const trades = [5, 100, 200, 300].map((th) => cells.get(`${th}×${fee}`)!.trades!)
      for (let i = 1; i < trades.length; i++) expect(trades[i]!, `fee ${fee}: ${trades.join(', ')}`).toBeLessThanOrEqual(trades[i - 1]!)
      expect(trades[3]!).toBeLessThan(trades[0]!)
    }
    // dearer citadel: the trades that route through it pay more (same threshold, fewer dollars)
    expect(cells.get('5×80')!.fees!).toBeGreaterThan(cells.get('5×10')!.fees!)
  })

  it('latency axis: a slower citadel costs the scanner latency bps on every pair through it, so it keeps fewer opportunities', async () => {
    // policy none: the path does not depend on trades, so each tick's scan sees the same quotes
    const planned = expandExperiment({ lab: 'crypto-arb', preset: 'faithful', base: { 'policy.kind': 'none' }, seeds: [1, 2], grid: [parseGridAxis('exchanges.citadel.latency_ms_mean=8,800,80000')], stress: [] })
    expect(planned.length).toBe(6)
    const counts = new Map<string, number>()
    for (const p of planned) {
      const config = planLab(p.spec).config as CryptoArbConfig
      const m = (await runCollected(cryptoArbLab, config)).market
      counts.set(`${config.seed}×${config.exchanges.citadel.latency_ms_mean}`, Array.from(m.oppCount).reduce((a, b) => a + b, 0))
    }
    for (const seed of [1, 2]) {
      const [fast, slow, slowest] = [8, 800, 80000].map((l) => counts.get(`${seed}×${l}`)!)
      expect(slow!).toBeLessThanOrEqual(fast!)
      expect(slowest!).toBeLessThan(fast!)
    }
  })

  it.each(['faithful', 'corrected'] as const)('%s: every stress variant resolves and runs', async (preset) => {
    const base = resolveLabConfig(cryptoArbLab, preset, {})
    const stress = cryptoArbLab.stressMenu(base)
    expect(stress.map((s) => s.name)).toContain('perpetuals at 50×')
    const planned = expandExperiment({ lab: 'crypto-arb', preset, base: {}, seeds: [], grid: [], stress })
    for (const p of planned) {
      const config = planLab(p.spec).config as CryptoArbConfig
      const m = await metricsOf(config)
      expect(Number.isFinite(m.equity!), p.label).toBe(true)
    }
  })
})
