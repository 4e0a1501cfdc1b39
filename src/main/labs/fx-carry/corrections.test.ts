import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { FX_CARRY_PRESETS } from './config'
import { fxCarryLab } from './lab'
import { RISK_OFF } from './market'
import { fxCarryMetrics } from './metrics'

// What each correction of the `corrected` preset changes, one switch at a time against faithful.

const faithful = resolveLabConfig(fxCarryLab, 'faithful', {})

describe('fx-carry corrected preset', () => {
  it('names each fix and sets exactly the switches under `corrections`', () => {
    expect(FX_CARRY_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['carry_day_count', 'surface_compression', 'regime_return_metric'])
    for (const c of FX_CARRY_PRESETS.corrected.corrections) expect(c.why.length).toBeGreaterThan(40)
    const corrected = resolveLabConfig(fxCarryLab, 'corrected', {})
    expect({ ...corrected, corrections: faithful.corrections }).toEqual(faithful)
    expect(corrected.corrections).toEqual({
      carry_day_count: 'annual_times_dt',
      surface_compression: 'multiplicative',
      surface_compression_k: 0.5,
      regime_return_metric: 'masked_step_returns'
    })
  })

  it('carry_day_count: carry accrues as the annual differential × dt, 365/252 times the notebook c30/30', async () => {
    const fixed = resolveLabConfig(fxCarryLab, 'faithful', { 'corrections.carry_day_count': 'annual_times_dt' })
    const a = fxCarryLab.market(faithful, {})
    const b = fxCarryLab.market(fixed, {})
    expect(b.carry.c30Mean).toEqual(a.carry.c30Mean) // the surface and the policy's proxy do not move
    for (let t = 0; t < a.T; t++) expect(b.carry.carryPerStep[t]! / a.carry.carryPerStep[t]!).toBeCloseTo(365 / 252, 12)
    const [ra, rb] = await Promise.all([runCollected(fxCarryLab, faithful), runCollected(fxCarryLab, fixed)])
    expect(rb.columns.action).toEqual(ra.columns.action) // same decisions, only the accrual differs
    const carryA = fxCarryMetrics(ra, faithful).carry_pnl!
    const carryB = fxCarryMetrics(rb, fixed).carry_pnl!
    expect(carryB / carryA).toBeCloseTo(365 / 252, 10)
    expect(fxCarryMetrics(rb, fixed).spot_pnl).toBe(fxCarryMetrics(ra, faithful).spot_pnl)
  })

  it('surface_compression: mean 30-day carry shrinks ≈ 4 % in risk-off in the notebook, ≈ 52 % with k = 0.5', async () => {
    const fixed = resolveLabConfig(fxCarryLab, 'faithful', { 'corrections.surface_compression': 'multiplicative' })
    const [ra, rb] = await Promise.all([runCollected(fxCarryLab, faithful), runCollected(fxCarryLab, fixed)])
    const ma = fxCarryMetrics(ra, faithful)
    const mb = fxCarryMetrics(rb, fixed)
    // spec §4.3: 0.001483 in calm vs 0.001423 in risk-off — "the surface shrinks" is invisible
    expect(ma.mean_c30_calm).toBeCloseTo(0.001483, 6)
    expect(ma.mean_c30_risk_off).toBeCloseTo(0.001423, 6)
    expect(ma.c30_compression_risk_off).toBeLessThan(0.05)
    expect(mb.mean_c30_calm).toBe(ma.mean_c30_calm)
    expect(mb.mean_c30_risk_off).toBeCloseTo(0.5 * ma.mean_c30_risk_off!, 15)
    expect(mb.c30_compression_risk_off).toBeGreaterThan(0.5)
    // the whole matrix is scaled at a risk-off step, untouched at a calm one
    const market = rb.market
    const riskOffStep = market.regimes.indexOf(RISK_OFF)
    const calmStep = market.regimes.indexOf(0)
    const surfaceA = fxCarryLab.surface(ra.market, riskOffStep, faithful).values
    const surfaceB = fxCarryLab.surface(market, riskOffStep, fixed).values
    surfaceA.forEach((v, k) => expect(surfaceB[k]).toBe(v * 0.5))
    expect(fxCarryLab.surface(market, calmStep, fixed).values).toEqual(fxCarryLab.surface(ra.market, calmStep, faithful).values)
  })

  it('regime_return_metric: per-regime returns from per-step log returns add up to the whole run', async () => {
    const fixed = resolveLabConfig(fxCarryLab, 'faithful', { 'corrections.regime_return_metric': 'masked_step_returns' })
    const r = await runCollected(fxCarryLab, fixed)
    const counts = [0, 0]
    for (const g of r.columns.regime) counts[g]! += 1
    const total = Math.log(r.columns.equity[r.steps - 1]! / r.initialEquity)
    const split = (m: Record<string, number | null>) => ((m.ann_log_return_calm ?? 0) * counts[0]! + (m.ann_log_return_risk_off ?? 0) * counts[1]!) / 252
    expect(split(fxCarryMetrics(r, fixed))).toBeCloseTo(total, 12)
    // the notebook's concatenated subsequence does not: every jump across a gap lands in the wrong regime
    const notebook = fxCarryMetrics(r, faithful)
    expect(Math.abs(split(notebook) - total)).toBeGreaterThan(0.05)
    expect(notebook.final_equity).toBe(fxCarryMetrics(r, fixed).final_equity)
  })

  it('the corrected preset runs end to end and differs from faithful', async () => {
    const corrected = resolveLabConfig(fxCarryLab, 'corrected', {})
    const [a, b] = await Promise.all([runCollected(fxCarryLab, faithful), runCollected(fxCarryLab, corrected)])
    expect(b.steps).toBe(800)
    expect(b.columns.equity[799]).not.toBe(a.columns.equity[799])
  })
})
