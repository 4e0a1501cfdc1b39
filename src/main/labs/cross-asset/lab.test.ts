import { afterAll, describe, expect, it } from 'vitest'
import { resolveLabConfig, runCollected } from '../../engine/kernel'
import { RandomState } from '../../engine/rng/mt19937'
import { surfaceFrames, surfaceSource } from '../surfaces'
import { crossAssetLab } from './lab'
import { A, crossAssetMarket, type CrossAssetMarket } from './market'
import { crossAssetReport, turnoverSeries } from './metrics'
import { CrossAssetObservation, LEGS, couplingPenalty, targetOf } from './policy'
import { runFixtures, seriesError, tProbe, type RunFixture, type SeriesError } from './test-fixtures'

// Parity with the notebook (alexdibol/markets_for_traders @5b8cc6d, CHAPTER_9, MIT): every fixture
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
    (r) => `${r.fixture.padEnd(34)} ${r.series.padEnd(24)} n=${String(r.n).padStart(5)} identical=${String(r.identical).padStart(5)} maxAbs=${r.maxAbs.toExponential(2)} maxRel=${r.maxRel.toExponential(2)}`
  )
  if (process.env.CROSS_ASSET_PARITY_REPORT) console.log(lines.join('\n'))
})

const held = (f: RunFixture): number[] => f.steps.t!

describe.each(fixtures.map((f) => [f.file, f] as const))('cross-asset faithful matches the notebook: %s', (file, f) => {
  const config = resolveLabConfig(crossAssetLab, 'faithful', f.overrides)

  it('simulates the same regimes, stress factor and returns from the seed (NumPy legacy MT19937, Cholesky as OpenBLAS dpotf2)', () => {
    const m = crossAssetMarket(config)
    expect(Array.from(m.regime).join('')).toBe(f.market.regime)
    const at = f.market.t!
    expectClose(file, seriesError('stress', at.map((t) => m.stress[t]!), f.market.stress!), true)
    // np.exp over an array is NumPy's SIMD exp (SVML on AVX-512), within an ulp of glibc's exp used here
    expectClose(file, seriesError('stress_level', at.map((t) => m.stressLevel[t]!), f.market.stress_level!))
    expectClose(file, seriesError('rets', at.flatMap((t) => Array.from(m.rets.subarray(t * A, (t + 1) * A))), f.market.rets.flat()), true)
  })

  it('observes the same rolling covariance and coupling summaries', () => {
    const m = crossAssetMarket(config)
    const at = f.market.t!
    expectClose(file, seriesError('cov', f.market.cov_t.flatMap((t) => Array.from(m.cov.subarray(t * A * A, (t + 1) * A * A))), f.market.cov.flat()), true)
    expectClose(file, seriesError('avg_corr', at.map((t) => m.avgCorr[t]!), f.market.avg_corr!), true)
    expectClose(file, seriesError('eq_rates_corr', at.map((t) => m.eqRatesCorr[t]!), f.market.eq_rates_corr!), true)
    // eigvalsh is LAPACK's dsyevd; the Jacobi eigenvalues here agree to the last bits
    expectClose(file, seriesError('top_eig_share', at.map((t) => m.topEigShare[t]!), f.market.top_eig_share!))
  })

  it('takes the same actions and books the same targets, positions, turnover, costs, P&L and equity at every step', async () => {
    const run = await runCollected(crossAssetLab, config)
    const c = run.columns
    expect(run.steps).toBe(config.T)
    expect(run.halted).toBe(false)
    const steps = held(f)
    const pick = (a: ArrayLike<number>) => steps.map((k) => a[k]!)
    expect(pick(c.action)).toEqual(f.steps.action)
    expect(pick(c.regime)).toEqual(f.steps.regime)
    LEGS.forEach((leg, i) => {
      expectClose(file, seriesError(`position.${leg}`, steps.map((k) => c.position[k * A + i]!), f.steps.position.map((p) => p[i]!)))
    })
    expectClose(file, seriesError('turnover', pick(turnoverSeries(run)), f.steps.turnover!))
    expectClose(file, seriesError('costs', pick(c.cost), f.steps.costs!))
    expectClose(file, seriesError('pnl', pick(c.pnlByComponent.holdings!), f.steps.pnl!))
    expectClose(file, seriesError('leverage', pick(c.leverage), f.steps.leverage!))
    expectClose(file, seriesError('equity', pick(c.equity), f.steps.equity!))
    expectClose(file, seriesError('drawdown', pick(c.drawdown), f.steps.drawdown!))

    const report = crossAssetReport(run, config)
    const numeric = Object.entries(f.summary).filter(([k]) => k !== 'verification_status') as Array<[string, number]>
    expect(Object.keys(report.metrics)).toEqual(numeric.map(([k]) => k))
    for (const [key, value] of numeric) expectClose(file, seriesError(`summary.${key}`, [report.metrics[key]!], [value]))
    const names = crossAssetLab.actions
    const counts = Object.fromEntries(names.map((a) => [a, 0]))
    for (const a of c.action) counts[names[a]!]!++
    expect(counts).toEqual(f.actionCounts)
    expect((report.telemetry as { regime_counts: Record<string, number> }).regime_counts).toEqual(f.regimeCounts)
  })

  it('maps each step’s action to the notebook’s surface-referenced target, before the stop and the caps', () => {
    const market = crossAssetMarket(config)
    const o = new CrossAssetObservation(config)
    const out = new Float64Array(A)
    const context = { config, market } as unknown as Parameters<typeof targetOf>[2]
    const actual: number[] = []
    held(f).forEach((t, k) => {
      o.t = t
      o.topEigShare = market.topEigShare[t]!
      o.drawdown = 0 // the env's stop comes after action_to_target
      targetOf(crossAssetLab.actions[f.steps.action![k]!]!, o, context, out)
      actual.push(...out)
    })
    expectClose(file, seriesError('target', actual, f.steps.target.flat()))
  })
})

describe('cross-asset reproduces the published reference values (seed 9, faithful defaults)', () => {
  it('final_equity 1.03666057, max_drawdown 0.057513, total_costs 0.003136, RISK_OFF 95 / NEUTRAL 3 / RISK_ON 2, avg_leverage 0.745', async () => {
    const config = resolveLabConfig(crossAssetLab, 'faithful', {})
    const run = await runCollected(crossAssetLab, config)
    const m = crossAssetReport(run, config).metrics
    expect(m.final_equity).toBeCloseTo(1.03666057, 8)
    expect(m.max_drawdown).toBeCloseTo(0.057513, 6)
    expect(m.total_costs).toBeCloseTo(0.003136, 6)
    expect(m.avg_leverage).toBeCloseTo(0.745, 3)
    const counts = Object.fromEntries(crossAssetLab.actions.map((a) => [a, 0]))
    for (const a of run.columns.action) counts[crossAssetLab.actions[a]!]!++
    expect(counts).toEqual({ RISK_ON: 2, RISK_OFF: 95, NEUTRAL: 3 })
  })

  it('has the spec’s regime counts and summaries at seed 9: calm 61 / transition 19 / stress 20, stress_level 0.0960–0.9964', () => {
    const m = crossAssetMarket(resolveLabConfig(crossAssetLab, 'faithful', {}))
    const counts = [0, 0, 0]
    for (const r of m.regime) counts[r]!++
    expect(counts).toEqual([61, 19, 20])
    expect(Math.min(...m.stressLevel)).toBeCloseTo(0.096, 4)
    expect(Math.max(...m.stressLevel)).toBeCloseTo(0.9964, 4)
  })
})

describe('cross-asset reproduces the spec’s seed ensemble (seeds 1–20, faithful defaults, spec §5.8)', () => {
  /** np.percentile's default (linear) interpolation. */
  const percentile = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b)
    const h = (s.length - 1) * p
    const lo = Math.floor(h)
    return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!)
  }

  it('final equity q10/50/90 0.9848 / 1.0293 / 1.0774, max drawdown 2.2% / 4.1% / 6.1%, costs 0.0012 / 0.0050 / 0.0106', async () => {
    const finals: number[] = []
    const drawdowns: number[] = []
    const costs: number[] = []
    for (let seed = 1; seed <= 20; seed++) {
      const config = resolveLabConfig(crossAssetLab, 'faithful', { seed })
      const m = crossAssetReport(await runCollected(crossAssetLab, config), config).metrics
      finals.push(m.final_equity!)
      drawdowns.push(m.max_drawdown!)
      costs.push(m.total_costs!)
    }
    const q = (xs: number[], digits: number) => [0.1, 0.5, 0.9].map((p) => Number(percentile(xs, p).toFixed(digits)))
    expect(q(finals, 4)).toEqual([0.9848, 1.0293, 1.0774])
    expect(q(drawdowns, 3)).toEqual([0.022, 0.041, 0.061])
    expect(q(costs, 4)).toEqual([0.0012, 0.005, 0.0106])
  })
})

describe('cross-asset surface as the Surface view gets it', () => {
  it('is the observed correlation heatmap, with the coupling summaries of each step after the generic ones', () => {
    const spec = { task: 'lab' as const, lab: 'cross-asset', preset: 'faithful', overrides: {} }
    const result = surfaceFrames(surfaceSource(spec), { from: 0, count: 100, stride: 1, frames: true })
    expect(result.layout).toBe('grid')
    expect(result.axes.map((a) => a.labels)).toEqual([LEGS, LEGS])
    expect(result.summaries.map((s) => s.name)).toEqual(['mean', 'min', 'max', 'range', 'slope (versus)', 'avg_corr', 'top_eig_share', 'eq_rates_corr', 'stress_level'])
    const m = crossAssetMarket(resolveLabConfig(crossAssetLab, 'faithful', {}))
    const byName = Object.fromEntries(result.summaries.map((s) => [s.name, Array.from(s.values)]))
    expect(byName.avg_corr).toEqual(Array.from(m.avgCorr))
    expect(byName.top_eig_share).toEqual(Array.from(m.topEigShare))
    expect(byName.eq_rates_corr).toEqual(Array.from(m.eqRatesCorr))
    // the frame's EQUITY–RATES cell is the notebook's eq_rates_corr up to its 1e−12 jitter
    for (let t = 5; t < 100; t++) expect(result.frames![t * 16 + 1]).toBeCloseTo(m.eqRatesCorr[t]!, 9)
  })
})

describe('cross-asset golden vectors (book ch.9 spec §9, no RNG)', () => {
  it('coupling penalty at share 0.25 / 0.35 / 0.50 / 0.58 / 0.75 / 0.90 / 1.0 is 1.0 / 1.0 / 0.9175 / 0.8735 / 0.78 / 0.6975 / 0.6425', () => {
    expect([0.25, 0.35, 0.5, 0.58, 0.75, 0.9, 1.0].map((s) => Number(couplingPenalty(s).toFixed(4)))).toEqual([1.0, 1.0, 0.9175, 0.8735, 0.78, 0.6975, 0.6425])
  })

  it('risk-parity targets with cov = diag(idio_σ)² and gross 1: RISK_ON [.2913, −.2060, .3035, .1992], RISK_OFF [−.1241, .6207, −.1358, −.1194]', () => {
    const config = resolveLabConfig(crossAssetLab, 'faithful', {})
    const cov = new Float64Array(16)
    ;[1.0, 0.55, 0.8, 0.65].forEach((s, i) => (cov[i * 5] = s * s))
    const market = { cov } as unknown as CrossAssetMarket
    const o = new CrossAssetObservation(config)
    o.topEigShare = 0.2 // below the knee: gross 1
    const out = new Float64Array(4)
    const context = { t: 0, config, market } as unknown as Parameters<typeof targetOf>[2]
    targetOf('RISK_ON', o, context, out)
    expect(Array.from(out, (x) => Number(x.toFixed(4)))).toEqual([0.2913, -0.206, 0.3035, 0.1992])
    targetOf('RISK_OFF', o, context, out)
    expect(Array.from(out, (x) => Number(x.toFixed(4)))).toEqual([-0.1241, 0.6207, -0.1358, -0.1194])
  })

  it('costs a turnover of 1 at stress_level 0.8 and avg_corr 0.3: calm 1.5e−4 + 5.148e−4, stress 4.5e−4 + 1.5444e−3', () => {
    const config = resolveLabConfig(crossAssetLab, 'faithful', {})
    const execution = crossAssetLab.execution(config)
    const trade = Float64Array.from([0.25, -0.25, 0.25, -0.25])
    const cost = new Float64Array(2)
    const pnl = new Float64Array(1)
    for (const [regime, prop, impact] of [
      [0, 1.5e-4, 5.148e-4],
      [2, 4.5e-4, 1.5444e-3]
    ] as const) {
      const market = { regime: Int32Array.of(regime), stressLevel: Float64Array.of(0.8), avgCorr: Float64Array.of(0.3), rets: new Float64Array(4) }
      const total = execution.execute(trade, { t: 0, config, market, position: new Float64Array(4) } as never, cost, pnl)
      expect(cost[0]).toBeCloseTo(prop, 12)
      expect(cost[1]).toBeCloseTo(impact, 12)
      expect(total).toBeCloseTo(prop + impact, 12)
    }
  })
})

describe('NumPy legacy standard_t and standard_gamma (RandomState)', () => {
  it('replays NumPy’s stream, interleaved with normal and rand draws (exact for shape ≥ 1; Math.pow within an ulp of glibc’s below)', () => {
    for (const [seed, calls] of Object.entries(tProbe())) {
      const rs = new RandomState(Number(seed))
      for (const c of calls) {
        const v = c.call === 'normal' ? rs.normal(0, 1) : c.call === 'rand' ? rs.rand() : c.call === 'standard_t' ? rs.standardT(c.df!) : rs.standardGamma(c.shape!)
        const shape = c.call === 'standard_t' ? c.df! / 2 : (c.shape ?? 1)
        if (shape >= 1) expect(v, `${seed} ${c.call}`).toBe(c.value)
        else expect(Math.abs(v - c.value)).toBeLessThanOrEqual(Math.abs(c.value) * 4 * Number.EPSILON)
      }
    }
  })
})
