import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { equityFactorsLab } from './lab'
import { equityMarket, writeCorr, writeSigma } from './market'
import { equityFactorsReport } from './metrics'
import { EQUITY_FACTORS_ACTIONS } from './policy'
import { runFixtures, seriesError, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER_7, MIT): every fixture
// under __fixtures__ was produced by the notebook's own code for one seed and config, LLM off,
// with NumPy 2.4.6 on scipy-openblas (its dgesdd is reproduced in engine/rng/gesdd.ts; its BLAS
// kernels sum in their own order, so a few ulps separate the draws: within 1e-9 relative, not bits).

const fixtures = runFixtures()
const table: Array<SeriesError & { fixture: string }> = []

function expectClose(fixture: string, error: SeriesError): void {
  table.push({ fixture, ...error })
  expect(error.outside, `${fixture} ${error.series}: max rel ${error.maxRel}, max abs ${error.maxAbs}`).toBe(0)
}

afterAll(() => {
  const lines = table.map(
    (r) => `${r.fixture.padEnd(32)} ${r.series.padEnd(16)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.EQUITY_PARITY_REPORT) console.log(lines.join('\n'))
})

const held = (f: RunFixture): number[] => f.steps.t!

describe.each(fixtures.map((f) => [f.file, f] as const))('equity-factors faithful matches the notebook: %s', (file, f) => {
  const config = resolveLabConfig(equityFactorsLab, 'faithful', f.overrides)

  it('simulates the same regimes, dispersion, Σ_t, C_t, factor returns and momentum (legacy MT19937, SVD-based multivariate_normal)', () => {
    const m = equityMarket(config)
    expect(Array.from(m.regime).join('')).toBe(f.market.regime)
    const at = f.market.t
    expectClose(file, seriesError('disp', at.map((t) => m.disp[t]!), f.market.disp))
    expectClose(file, seriesError('avg_corr', at.map((t) => m.avgCorr[t]!), f.market.avg_corr))
    expectClose(file, seriesError('factor_ret', at.flatMap((t) => Array.from(m.ret.subarray(t * 8, t * 8 + 8))), f.market.factor_ret.flat(), 1e-15))
    expectClose(file, seriesError('mom', f.market.mom_t.flatMap((t) => Array.from(m.mom.subarray(t * 8, t * 8 + 8))), f.market.mom.flat(), 1e-15))
    const sigma = new Float64Array(64)
    const corr = new Float64Array(64)
    f.market.matrix_t.forEach((t, i) => {
      writeSigma(m, t, sigma)
      writeCorr(m, t, corr)
      // the notebook's eigh "PSD repair" rebuilds C_t within a few ulps of the blend the lab uses
      expectClose(file, seriesError(`Sigma_${t}`, sigma, f.market.Sigma[i]!, 1e-18))
      expectClose(file, seriesError(`Corr_${t}`, corr, f.market.Corr[i]!, 1e-15))
    })
  })

  it('takes the same actions and books the same weights, costs, P&L and equity at every step', async () => {
    const run = await runCollected(equityFactorsLab, config)
    const c = run.columns
    expect(run.steps).toBe(config.T)
    const steps = held(f)
    const pick = (a: ArrayLike<number>) => steps.map((k) => a[k]!)
    expect(pick(c.action)).toEqual(f.steps.action)
    expect(pick(c.regime)).toEqual(f.steps.regime)
    expect(pick(c.source).map((s) => (s === 3 ? 1 : 0))).toEqual(f.steps.override_applied)
    expectClose(file, seriesError('equity_post', pick(c.equity), f.steps.equity_post!))
    expectClose(file, seriesError('dd_post', pick(c.drawdown), f.steps.dd_post!, 1e-15))
    expectClose(file, seriesError('costs', pick(c.cost), f.steps.costs!))
    expectClose(file, seriesError('lin_cost', pick(c.costByComponent.lin_cost!), f.steps.lin_cost!))
    expectClose(file, seriesError('impact', pick(c.costByComponent.impact!), f.steps.impact!))
    expectClose(file, seriesError('pnl', pick(c.pnlByComponent.factor!), f.steps.pnl!))
    if (f.steps.w_post) expectClose(file, seriesError('w_post', steps.flatMap((k) => Array.from(c.position.subarray(k * 8, k * 8 + 8))), f.steps.w_post.flat(), 1e-15))
  })

  it('reports the notebook summary under its own names, with its action and regime counts', async () => {
    const run = await runCollected(equityFactorsLab, config)
    const { metrics, telemetry } = equityFactorsReport(run, config)
    for (const [key, expected] of Object.entries(f.summary)) {
      expect(metrics, key).toHaveProperty(key)
      expectClose(file, seriesError(key, [metrics[key]!], [expected!], 1e-12))
    }
    const counts = Object.fromEntries(EQUITY_FACTORS_ACTIONS.map((a, i) => [a, Array.from(run.columns.action).filter((x) => x === i).length]))
    expect(counts).toEqual(f.actionCounts)
    expect(telemetry.action_source_counts).toEqual(f.actionSourceCounts)
  })
})

describe('equity-factors published values (spec §3.8, [repro] baseline seed 7)', () => {
  it('seed 7: final equity 968,890.766, max drawdown 0.115409, costs 31,456.97, LOW_CORR_BASKET at all 200 steps', async () => {
    const config = resolveLabConfig(equityFactorsLab, 'faithful', {})
    const run = await runCollected(equityFactorsLab, config)
    const { metrics } = equityFactorsReport(run, config)
    expect(metrics.final_equity!).toBeCloseTo(968890.766, 3)
    expect(metrics.max_drawdown!).toBeCloseTo(0.115409, 6)
    expect(metrics.cum_costs!).toBeCloseTo(31456.97, 2)
    expect(Array.from(run.columns.action).every((a) => a === 0)).toBe(true)
    expect(run.steps).toBe(200)
  })
})
