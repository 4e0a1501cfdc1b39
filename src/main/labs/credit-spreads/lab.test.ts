import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import type { CreditSpreadsConfig } from './config'
import { creditSpreadsLab } from './lab'
import { creditMarket, type CreditMarket, type StatePath } from './market'
import { creditSpreadsReport, notebookSeries } from './metrics'
import { baselineSignals } from './policy'
import { spreadCurvesAt } from './surface'
import { runFixtures, seriesError, signalsFixture, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER_5, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code for one seed and config.

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

/** Within 1e-9 relative everywhere; `bitExact` where the notebook's arithmetic is replayed operation for operation. */
function expectClose(fixture: string, error: SeriesError, bitExact = false): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
  if (bitExact) expect(error.identical, `${fixture} ${error.series}: bit-identical points`).toBe(error.n)
}

function stateOf(f: RunFixture): StatePath {
  return {
    regime: Int32Array.from(f.market.r_idx!),
    rf: Float64Array.from(f.market.rf!),
    hazard: Float64Array.from(f.market.haz!),
    liq: Float64Array.from(f.market.liq!),
    corr: Float64Array.from(f.market.corr!),
    jump: Uint8Array.from(f.market.jump_flag!)
  }
}

function marketSeries(m: CreditMarket, config: CreditSpreadsConfig): Record<string, ArrayLike<number>> {
  // the T × K grids, rebuilt step by step as the surface is
  const K = m.tenors.days.length
  const spreadsIG = new Float64Array(m.T * K)
  const spreadsHY = new Float64Array(m.T * K)
  for (let t = 0; t < m.T; t++) {
    const curves = spreadCurvesAt(m, t, config)
    spreadsIG.set(curves.subarray(0, K), t * K)
    spreadsHY.set(curves.subarray(K), t * K)
  }
  return {
    level_ig: m.levelIG,
    slope_ig: m.slopeIG,
    level_hy: m.levelHY,
    slope_hy: m.slopeHY,
    credit_beta: m.creditBeta,
    index_price_IG: m.priceIG,
    index_price_HY: m.priceHY,
    spreads_IG: spreadsIG,
    spreads_HY: spreadsHY
  }
}

function expectedMarket(f: RunFixture, key: string): number[] {
  const v = f.market[key]!
  return key.startsWith('spreads_') ? (v as unknown as number[][]).flat() : v
}

afterAll(() => {
  // The parity report: one line per fixture and series.
  const lines = table.map(
    (r) => `${r.fixture.padEnd(28)} ${r.series.padEnd(16)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.CREDIT_PARITY_REPORT) console.log(lines.join('\n'))
})

describe.each(fixtures.map((f) => [f.file, f] as const))('credit-spreads faithful matches the notebook: %s', (file, f) => {
  const config = resolveLabConfig(creditSpreadsLab, 'faithful', f.overrides)

  it('simulates the same regime and state path from the seed (NumPy legacy MT19937 draw order)', () => {
    const market = creditMarket(config)
    expect(Array.from(market.regime)).toEqual(f.market.r_idx)
    expect(Array.from(market.jump)).toEqual(f.market.jump_flag)
    expectClose(file, seriesError('rf', market.rf, f.market.rf!), true)
    expectClose(file, seriesError('haz', market.hazard, f.market.haz!), true)
    expectClose(file, seriesError('liq', market.liq, f.market.liq!), true)
    expectClose(file, seriesError('corr', market.corr, f.market.corr!), true)
  })

  it('builds the same surface, features and index prices from the notebook state', () => {
    const market = creditMarket(config, stateOf(f))
    for (const [key, values] of Object.entries(marketSeries(market, config))) expectClose(file, seriesError(key, values, expectedMarket(f, key)), true)
  })

  it('takes the same actions and books the same equity, positions and costs at every step', async () => {
    const run = await runCollected(creditSpreadsLab, config)
    const s = notebookSeries(run)
    const c = run.columns
    const n = f.steps.t!.length
    expect(run.steps).toBe(n)
    expect(Array.from(c.action, (i) => creditSpreadsLab.actions[i])).toEqual(f.steps.action)
    expect(Array.from(c.regime)).toEqual(f.steps.regime)
    const leg = (i: number) => Array.from({ length: n }, (_, t) => c.position[t * 3 + i]!)
    // Equity (and what is read off it) differs in the last bits: the kernel books the cost at t
    // and the mark over t → t+1 as two additions, (E − c) + p; the notebook adds (p − c) once.
    expectClose(file, seriesError('equity', s.equity.subarray(1), f.steps.equity!))
    expectClose(file, seriesError('dd', s.drawdown.subarray(1), f.steps.dd!))
    expectClose(file, seriesError('ig_level', leg(0), f.steps.ig_level!), true)
    expectClose(file, seriesError('hy_level', leg(1), f.steps.hy_level!), true)
    expectClose(file, seriesError('curve_tilt', leg(2), f.steps.curve_tilt!), true)
    expectClose(file, seriesError('cost', c.cost, f.steps.cost!), true)
    expectClose(file, seriesError('prop', c.costByComponent.proportional!, f.steps.prop!), true)
    expectClose(file, seriesError('impact', c.costByComponent.impact!, f.steps.impact!), true)
    expectClose(file, seriesError('trade_abs', s.tradeAbs, f.steps.trade_abs!), true)
    expectClose(file, seriesError('pnl_net', s.pnlNet, f.steps.pnl_net!), true)
    expectClose(file, seriesError('leverage', c.leverage, f.steps.leverage!), true)

    const report = creditSpreadsReport(run, config)
    const metrics = report.metrics
    for (const [key, value] of Object.entries(f.summary)) {
      if (typeof value === 'number') expectClose(file, seriesError(`summary.${key}`, [metrics[key]!], [value]))
    }
    const telemetry = report.telemetry as Record<string, Record<string, unknown>>
    expect(telemetry.action!.counts).toEqual(f.actionCounts)
    const t = f.telemetry
    expect(telemetry.action).toMatchObject({ switch_count: t.switch_count, repeat_count: t.repeat_count, hold_streak_max: t.hold_streak_max })
    expect(telemetry.regime).toMatchObject({ counts: t.regime_counts, jump_count: t.jump_count })
    expect(telemetry.risk).toMatchObject({ forced_flat_triggered: t.forced_flat_triggered, forced_flat_t: t.forced_flat_t, leverage_breach_attempts: 0, pos_limit_clip_events: 0 })
    const execution = telemetry.execution as Record<string, number> & { turnover_by_leg: Record<string, number> }
    expect({ trade_count: execution.trade_count, no_trade_count: execution.no_trade_count }).toEqual({ trade_count: t.trade_count, no_trade_count: t.no_trade_count })
    for (const key of ['turnover_abs_sum', 'prop_cost_sum', 'impact_cost_sum', 'total_cost_sum', 'avg_trade_abs', 'max_trade_abs'] as const) {
      expectClose(file, seriesError(`telemetry.${key}`, [execution[key]!], [t[key] as number]))
    }
    const risk = telemetry.risk as Record<string, number>
    for (const key of ['max_leverage_observed', 'max_dd_observed'] as const) expectClose(file, seriesError(`telemetry.${key}`, [risk[key]!], [t[key] as number]))
    const regime = telemetry.regime as Record<string, Record<string, number>>
    for (const block of ['pnl_net_by_regime', 'cost_by_regime', 'impact_by_regime'] as const) {
      const names = Object.keys(t[block])
      expectClose(file, seriesError(`telemetry.${block}`, names.map((r) => regime[block]![r]!), names.map((r) => t[block][r]!)))
    }
  })
})

describe('credit-spreads baseline signals', () => {
  it('replays pandas rolling(60, min_periods=10).mean().bfill() bit for bit on seed 11', () => {
    const f = signalsFixture()
    const run = fixtures.find((x) => x.file === 'ch5-seed11-baseline.json')!
    const config = resolveLabConfig(creditSpreadsLab, 'faithful', run.overrides)
    const signals = baselineSignals(creditMarket(config, stateOf(run)), 'bfill')
    for (const [key, values] of [
      ['lvl_ig_ma', signals.levelIGMean],
      ['lvl_hy_ma', signals.levelHYMean],
      ['haz_ma', signals.hazardMean]
    ] as const) {
      const error = seriesError(key, values, f[key])
      table.push({ fixture: 'ch5-seed11-baseline-signals', ...error })
      expect(error.identical).toBe(error.n)
    }
  })
})

describe('credit-spreads reproduces the published reference values (seed 11, faithful defaults)', () => {
  it('matches the notebook printout to its 6 decimals', async () => {
    const config = resolveLabConfig(creditSpreadsLab, 'faithful', {})
    const run = await runCollected(creditSpreadsLab, config)
    const report = creditSpreadsReport(run, config)
    const m = report.metrics
    expect(m.total_return).toBeCloseTo(-0.058338, 6)
    expect(m.total_costs).toBeCloseTo(10.489619, 6)
    expect(m.max_drawdown).toBeCloseTo(0.087109, 6)
    expect(m.avg_leverage).toBeCloseTo(0.816261, 6)
    expect(m.steps_ran).toBe(899)
    const telemetry = report.telemetry as Record<string, Record<string, unknown>>
    expect(telemetry.execution!.prop_cost_sum).toBeCloseTo(0.599493, 6)
    expect(telemetry.execution!.impact_cost_sum).toBeCloseTo(9.890127, 6)
    expect(telemetry.action!.counts).toEqual({ FLAT: 94, LONG_SPREAD: 633, SHORT_SPREAD: 0, CURVE_STEEPENER: 172 })
    const curves = spreadCurvesAt(run.market, 0, config)
    const ig = Array.from(curves.subarray(0, 5))
    const hy = Array.from(curves.subarray(5, 10))
    ;[0.020385, 0.019851, 0.020253, 0.0221, 0.02588].forEach((v, k) => expect(ig[k]).toBeCloseTo(v, 6))
    ;[0.04904, 0.049778, 0.051773, 0.0564, 0.064502].forEach((v, k) => expect(hy[k]).toBeCloseTo(v, 6))
    const surface = creditSpreadsLab.surface(run.market, 0, config)
    expect(surface.axes.map((a) => a.name)).toEqual(['rating', 'tenor'])
    expect(Array.from(surface.values)).toEqual([...ig, ...hy])
  })
})

describe('credit-spreads report as the engine folds it', () => {
  it('keeps only the columns it reads, and equals the report over the whole run (drawdown stop and cadence included)', async () => {
    for (const overrides of [{}, { seed: 3, T: 400, 'risk_params.max_dd_stop': 0.005 }, { 'policy_params.decision_every': 8, 'risk_params.max_leverage': 0.5 }]) {
      const config = resolveLabConfig(creditSpreadsLab, 'faithful', overrides)
      const market = creditSpreadsLab.market(config, {})
      const report = creditSpreadsLab.report(config, market)
      const folded = report.finish(await runCollected(creditSpreadsLab, config, { market, sinks: [report] }))
      expect(folded).toEqual(creditSpreadsReport(await runCollected(creditSpreadsLab, config), config))
    }
  })
})
