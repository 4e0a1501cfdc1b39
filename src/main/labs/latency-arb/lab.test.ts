import { describe, expect, it } from 'vitest'
import { STEP_CHUNK, labResultsHash, resolveLabConfig, runCollected, runLab } from '../../engine/kernel'
import { expandExperiment, parseGridAxis } from '../../experiments/plan'
import { planLab } from '../execute'
import type { LatencyArbConfig } from './config'
import { latencyArbLab } from './lab'
import { latencyArbReport, replayArbs } from './metrics'
import { edgeBps } from './surface'

// Behaviour of the two-venue lab. No reference code exists (the seed publishes only a README),
// so these are the invariants and limiting cases the design must satisfy.

const run = async (config: LatencyArbConfig) => runCollected(latencyArbLab, config)
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7]
const zeroFees = { 'fees.venue_a_bps': 0, 'fees.venue_b_bps': 0 }

/** Mean of a metric over the seed ensemble (runs without arbs are skipped for ratios). */
async function ensemble(preset: 'faithful' | 'corrected', overrides: Record<string, unknown>, metric: string): Promise<number> {
  const values: number[] = []
  for (const seed of SEEDS) {
    const config = resolveLabConfig(latencyArbLab, preset, { ...overrides, seed })
    const value = latencyArbReport(await run(config), config).metrics[metric]
    if (value !== null && value !== undefined) values.push(value)
  }
  return values.reduce((a, b) => a + b, 0) / values.length
}

describe('latency-arb', () => {
  it('is deterministic: the same config gives the same resultsHash, another seed another', async () => {
    const config = resolveLabConfig(latencyArbLab, 'corrected', {})
    const [a, b, other] = await Promise.all([run(config), run(config), run(resolveLabConfig(latencyArbLab, 'corrected', { seed: 24 }))])
    expect(labResultsHash(a)).toBe(labResultsHash(b))
    expect(labResultsHash(other)).not.toBe(labResultsHash(a))
  })

  const configs: Array<[string, LatencyArbConfig]> = [
    ['faithful seed 23', resolveLabConfig(latencyArbLab, 'faithful', {})],
    ['corrected seed 3, latency 2', resolveLabConfig(latencyArbLab, 'corrected', { seed: 3, 'latency.latency_steps': 2 })],
    ['faithful seed 4, latency 0, no transfer delay, 1 clip', resolveLabConfig(latencyArbLab, 'faithful', { seed: 4, 'latency.latency_steps': 0, 'latency.transfer_delay_steps': 0, 'risk_params.inventory_clips': 1 })]
  ]

  it.each(configs)('%s: spread − fees adds up to total P&L, per arb and per step; fees ≥ 0', async (_, config) => {
    const r = await run(config)
    const c = r.columns
    const m = latencyArbReport(r, config).metrics
    const { arbs } = replayArbs(r, config)
    const scale = Math.max(1, Math.abs(m.spread_pnl!) + Math.abs(m.fee_pnl!))
    expect(Math.abs(m.spread_pnl! + m.fee_pnl! - m.total_pnl!)).toBeLessThanOrEqual(1e-9 * scale)
    expect(Math.abs(arbs.reduce((s, a) => s + a.pnl, 0) - m.total_pnl!)).toBeLessThanOrEqual(1e-9 * scale)
    expect(m.arbs).toBe(arbs.length)
    expect(arbs.length).toBeGreaterThan(10)
    // the replay is the run: each arb's spread and fees are the columns at its execution step
    for (const a of arbs) {
      expect(a.executedAt - a.decidedAt).toBe(config.latency.latency_steps)
      expect(c.pnlByComponent.spread![a.executedAt]).toBe(a.spreadPnl)
      expect(c.cost[a.executedAt]).toBe(a.fees)
      expect(a.fees).toBeGreaterThanOrEqual(0)
      expect(a.win).toBe(a.pnl > 0)
    }
    for (let t = 0; t < r.steps; t++) {
      expect(c.cost[t]!).toBeGreaterThanOrEqual(0)
      expect(c.cost[t]).toBe(c.costByComponent.fees![t])
      // displaced inventory never exceeds the pre-funded clips
      expect(Math.abs(c.position[2 * t]!)).toBeLessThanOrEqual(config.risk_params.inventory_clips)
    }
  })

  it('ties up one clip per arb from its decision until its transfer completes', async () => {
    const config = resolveLabConfig(latencyArbLab, 'corrected', { 'strategy.threshold_bps': 0, 'risk_params.inventory_clips': 2 })
    const r = await run(config)
    const { arbs, rejectedForInventory } = replayArbs(r, config)
    const { latency_steps: L, transfer_delay_steps: D } = config.latency
    for (let t = 0; t < r.steps; t += 7) {
      const busy = arbs.filter((a) => a.decidedAt <= t && t < a.decidedAt + L + D).length
      expect(busy).toBeLessThanOrEqual(2)
    }
    expect(rejectedForInventory).toBeGreaterThan(0)
  })

  it('with latency 0 and zero fees every arb wins (corrected; faithful once spreads are zero)', async () => {
    for (const seed of [0, 1, 2]) {
      const corrected = resolveLabConfig(latencyArbLab, 'corrected', { ...zeroFees, seed, 'latency.latency_steps': 0, 'strategy.threshold_bps': 0 })
      const m = latencyArbReport(await run(corrected), corrected).metrics
      expect(m.arbs!).toBeGreaterThan(50)
      expect(m.win_rate).toBe(1)
      const faithful = resolveLabConfig(latencyArbLab, 'faithful', { ...zeroFees, seed, 'latency.latency_steps': 0, 'venue_params.a_half_spread_bps': 0, 'venue_params.b_half_spread_bps': 0 })
      expect(latencyArbReport(await run(faithful), faithful).metrics.win_rate).toBe(1)
    }
  })

  it('at latency 0 the corrected desk captures exactly the edge it saw', async () => {
    const config = resolveLabConfig(latencyArbLab, 'corrected', { 'latency.latency_steps': 0 })
    const r = await run(config)
    for (const a of replayArbs(r, config).arbs) {
      expect(a.edgeCapturedBps).toBe(a.edgeSeenBps)
      expect(a.edgeSeenBps).toBe(edgeBps(r.market, a.decidedAt, a.direction, 'executable'))
      expect(a.edgeSeenBps - 2).toBeGreaterThan(config.strategy.threshold_bps)
    }
  })

  it.each(['faithful', 'corrected'] as const)('%s: win rate falls as latency rises (mean over 8 seeds, latency 0, 1, 2, 5)', async (preset) => {
    const rates: number[] = []
    for (const latency of [0, 1, 2, 5]) rates.push(await ensemble(preset, { 'latency.latency_steps': latency }, 'win_rate'))
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeLessThanOrEqual(rates[i - 1]!)
    expect(rates[3]!).toBeLessThan(rates[0]! - 0.3)
  })

  it('raising the threshold lowers the number of arbs', async () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const counts: number[] = []
      for (const threshold of [1, 2, 5, 10]) {
        const config = resolveLabConfig(latencyArbLab, preset, { 'strategy.threshold_bps': threshold })
        counts.push(latencyArbReport(await run(config), config).metrics.arbs!)
      }
      for (let i = 1; i < counts.length; i++) expect(counts[i]!, `${preset} ${counts.join(', ')}`).toBeLessThan(counts[i - 1]!)
    }
  })

  it('the book’s latency × threshold grid runs through the sweep planner: config paths and a win_rate metric per cell', async () => {
    const planned = expandExperiment({
      lab: 'latency-arb',
      preset: 'corrected',
      base: {},
      seeds: [],
      grid: [parseGridAxis('latency.latency_steps=0,1,2,5'), parseGridAxis('strategy.threshold_bps=1,2,5,10')],
      stress: []
    })
    expect(planned.length).toBe(16)
    const grid = new Map<string, number | null>()
    for (const p of planned) {
      const config = planLab(p.spec).config as LatencyArbConfig
      const metrics = latencyArbReport(await run(config), config).metrics
      grid.set(`${config.latency.latency_steps}×${config.strategy.threshold_bps}`, metrics.win_rate ?? null)
    }
    expect(grid.get('0×1')).toBe(1)
    expect(grid.get('5×1')!).toBeLessThan(0.5)
    const base = resolveLabConfig(latencyArbLab, 'faithful', {})
    const m = latencyArbReport(await run(base), base).metrics
    for (const key of ['total_pnl', 'arbs', 'win_rate', 'avg_pnl_per_arb', 'avg_edge_seen_bps', 'avg_edge_captured_bps', 'max_drawdown', 'sharpe_annualized']) {
      expect(Number.isFinite(m[key]), key).toBe(true)
    }
  })

  it('the report folds chunk by chunk: streamed over several chunks it equals the whole-run report, also on a market run twice', async () => {
    const config = resolveLabConfig(latencyArbLab, 'faithful', { T: 3 * STEP_CHUNK + 17, 'latency.latency_steps': 2 })
    const whole = latencyArbReport(await run(config), config)
    const market = latencyArbLab.market(config, {})
    for (let pass = 0; pass < 2; pass++) {
      const observer = latencyArbLab.report(config, market)
      const end = await runLab(latencyArbLab, config, { market, sinks: [observer] })
      expect(observer.finish(end)).toEqual(whole)
    }
    expect(whole.metrics.arbs!).toBeGreaterThan(100)
  })

  it('module: telemetry counts arbs by direction and the quote surface is venue × side', async () => {
    const config = resolveLabConfig(latencyArbLab, 'faithful', {})
    const r = await run(config)
    const t = latencyArbReport(r, config).telemetry as { execution: Record<string, number> }
    expect(t.execution.arbs_a_to_b! + t.execution.arbs_b_to_a!).toBe(latencyArbReport(r, config).metrics.arbs)
    const s = latencyArbLab.surface(r.market, 10, config)
    expect(s.axes.map((a) => a.labels)).toEqual([['A', 'B'], ['bid', 'ask']])
    expect(s.values[0]!).toBeLessThan(s.values[1]!)
    expect(s.values[2]!).toBeLessThan(s.values[3]!)
  })
})
