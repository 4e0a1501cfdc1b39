import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import type { OilCurveConfig } from './config'
import { oilCurveLab } from './lab'
import { LEG_COUNT, oilMarket, type OilMarket } from './market'
import { notebookRows, oilCurveReport } from './metrics'
import { writeCurve } from './surface'
import { runFixtures, seriesError, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER 2, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code for one seed and config.

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

/** Within 1e-9 relative everywhere; `bitExact` where the notebook's arithmetic is replayed operation for operation. */
function expectClose(fixture: string, error: SeriesError, bitExact = false): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
  if (bitExact) expect(error.identical, `${fixture} ${error.series}: bit-identical points`).toBe(error.n)
}

/** The rows (or states) a fixture kept: all, or those its `index` lists. */
const kept = <T>(values: ArrayLike<T>, index: number[] | undefined, n: number): T[] => (index ?? Array.from({ length: n }, (_, i) => i)).map((i) => values[i]!)

function curves(m: OilMarket, config: OilCurveConfig, states: number[]): number[] {
  const out = new Float64Array(config.market.M)
  return states.flatMap((t) => {
    writeCurve(config, m.spot[t]!, m.cy[t]!, t, out)
    return Array.from(out)
  })
}

afterAll(() => {
  const lines = table.map(
    (r) => `${r.fixture.padEnd(32)} ${r.series.padEnd(16)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.OIL_PARITY_REPORT) console.log(lines.join('\n'))
})

describe.each(fixtures.map((f) => [f.file, f] as const))('oil-curve faithful matches the notebook: %s', (file, f: RunFixture) => {
  const config = resolveLabConfig(oilCurveLab, 'faithful', f.overrides)

  it('takes the notebook config, keys and nesting included', () => {
    expect(config.T).toBe(f.config.T)
    expect(config.market.M).toBe(f.config.market.M)
    const { seed, T, decision_every, market, env, policy } = f.config as unknown as OilCurveConfig
    expect({ seed, T, decision_every, market, env, policy }).toEqual({ seed: config.seed, T: config.T, decision_every: config.decision_every, market: config.market, env: config.env, policy: config.policy })
  })

  it('simulates the same spot, inventory, convenience yield and curve from the seed (legacy MT19937 draw order)', () => {
    const m = oilMarket(config)
    const states = f.market.index ?? Array.from({ length: f.summary.steps! + 1 }, (_, i) => i)
    expect(f.market.t).toEqual(states)
    expectClose(file, seriesError('spot', kept(m.spot, states, 0), f.market.spot), true)
    expectClose(file, seriesError('inv_z', kept(m.inventory, states, 0), f.market.inv_z), true)
    expectClose(file, seriesError('cy', kept(m.cy, states, 0), f.market.convenience_yield), true)
    expectClose(file, seriesError('futures', curves(m, config, states), f.market.futures.flat()), true)
    const front = states.flatMap((t) => Array.from(m.front.subarray(t * LEG_COUNT, t * LEG_COUNT + LEG_COUNT)))
    expectClose(file, seriesError('front', front, f.market.futures.flatMap((row) => row.slice(0, LEG_COUNT))), true)
  })

  it('takes the same actions and books the same positions, costs, P&L and equity at every step', async () => {
    const run = await runCollected(oilCurveLab, config)
    const n = f.summary.steps!
    expect(run.steps).toBe(n)
    expect(run.halted).toBe(f.stopped)
    const rows = notebookRows(run)
    const idx = f.steps.index
    const c = run.columns
    expect(kept(Array.from(c.action, (i) => oilCurveLab.actions[i]!), idx, n)).toEqual(f.steps.action)
    for (let leg = 0; leg < LEG_COUNT; leg++) {
      const position = Array.from({ length: n }, (_, t) => c.position[t * LEG_COUNT + leg]!)
      expectClose(file, seriesError(`F${leg + 1}`, kept(position, idx, n), f.steps[`F${leg + 1}`]!))
    }
    expectClose(file, seriesError('costs', kept(rows.costs, idx, n), f.steps.costs!))
    expectClose(file, seriesError('pnl_step', kept(rows.pnlStep, idx, n), f.steps.pnl_step!))
    // Equity differs in the last bits: the kernel adds each mark and cost to equity, the notebook
    // adds (pnl_step − costs) to a running P&L and then the notional.
    expectClose(file, seriesError('equity', kept(rows.equity, idx, n), f.steps.equity!))
    const m = run.market
    const post = (a: Float64Array) => kept(Array.from({ length: n }, (_, k) => a[k + 1]!), idx, n)
    expectClose(file, seriesError('contango_score', post(m.contangoScore), f.steps.contango_score!), true)
    expectClose(file, seriesError('slope_1_6', post(m.slope16), f.steps.slope_1_6!), true)
    expectClose(file, seriesError('roll_long_front', post(m.rollLongFront), f.steps.roll_long_front!), true)

    // the gross cap is the gate's: one leverage_scale event per step it scaled (the capped case: every step)
    const scaled = run.events.filter((e) => e.rule === 'leverage_scale').length
    expect(scaled).toBe(file.includes('capped') ? n : 0)
    expect(run.events.filter((e) => e.rule === 'drawdown_stop').length).toBe(f.stopped ? 1 : 0)

    const report = oilCurveReport(run, config)
    for (const [key, value] of Object.entries(f.summary)) expectClose(file, seriesError(`summary.${key}`, [report.metrics[key]!], [value]))
    expect(report.telemetry.regime_counts).toEqual(f.regimeCounts)
    expect(report.telemetry.action_counts).toEqual(f.actionCounts)
  })
})

describe('oil-curve reproduces the published reference values (seed 7, faithful defaults)', () => {
  it('the initial curve [84.15, 84.00, 82.87, 81.09], its slopes and the seed-7 run (spec §3.3)', async () => {
    const config = resolveLabConfig(oilCurveLab, 'faithful', {})
    const run = await runCollected(oilCurveLab, config)
    const surface = oilCurveLab.surface(run.market, 0, config)
    expect(surface.axes.map((a) => a.name)).toEqual(['maturity'])
    expect(Array.from(surface.values.subarray(0, 4), (v) => Math.round(v * 100) / 100)).toEqual([84.15, 84.0, 82.87, 81.09])
    const m = run.market
    expect(m.spot[0]).toBe(80)
    expect(m.cy[0]).toBe(0.08)
    expect(m.slope16[0]! * 100).toBeCloseTo(-7.63, 2)
    expect(m.slope112[0]! * 100).toBeCloseTo(1.41, 2)
    expect(m.contangoScore[0]! * 100).toBeCloseTo(-4.92, 2)
    expect(m.rollLongFront[0]! * 100).toBeCloseTo(0.18, 2)

    const report = oilCurveReport(run, config)
    const s = report.metrics
    expect(s.steps).toBe(400)
    expect(s.final_equity).toBeCloseTo(1_000_276.036984, 6)
    expect(s.max_drawdown).toBeCloseTo(0.00123, 5)
    expect(s.win_rate).toBe(0.52)
    expect(s.sharpe_proxy).toBeCloseTo(0.24, 3)
    const t = report.telemetry as { total_costs: number; contango_score_range: number[]; spot_range: number[]; convenience_yield_range: number[] }
    expect(t.total_costs).toBeCloseTo(516.87, 2)
    expect(report.telemetry.action_counts).toEqual({ SPREAD_L1_S2: 400 })
    expect(report.telemetry.regime_counts).toEqual({ BACKWARDATION: 400 })
    expect(t.contango_score_range.map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-0.0723, -0.0373])
    expect(t.spot_range.map((v) => Math.round(v * 10) / 10)).toEqual([38.5, 89.4])
    expect(t.convenience_yield_range.map((v) => Math.round(v * 1e3) / 1e3)).toEqual([0.059, 0.123])
  })
})

describe('oil-curve report as the engine folds it', () => {
  it('keeps only the columns it reads, and equals the report over the whole run (stop and cadence included)', async () => {
    const floor = fixtures.find((f) => f.file === 'ch2-seed4-T150-floor.json')!
    for (const overrides of [{}, floor.overrides, { decision_every: 5, 'env.max_gross_leverage': 0.3 }, { T: 120 }]) {
      for (const preset of ['faithful', 'corrected'] as const) {
        const config = resolveLabConfig(oilCurveLab, preset, overrides)
        const market = oilCurveLab.market(config, {})
        const report = oilCurveLab.report(config, market)
        const folded = report.finish(await runCollected(oilCurveLab, config, { market, sinks: [report] }))
        expect(folded).toEqual(oilCurveReport(await runCollected(oilCurveLab, config), config))
      }
    }
  })
})
