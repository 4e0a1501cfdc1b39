import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { yieldCurveLab } from './lab'
import { LIQ0, TERM_PREMIUM0, VOL0, yieldMarket } from './market'
import { notebookSeries, yieldCurveReport } from './metrics'
import { LEGS } from './policy'
import { bondConvexity, bondDv01, bondPrice, curveAt } from './surface'
import { runFixtures, seriesError, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER_4, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code for one seed and config, LLM off.

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

/** Within 1e-9 relative everywhere; `bitExact` where the notebook's arithmetic is replayed operation for operation. */
function expectClose(fixture: string, error: SeriesError, bitExact = false): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
  if (bitExact) expect(error.identical, `${fixture} ${error.series}: bit-identical points`).toBe(error.n)
}

afterAll(() => {
  const lines = table.map(
    (r) => `${r.fixture.padEnd(30)} ${r.series.padEnd(20)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.YIELD_PARITY_REPORT) console.log(lines.join('\n'))
})

/** Loop steps the fixture holds, as kernel step indices (notebook t − 1). */
const heldSteps = (f: RunFixture): number[] => f.steps.t!.map((t) => t - 1)

describe.each(fixtures.map((f) => [f.file, f] as const))('yield-curve faithful matches the notebook: %s', (file, f) => {
  const config = resolveLabConfig(yieldCurveLab, 'faithful', f.overrides)

  it('simulates the same regime and state path from the seed (NumPy legacy MT19937: regimes, then pol, tp, v, liq, b0, b1, b2)', () => {
    const m = yieldMarket(config)
    expect(Array.from(m.regime).join('')).toBe(f.market.regime)
    const at = f.market.t!
    const pick = (a: Float64Array) => at.map((t) => a[t]!)
    for (const [key, values] of [
      ['policy', m.policy],
      ['term_prem', m.termPremium],
      ['vol', m.vol],
      ['liq', m.liq],
      ['beta0', m.beta0],
      ['beta1', m.beta1],
      ['beta2', m.beta2]
    ] as const) {
      expectClose(file, seriesError(key, pick(values), f.market[key]!), true)
    }
  })

  it('builds the same curve, key yields, bond prices, DV01s and convexities', () => {
    const m = yieldMarket(config)
    const at = f.market.derived_t!
    const pick = (a: Float64Array, stride = 1, leg = 0) => at.map((t) => a[t * stride + leg]!)
    expectClose(file, seriesError('y2', pick(m.y2), f.market.y2!), true)
    expectClose(file, seriesError('y10', pick(m.y10), f.market.y10!), true)
    expectClose(file, seriesError('y30', pick(m.y30), f.market.y30!), true)
    expectClose(file, seriesError('yc', at.flatMap((t) => Array.from(curveAt(m, t, config))), f.market.yc.flat()), true)
    // CPython's disc**k is glibc's pow; disc^k here is a double-double power rounded once, which
    // agrees with it except where glibc's own ~0.52-ulp bound lets it round the other way.
    LEGS.forEach((_, leg) => {
      const years = [2, 10, 30][leg]!
      const key = ['2', '10', '30'][leg]!
      expectClose(file, seriesError(`P${key}`, pick(m.price, 3, leg), f.market[`P${key}`]!))
      expectClose(file, seriesError(`DV${key}`, pick(m.dv01, 3, leg), f.market[`DV${key}`]!))
      // convexity is a second difference over h² = 1e-8: a last-bit price difference moves it ~1e-9
      const cx = seriesError(`CX${key}`, at.map((t) => bondConvexity([m.y2, m.y10, m.y30][leg]![t]!, years)), f.market[`CX${key}`]!)
      table.push({ fixture: file, ...cx })
      expect(cx.maxRel, `${file} CX${key}`).toBeLessThan(1e-8)
    })
  })

  it('takes the same actions and books the same trades, positions, costs, P&L and equity at every step', async () => {
    const run = await runCollected(yieldCurveLab, config)
    const c = run.columns
    const steps = heldSteps(f)
    expect(run.steps).toBe(config.T - 1)
    const pick = (a: ArrayLike<number>, stride = 1, leg = 0) => steps.map((k) => a[k * stride + leg]!)
    expect(pick(c.action)).toEqual(f.steps.action)
    expect(pick(c.regime)).toEqual(f.steps.regime)
    const r = run.market.run
    const s = notebookSeries(run, config)
    LEGS.forEach((_, leg) => {
      const key = ['2', '10', '30'][leg]!
      expectClose(file, seriesError(`pos_n${key}`, pick(c.position, 3, leg), f.steps[`pos_n${key}`]!))
      expectClose(file, seriesError(`trade_n${key}`, pick(c.trade, 3, leg), f.steps[`trade_n${key}`]!))
    })
    expectClose(file, seriesError('cost_temp', pick(c.costByComponent.temporary!), f.steps.cost_temp!))
    expectClose(file, seriesError('cost_perm', pick(c.costByComponent.permanent!), f.steps.cost_perm!))
    expectClose(file, seriesError('dv_trade', pick(r.dvTrade), f.steps.dv_trade!))
    expectClose(file, seriesError('pnl_price', pick(c.pnlByComponent.price!), f.steps.pnl_price!))
    expectClose(file, seriesError('pnl_carry', pick(c.pnlByComponent.carry!), f.steps.pnl_carry!))
    expectClose(file, seriesError('pnl_funding', pick(c.pnlByComponent.funding!), f.steps.pnl_funding!))
    expectClose(file, seriesError('equity', pick(c.equity), f.steps.equity!))
    expectClose(file, seriesError('leverage', pick(s.leverage), f.steps.leverage!))
    expectClose(file, seriesError('z_slope', pick(r.zSlope), f.steps.z_slope!, 1e-12))
    expectClose(file, seriesError('z_fly', pick(r.zFly), f.steps.z_fly!, 1e-12))
    expect(pick(r.dv01Hit)).toEqual(f.steps.constraint_hit_dv01)
    expect(pick(r.leverageScaled)).toEqual(f.steps.constraint_hit_leverage)
    expect(pick(r.delever)).toEqual(f.steps.override_delever)
    expect(pick(s.stopped)).toEqual(f.steps.stopped)

    const report = yieldCurveReport(run, config)
    for (const [key, value] of Object.entries(f.summary)) {
      if (value === null) expect(report.metrics[key], key).toBeNull()
      else expectClose(file, seriesError(`summary.${key}`, [report.metrics[key]!], [value], 1e-12))
    }
    expect(Object.keys(report.metrics)).toEqual(Object.keys(f.summary))
    const telemetry = report.telemetry as Record<string, number>
    for (const [key, value] of Object.entries(f.telemetry)) expectClose(file, seriesError(`telemetry.${key}`, [telemetry[key]!], [value]))
    const names = yieldCurveLab.actions
    const counts = Object.fromEntries(names.map((a) => [a, 0]))
    for (const a of c.action) counts[names[a]!]!++
    expect(counts).toEqual(f.actionCounts)
  })
})

describe('yield-curve reproduces the published reference values (seed 11, faithful defaults)', () => {
  it('final equity 25,433,860.785, total execution cost 130.0856, actions FLATTENER 329 / FLAT 312 / STEEPENER 256 / BUTTERFLY 2', async () => {
    const config = resolveLabConfig(yieldCurveLab, 'faithful', {})
    const run = await runCollected(yieldCurveLab, config)
    const m = yieldCurveReport(run, config).metrics
    expect(m['Final equity']).toBeCloseTo(25_433_860.785, 3)
    expect(m['Total execution cost']).toBeCloseTo(130.0856, 4)
    expect(m['Sharpe (synthetic scaling)']).toBeCloseTo(4.87, 2)
    expect(m['Max drawdown']).toBeCloseTo(-0.0636, 4)
    expect(m['Leverage scaling events']).toBe(587)
    expect(m['Max leverage observed']).toBeCloseTo(31.4, 1)
    const counts = Object.fromEntries(yieldCurveLab.actions.map((a) => [a, 0]))
    for (const a of run.columns.action) counts[yieldCurveLab.actions[a]!]!++
    expect(counts).toEqual({ FLAT: 312, STEEPENER: 256, FLATTENER: 329, BUTTERFLY: 2 })
  })

  it('starts from the spec’s t = 0 curve and bonds: y (0.02514, 0.01961, 0.01988), DV01 (1.97e−4, 9.96e−4, 2.87e−3), prices (1.0288, 1.1844, 1.4530)', () => {
    const m = yieldMarket(resolveLabConfig(yieldCurveLab, 'faithful', {}))
    expect([m.y2[0], m.y10[0], m.y30[0]].map((y) => Number(y!.toFixed(5)))).toEqual([0.02514, 0.01961, 0.01988])
    expect(Array.from(m.dv01.subarray(0, 3), (d) => Number(d.toPrecision(3)))).toEqual([1.97e-4, 9.96e-4, 2.87e-3])
    expect(Array.from(m.price.subarray(0, 3), (p) => Number(p.toFixed(4)))).toEqual([1.0288, 1.1844, 1.453])
    expect(bondPrice(m.y10[0]!, 10)).toBe(m.price[1])
    expect(bondDv01(m.y10[0]!, 10)).toBe(m.dv01[1])
    expect([m.termPremium[0], m.vol[0], m.liq[0]]).toEqual([TERM_PREMIUM0, VOL0, LIQ0])
  })
})

describe('yield-curve report as the engine folds it', () => {
  it('keeps only the columns it reads, and equals the report over the whole run', async () => {
    for (const overrides of [{}, { seed: 3, T: 300, 'risk_params.max_dd_stop': 0.01 }, { seed: 5, T: 300, 'risk_params.delever_threshold': 0.999 }]) {
      const config = resolveLabConfig(yieldCurveLab, 'faithful', overrides)
      const market = yieldCurveLab.market(config, {})
      const report = yieldCurveLab.report(config, market)
      const folded = report.finish(await runCollected(yieldCurveLab, config, { market, sinks: [report] }))
      expect(folded).toEqual(yieldCurveReport(await runCollected(yieldCurveLab, config), config))
    }
  })
})
