import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LabConfigError, labResultsHash, resolveLabConfig, runCollected } from '../../engine/kernel'
import { CREDIT_SPREADS_CORRECTIONS, creditSpreadsStressMenu, type CreditSpreadsConfig } from './config'
import { creditSpreadsLab } from './lab'
import { creditMarket, type CreditMarket } from './market'
import { creditSpreadsDiagnostics, creditSpreadsMetrics, creditSpreadsReport, notebookSeries } from './metrics'
import { baselineSignals } from './policy'
import { spreadCurvesAt } from './surface'

// What each correction changes, the run's invariants, and the config's errors.

const resolveConfig = (preset: 'faithful' | 'corrected', overrides: Record<string, unknown> = {}) => resolveLabConfig(creditSpreadsLab, preset, overrides)
const run = async (preset: 'faithful' | 'corrected', overrides: Record<string, unknown> = {}) => {
  const config = resolveConfig(preset, overrides)
  return { config, run: await runCollected(creditSpreadsLab, config) }
}
/** The lab's mark of `position` over t−1 → t, by P&L component. */
const markPosition = (market: CreditMarket, t: number, position: Float64Array, config: CreditSpreadsConfig): Record<string, number> => {
  const out = new Float64Array(creditSpreadsLab.pnlComponents.length)
  creditSpreadsLab.mark(market, t, position, config, out)
  return Object.fromEntries(creditSpreadsLab.pnlComponents.map((name, k) => [name, out[k]!]))
}
const short = { T: 300 }

describe('credit-spreads presets', () => {
  it('corrected names each fix and sets one switch per fix', () => {
    expect(creditSpreadsLab.config.presets.corrected.corrections.map((c) => c.id)).toEqual(['spread_sign', 'carry_accrual', 'baseline_warmup', 'step_budget'])
    expect(resolveConfig('corrected').corrections).toEqual({ spread_sign: 'long_protection', carry_accrual: true, baseline_warmup: 'expanding' })
    expect(resolveConfig('faithful').corrections).toEqual({ spread_sign: 'notebook', carry_accrual: false, baseline_warmup: 'bfill' })
    expect(creditSpreadsLab.config.presets.faithful.corrections).toEqual([CREDIT_SPREADS_CORRECTIONS.stepBudget])
  })

  it('lets one correction be flipped at a time on top of faithful', () => {
    const config = resolveConfig('faithful', { 'corrections.carry_accrual': true })
    expect(config.corrections).toEqual({ spread_sign: 'notebook', carry_accrual: true, baseline_warmup: 'bfill' })
  })
})

describe('credit-spreads corrections', () => {
  const faithful = resolveConfig('faithful', short)
  const market = creditMarket(faithful)
  const longSpread = Float64Array.of(0.5, 0.4, 0)

  it('spread sign: with long spread = long protection, level P&L has the sign of the spread change', () => {
    const corrected = resolveConfig('faithful', { ...short, corrections: { spread_sign: 'long_protection' } })
    const K = market.tenors.days.length
    const longestIG = (t: number) => spreadCurvesAt(market, t, faithful)[K - 1]!
    let checked = 0
    for (let t = 1; t < market.T; t++) {
      const widening = Math.sign(longestIG(t) - longestIG(t - 1))
      if (widening === 0) continue
      expect(Math.sign(markPosition(market, t, longSpread, corrected).ig!)).toBe(widening)
      expect(Math.sign(markPosition(market, t, longSpread, faithful).ig!)).toBe(-widening) // the notebook's inverted sign
      checked++
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('carry: a short-spread book earns the spread each step, booked as its own component', () => {
    const withCarry = resolveConfig('corrected', short)
    const shortSpread = Float64Array.of(-0.5, -0.3, 0)
    for (let t = 1; t < 50; t++) {
      const pnl = markPosition(market, t, shortSpread, withCarry)
      expect(pnl.carry).toBeCloseTo(0.5 * market.levelIG[t - 1]! + 0.3 * market.levelHY[t - 1]!, 15)
      expect(markPosition(market, t, shortSpread, faithful).carry).toBe(0)
    }
  })

  it('carry switched on alone adds Σ carry to equity and changes nothing else', async () => {
    const a = await run('faithful', short)
    const b = await run('faithful', { ...short, corrections: { carry_accrual: true } })
    const carry = b.run.columns.pnlByComponent.carry!
    expect(carry.some((v) => v !== 0)).toBe(true)
    // the baseline reads no equity, so the actions and the price legs are the same
    expect(Array.from(b.run.columns.action)).toEqual(Array.from(a.run.columns.action))
    expect(Array.from(b.run.columns.pnlByComponent.ig!)).toEqual(Array.from(a.run.columns.pnlByComponent.ig!))
    const last = b.run.columns.position.subarray((b.run.steps - 1) * 3)
    const closing = markPosition(b.run.market, b.run.steps, last, b.config).carry!
    expect(b.run.closingMark[creditSpreadsLab.pnlComponents.indexOf('carry')]).toBe(closing)
    expect(b.run.finalEquity - a.run.finalEquity).toBeCloseTo(carry.reduce((s, v) => s + v, 0) + closing, 9)
  })

  it('warm-up: faithful back-fills (look-ahead); corrected uses only the steps seen so far', () => {
    const faithfulSignals = baselineSignals(market, 'bfill')
    const corrected = baselineSignals(market, 'expanding')
    for (let t = 0; t < 9; t++) {
      expect(faithfulSignals.hazardMean[t]).toBe(faithfulSignals.hazardMean[9])
      let sum = 0
      for (let i = 0; i <= t; i++) sum += market.hazard[i]!
      expect(corrected.hazardMean[t]).toBeCloseTo(sum / (t + 1), 15)
    }
    expect(Array.from(corrected.hazardMean.subarray(9))).toEqual(Array.from(faithfulSignals.hazardMean.subarray(9)))
  })

  it('warm-up: no corrected signal at t changes when the future changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.double({ min: 0.5, max: 2, noNaN: true }), (t, factor) => {
        const future = { ...market, hazard: market.hazard.map((v, i) => (i > t ? v * factor : v)), levelIG: market.levelIG.map((v, i) => (i > t ? v * factor : v)) }
        const a = baselineSignals(market, 'expanding')
        const b = baselineSignals(future, 'expanding')
        return a.hazardMean[t] === b.hazardMean[t] && a.levelIGMean[t] === b.levelIGMean[t]
      }),
      { numRuns: 40 }
    )
  })

  it('step budget: a budget of 120 runs exactly the first 120 steps of the full run', async () => {
    const full = await run('faithful', short)
    const cut = await run('faithful', { ...short, policy_params: { step_budget: 120 } })
    expect(cut.run.steps).toBe(120)
    expect(Array.from(cut.run.columns.equity)).toEqual(Array.from(full.run.columns.equity.subarray(0, 120)))
    expect(Array.from(cut.run.columns.action)).toEqual(Array.from(full.run.columns.action.subarray(0, 120)))
  })
})

describe('credit-spreads invariants', () => {
  it.each(['faithful', 'corrected'] as const)('%s: costs ≥ 0 and final equity = 1000 + Σ P&L − Σ cost', async (preset) => {
    for (const seed of [1, 7, 11]) {
      const { run: r } = await run(preset, { seed, T: 400 })
      expect(r.columns.cost.every((c) => c >= 0)).toBe(true)
      const s = notebookSeries(r)
      const pnl = s.pnlNet.reduce((a, v) => a + v, 0)
      expect(r.finalEquity).toBeCloseTo(1000 + pnl, 9)
      const marks = r.columns.markPnl.reduce((a, v) => a + v, 0) + (r.finalEquity - r.columns.equity[r.steps - 1]!)
      expect(r.finalEquity).toBeCloseTo(1000 + marks - r.columns.cost.reduce((a, v) => a + v, 0), 9)
    }
  })

  it('a breached drawdown stop flattens the book and keeps it flat to the end', async () => {
    const { run: r } = await run('faithful', { seed: 3, T: 400, risk_params: { max_dd_stop: 0.005 } })
    const stop = r.events.find((e) => e.rule === 'drawdown_stop')
    expect(stop?.t).toBe(287)
    for (let t = stop!.t; t < r.steps; t++) {
      expect(creditSpreadsLab.actions[r.columns.action[t]!]).toBe('FLAT')
      expect(Array.from(r.columns.position.subarray(t * 3, t * 3 + 3))).toEqual([0, 0, 0])
    }
    // the stop saw the notebook's equity: the drawdown at the top of that iteration, not before
    const dd = notebookSeries(r).drawdown
    expect(dd[stop!.t]).toBeGreaterThan(0.005)
    expect(Math.max(...dd.subarray(0, stop!.t))).toBeLessThanOrEqual(0.005)
  })

  it('is deterministic: the same config gives the same results hash, another seed another', async () => {
    const a = await run('corrected', { T: 200 })
    const b = await run('corrected', { T: 200 })
    const c = await run('corrected', { T: 200, seed: 12 })
    expect(labResultsHash(a.run)).toBe(labResultsHash(b.run))
    expect(labResultsHash(c.run)).not.toBe(labResultsHash(a.run))
  })
})

describe('credit-spreads cadence, diagnostics and stress menu', () => {
  it('decides every decision_every steps and holds the action between', async () => {
    const { run: r } = await run('faithful', { T: 300, policy_params: { decision_every: 8 } })
    const a = r.columns.action
    for (let t = 1; t < r.steps; t++) if (t % 8 !== 0) expect(a[t]).toBe(a[t - 1])
  })

  it('diagnostics are the notebook series: equity, regime, cumulative cost, action counts', async () => {
    const { config, run: r } = await run('faithful', { T: 300 })
    const d = creditSpreadsDiagnostics(r, config)
    expect(d.equity.length).toBe(r.steps + 1)
    expect(d.equity[r.steps]).toBe(r.finalEquity)
    expect(d.costs_cum[r.steps]).toBe(creditSpreadsMetrics(r, config).total_costs)
    expect(Object.values(d.action_counts).reduce((s, v) => s + v, 0)).toBe(r.steps)
    expect(Array.from(d.regime)).toEqual(Array.from(r.market.regime.subarray(0, r.steps + 1)))
  })

  it('every stress run resolves to a valid config that differs from the base in one dimension', () => {
    const base = resolveConfig('faithful')
    for (const { name, overrides } of creditSpreadsStressMenu(base)) {
      const stressed = resolveConfig('faithful', overrides)
      const changed = Object.keys(base).filter((k) => JSON.stringify(base[k as keyof typeof base]) !== JSON.stringify(stressed[k as keyof typeof stressed]))
      expect(changed.length, name).toBe(1)
    }
  })
})

describe('credit-spreads config errors', () => {
  const problems = (overrides: Record<string, unknown>) => {
    try {
      resolveConfig('faithful', overrides)
    } catch (error) {
      if (error instanceof LabConfigError) return error.problems
      throw error
    }
    throw new Error('expected the config to be rejected')
  }

  it('names the field, the rule and the value it got', () => {
    expect(problems({ risk_params: { max_leverage: -1 } })).toEqual([{ path: 'risk_params.max_leverage', message: 'must be > 0 (got -1)' }])
    expect(problems({ T: 1 })).toEqual([{ path: 'T', message: 'must be ≥ 2 (got 1)' }])
    expect(problems({ seed: 2 ** 32 })).toEqual([{ path: 'seed', message: 'must be < 2^32 (NumPy legacy seed) (got 4294967296)' }])
    expect(problems({ 'policy_params.decision_every': 'often' })).toEqual([{ path: 'policy_params.decision_every', message: 'must be a whole number (got "often")' }])
    expect(problems({ 'execution_params.cost_bps': -3 })).toEqual([{ path: 'execution_params.cost_bps', message: 'must be ≥ 0 (got -3)' }])
  })

  it('rejects unknown keys, bad matrices, tenors and buckets', () => {
    expect(problems({ risk_params: { max_leverag: 2 } })).toEqual([{ path: 'risk_params', message: 'unknown key "max_leverag"' }])
    expect(problems({ regimes: { markov_P: [[0.5, 0.5, 0.5], [0.06, 0.92, 0.02], [0.09, 0.14, 0.77]] } })).toEqual([{ path: 'regimes.markov_P.0', message: 'row 0 must sum to 1 (got 1.5)' }])
    expect(problems({ surface_params: { tenors_days: [90, 30] } })[0]).toMatchObject({ path: 'surface_params.tenors_days', message: expect.stringContaining('strictly increasing') as unknown as string })
    expect(problems({ surface_params: { rating_buckets: ['IG', 'BB'] } })[0]?.path).toBe('surface_params.rating_buckets.1')
    expect(problems({ corrections: { spread_sign: 'up' } })[0]?.message).toContain('must be "notebook" or "long_protection"')
  })

  it('the lab hands the kernel a resolved config and the notebook metrics', async () => {
    const config = resolveLabConfig(creditSpreadsLab, 'faithful', { T: 50 })
    const r = await runCollected(creditSpreadsLab, config)
    expect(Object.keys(creditSpreadsReport(r, config).metrics)).toEqual(
      expect.arrayContaining(['total_return', 'sharpe_proxy', 'max_drawdown', 'avg_leverage', 'total_costs', 'cost_ratio', 'pnl_stress', 'pnl_nonstress', 'steps_ran'])
    )
  })
})
