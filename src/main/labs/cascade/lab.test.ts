import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { NOTEBOOK_FAILURE, cascadeLab } from './lab'
import { cascadeMarket } from './market'
import { cascadeReport } from './metrics'
import { runFixtures, seriesError, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER_10, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code for one seed and config, LLM off.

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

function expectClose(fixture: string, error: SeriesError, bitExact = false): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
  if (bitExact) expect(error.identical, `${fixture} ${error.series}: bit-identical points`).toBe(error.n)
}

afterAll(() => {
  const lines = table.map(
    (r) => `${r.fixture.padEnd(36)} ${r.series.padEnd(20)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.CASCADE_PARITY_REPORT) console.log(lines.join('\n'))
})

const STEP_SERIES = [
  ['price', 'price'],
  ['cascade_pressure', 'cascadePressure'],
  ['avg_distress', 'avgDistress'],
  ['max_distress', 'maxDistress'],
  ['forced_sale_total', 'forcedSaleTotal'],
  ['impact_component', 'impact']
] as const

describe.each(fixtures.map((f) => [f.file, f] as const))('cascade faithful matches the notebook: %s', (file, f: RunFixture) => {
  const config = resolveLabConfig(cascadeLab, 'faithful', f.overrides)

  it('simulates the same regimes and states (default_rng(seed): choice, then funding, margin, risk aversion)', () => {
    const m = cascadeMarket(config)
    expect(Array.from(m.regime).join('')).toBe(f.market.regime)
    expectClose(file, seriesError('funding_rate', m.funding, f.market.funding_rate), true)
    expectClose(file, seriesError('margin_tight', m.margin, f.market.margin_tight), true)
    expectClose(file, seriesError('risk_aversion', m.riskAversion, f.market.risk_aversion), true)
  })

  it('builds the same institutions and exposure graph, and steps them the same way (default_rng(seed + 11 + t))', () => {
    const m = cascadeMarket(config)
    expectClose(file, seriesError('W', m.W, f.system0.W.flat()), true)
    expectClose(file, seriesError('inst_equity0', m.equity0, f.system0.inst_equity), true)
    expectClose(file, seriesError('inst_leverage0', m.leverage0, f.system0.inst_leverage), true)
    expectClose(file, seriesError('inst_risk0', m.risk0, f.system0.inst_risk), true)
    const N = m.N
    const at = f.institutions.t
    const rows = (a: Float64Array) => at.flatMap((t) => Array.from(a.subarray(t * N, (t + 1) * N)))
    expectClose(file, seriesError('inst_equity', rows(m.equity), f.institutions.inst_equity.flat()))
    expectClose(file, seriesError('inst_leverage', rows(m.leverage), f.institutions.inst_leverage.flat()))
    expectClose(file, seriesError('inst_risk', rows(m.risk), f.institutions.inst_risk.flat()))
    expectClose(file, seriesError('distress', rows(m.distress), f.institutions.distress.flat()))
    const n = f.stepsLogged
    for (const [key, field] of STEP_SERIES) expectClose(file, seriesError(key, m[field].subarray(0, n), f.steps[key]!))
    expect(Array.from(m.insolventCount.subarray(0, n))).toEqual(f.steps.insolvent_count)
  })

  it('takes the same actions and books the same trades, positions, costs, P&L and equity at every logged step', async () => {
    const run = await runCollected(cascadeLab, config)
    const s = run.market.run
    const n = f.stepsLogged
    expect(run.steps).toBe(n)
    expect(Array.from(run.columns.action)).toEqual(f.steps.action)
    expect(Array.from(run.columns.regime)).toEqual(f.steps.regime)
    expectClose(file, seriesError('pos', run.columns.position, f.steps.pos!))
    expectClose(file, seriesError('trade', s.trade.subarray(0, n), f.steps.trade!))
    expectClose(file, seriesError('cost', run.columns.cost, f.steps.cost!))
    expectClose(file, seriesError('equity', s.equityAt.subarray(0, n), f.steps.equity!))
    expectClose(file, seriesError('equity (ledger)', run.columns.equity, f.steps.equity!))
    expectClose(file, seriesError('cum_cost', s.cumCostAt.subarray(0, n), f.steps.cum_cost!))
    expectClose(file, seriesError('dd', s.dd.subarray(0, n), f.steps.dd!))
    // the notebook's pnl: the carried book's mark, and at t = 0 the opening position's, booked at execution
    expectClose(file, seriesError('pnl', run.columns.pnlByComponent.price!, f.steps.pnl!))
    expect(Array.from(s.stopFlag.subarray(0, n))).toEqual(f.steps.stop_flag)

    // the notebook's failure, if it had one, is where the run halts, named
    expect(run.halted).toBe(f.failure !== null)
    if (f.failure !== null) {
      expect(run.haltReason).toBe(NOTEBOOK_FAILURE(n - 1))
      expect(run.haltReason).toContain(f.failure)
    } else expect(run.haltReason).toBeUndefined()

    const report = cascadeReport(run, config)
    expect(Object.keys(report.metrics)).toEqual(Object.keys(f.summary))
    for (const [key, value] of Object.entries(f.summary)) {
      if (value === null) expect(report.metrics[key], key).toBeNull()
      else expectClose(file, seriesError(`summary.${key}`, [report.metrics[key]!], [value], 1e-15))
    }
    const counts = Object.fromEntries(cascadeLab.actions.map((a) => [a, 0]))
    for (const a of run.columns.action) counts[cascadeLab.actions[a]!]!++
    expect(counts).toEqual(f.actionCounts)
  })
})

describe('cascade reproduces the published reference values (seed 10, faithful defaults)', () => {
  it('Total return −7.1029e−5, Max drawdown 7.1029e−5, HOLD 100; regimes calm 31 / transition 59 / stress 10', async () => {
    const config = resolveLabConfig(cascadeLab, 'faithful', {})
    const run = await runCollected(cascadeLab, config)
    const m = cascadeReport(run, config).metrics
    expect(m['Total return']!.toExponential(4)).toBe('-7.1029e-5')
    expect(m['Max drawdown']!.toExponential(4)).toBe('7.1029e-5')
    expect(m['Stress regime fraction']).toBe(0.1)
    const counts = Object.fromEntries(cascadeLab.actions.map((a) => [a, 0]))
    for (const a of run.columns.action) counts[cascadeLab.actions[a]!]!++
    expect(counts).toEqual({ DELEVER: 0, HOLD: 100, EMERGENCY_EXIT: 0 })
    expect(run.halted).toBe(false)
    // spec [repro]: the price falls from 100 to about 11 over the run
    expect(run.market.price[99]!).toBeCloseTo(11.05, 2)
  })

  it('max_dd_stop 5e-5: the stop fires at t = 68 and the run halts there, 69 steps logged, the notebook’s KeyError named', async () => {
    const config = resolveLabConfig(cascadeLab, 'faithful', { 'risk_params.max_dd_stop': 5e-5 })
    const run = await runCollected(cascadeLab, config)
    expect([run.halted, run.steps, run.plannedSteps]).toEqual([true, 69, 100])
    expect(run.market.run.stoppedAt).toBe(68)
    expect(run.haltReason).toMatch(/^the notebook raises KeyError: 'dd' at t = 69/)
    // the metrics of the logged steps are still there
    expect(cascadeReport(run, config).metrics['Total return']).toBeLessThan(0)
  })
})

describe('cascade report as the engine folds it', () => {
  it('keeps only the columns it reads, and equals the report over the whole run', async () => {
    for (const overrides of [{}, { 'risk_params.max_dd_stop': 5e-5 }, { seed: 3, T: 250, 'risk_params.pos_limit': 0.5 }]) {
      const config = resolveLabConfig(cascadeLab, 'faithful', overrides)
      const market = cascadeLab.market(config, {})
      const report = cascadeLab.report(config, market)
      const folded = report.finish(await runCollected(cascadeLab, config, { market, sinks: [report] }))
      expect(folded).toEqual(cascadeReport(await runCollected(cascadeLab, config), config))
    }
  })
})
