import { describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { EQUITY_FACTORS_PRESETS } from './config'
import { equityFactorsLab } from './lab'
import { equityFactorsReport } from './metrics'
import { surfaceSummaries } from './surface'
import { equityMarket } from './market'

// What each fix of the corrected preset changes (book ch.7 §3.9), one switch at a time against faithful.

const run = async (preset: 'faithful' | 'corrected', overrides: Record<string, unknown> = {}) => {
  const config = resolveLabConfig(equityFactorsLab, preset, overrides)
  const r = await runCollected(equityFactorsLab, config)
  return { config, run: r, ...equityFactorsReport(r, config) }
}

describe('equity-factors corrections', () => {
  it('names every fix of the corrected preset', () => {
    expect(EQUITY_FACTORS_PRESETS.corrected.corrections.map((c) => c.id)).toEqual(['impact_calibration', 'configurable_stop', 'eigen_summaries'])
    expect(EQUITY_FACTORS_PRESETS.faithful.corrections).toEqual([])
  })

  it('impact_calibration: entering the basket costs ~0.2% of equity instead of 2.1%, and fewer seeds end stopped', async () => {
    const faithful = await run('faithful')
    const calibrated = await run('faithful', { 'execution_params.slippage_lambda': 0.015 })
    const entry = (r: typeof faithful) => r.run.columns.cost[0]! / 1_000_000
    expect(entry(faithful)).toBeGreaterThan(0.02)
    expect(entry(calibrated)).toBeLessThan(0.002)
    let stopped = { faithful: 0, calibrated: 0 }
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const f = await run('faithful', { seed, T: 200 })
      const c = await run('faithful', { seed, T: 200, 'execution_params.slippage_lambda': 0.015 })
      stopped = { faithful: stopped.faithful + (f.metrics.override_count! > 0 ? 1 : 0), calibrated: stopped.calibrated + (c.metrics.override_count! > 0 ? 1 : 0) }
    }
    expect(stopped.calibrated).toBeLessThanOrEqual(stopped.faithful)
    expect(stopped.calibrated).toBe(0)
  })

  it('configurable_stop: a cool-down stop holds the book flat for its steps, then re-enters and logs each trip', async () => {
    const stress = { seed: 3, T: 160, 'risk_params.max_dd_stop': 0.06, 'regimes.markov_P': [[0.9, 0.06, 0.04], [0.05, 0.85, 0.1], [0.01, 0.04, 0.95]] }
    const absorbing = await run('faithful', stress)
    const cooling = await run('faithful', { ...stress, 'corrections.stop_mode': 'cool_down', 'corrections.stop_cooldown_steps': 10 })
    const firstFlat = absorbing.run.columns.source.indexOf(3)
    expect(firstFlat).toBeGreaterThan(0)
    // absorbing: flat from the trip to the end
    expect(Array.from(absorbing.run.columns.source.subarray(firstFlat)).every((s) => s === 3)).toBe(true)
    const flat = cooling.run.market.run.stopFlat
    expect(Array.from(flat.subarray(firstFlat, firstFlat + 10))).toEqual(Array(10).fill(1))
    expect(flat[firstFlat + 10]).toBe(0)
    expect(cooling.telemetry.stop_trips as number).toBeGreaterThanOrEqual(1)
    expect(cooling.metrics.override_count!).toBeLessThan(absorbing.metrics.override_count!)
  })

  it('eigen_summaries: run averages of the top-eigenvalue share and effective rank, matching the spec’s golden values at the dispersion targets', async () => {
    const on = await run('faithful', { 'corrections.eigen_summaries': 'on' })
    expect(on.metrics.avg_top_eigen_share).toBeGreaterThan(1 / 8)
    expect(on.metrics.avg_effective_rank).toBeLessThan(8)
    expect((await run('faithful')).metrics).not.toHaveProperty('avg_top_eigen_share')
    // spec §9: top-eigenvalue share of C at eff = 0.086957 / 0.35 / 0.95 is 0.1745 / 0.3241 / 0.6653
    const m = equityMarket(resolveLabConfig(equityFactorsLab, 'faithful', { T: 2 }))
    for (const [eff, share] of [[1 / 11.5, 0.1745], [0.35, 0.3241], [0.95, 0.6653]] as const) {
      ;(m.offDiag as Float64Array)[0] = 0.65 * eff
      expect(surfaceSummaries(m, 0).topEigenShare).toBeCloseTo(share, 4)
    }
  })

  it('the corrected preset runs all three and keeps the notebook summary names', async () => {
    const c = await run('corrected')
    expect(c.config.execution_params.slippage_lambda).toBe(0.015)
    expect(c.metrics.final_equity!).toBeGreaterThan(0)
    expect(Object.keys(c.metrics)).toEqual(expect.arrayContaining(['final_equity', 'cum_costs', 'cum_impact', 'ann_vol_est', 'avg_top_eigen_share']))
  })
})
