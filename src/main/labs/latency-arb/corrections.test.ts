import { describe, expect, it } from 'vitest'
import { labResultsHash, resolveLabConfig, runCollected } from '../../engine/kernel'
import { LATENCY_ARB_PRESETS, type LatencyArbConfig } from './config'
import { latencyArbLab } from './lab'
import { latencyArbReport, replayArbs } from './metrics'

// What the fix of the `corrected` preset changes, against faithful.

const run = async (config: LatencyArbConfig) => runCollected(latencyArbLab, config)

describe('latency-arb corrected preset', () => {
  it('names its fix and sets exactly the switch under `corrections`', () => {
    expect(LATENCY_ARB_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['signal_basis'])
    expect(LATENCY_ARB_PRESETS.corrected.corrections[0]!.why.length).toBeGreaterThan(80)
    const faithful = resolveLabConfig(latencyArbLab, 'faithful', {})
    const corrected = resolveLabConfig(latencyArbLab, 'corrected', {})
    expect({ ...corrected, corrections: faithful.corrections }).toEqual(faithful)
  })

  it('signal_basis: with zero latency the mid-basis signal takes losing arbs, the executable one none', async () => {
    const at0 = { 'latency.latency_steps': 0 }
    const faithful = resolveLabConfig(latencyArbLab, 'faithful', at0)
    const corrected = resolveLabConfig(latencyArbLab, 'corrected', at0)
    const [rf, rc] = await Promise.all([run(faithful), run(corrected)])
    const [mf, mc] = [latencyArbReport(rf, faithful).metrics, latencyArbReport(rc, corrected).metrics]
    expect(mc.win_rate).toBe(1)
    expect(mf.win_rate!).toBeLessThan(0.99)
    expect(mf.arbs!).toBeGreaterThan(mc.arbs!)
    expect(mf.avg_pnl_per_arb!).toBeLessThan(mc.avg_pnl_per_arb!)
    // the mid basis overstates every fill by the two half-spreads crossed: 1 + captured = (1 + seen)·(1 − h_sell)/(1 + h_buy)
    for (const a of replayArbs(rf, faithful).arbs) {
      const [hBuy, hSell] = (a.direction === 1 ? [rf.market.halfSpreadA, rf.market.halfSpreadB] : [rf.market.halfSpreadB, rf.market.halfSpreadA]).map((h) => h[a.decidedAt]! / 1e4)
      expect(1 + a.edgeCapturedBps / 1e4).toBeCloseTo(((1 + a.edgeSeenBps / 1e4) * (1 - hSell!)) / (1 + hBuy!), 12)
      expect(a.edgeSeenBps - a.edgeCapturedBps).toBeGreaterThan(0)
    }
  })

  it('signal_basis: the fix matters only through the spread — with zero half-spreads both presets give the same run', async () => {
    const noSpread = { 'venue_params.a_half_spread_bps': 0, 'venue_params.b_half_spread_bps': 0 }
    const [a, b] = await Promise.all([run(resolveLabConfig(latencyArbLab, 'faithful', noSpread)), run(resolveLabConfig(latencyArbLab, 'corrected', noSpread))])
    expect(a.columns.action).toEqual(b.columns.action)
    expect(labResultsHash(a)).toBe(labResultsHash(b))
  })

  it('signal_basis: the corrected signal earns more per arb at every latency', async () => {
    for (const latency of [0, 1, 2, 5]) {
      const f = resolveLabConfig(latencyArbLab, 'faithful', { 'latency.latency_steps': latency })
      const c = resolveLabConfig(latencyArbLab, 'corrected', { 'latency.latency_steps': latency })
      const [rf, rc] = await Promise.all([run(f), run(c)])
      expect(latencyArbReport(rc, c).metrics.avg_pnl_per_arb!, `latency ${latency}`).toBeGreaterThan(latencyArbReport(rf, f).metrics.avg_pnl_per_arb!)
    }
  })
})
