import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RunMeasures, SeedPair } from '../../../shared/contract/agent-comparison'
import { MeasuresAccumulator } from './measures'
import { bootstrapMeanInterval, compareAgentToBaseline, signTest } from './paired'

const run = (netPnl: number, extra: Partial<RunMeasures> = {}): RunMeasures => ({ steps: 100, netPnl, sharpe: netPnl / 100, maxDrawdown: 0.05, costs: 10, ...extra })
const stats = { calls: 10, valid: 8, controlShare: 0.8, fallbacks: { invalid_json: 2, timeout: 0 } }

// Net P&L differences agent − baseline, seed by seed; the baselines differ so only the pairing
// makes the differences. SciPy references (scipy 1.x):
//   d = [1.5, -0.5, 2.0, 0.25, 3.0, -1.0, 0.75, 1.25]
//   d.mean() = 0.90625; d.std(ddof=1) = 1.3156849112588795
//   scipy.stats.t.interval(0.95, 7, loc=mean, scale=sd/sqrt(8)) = (-0.19369011208495324, 2.006190112084953)
//   scipy.stats.ttest_1samp(d, 0).pvalue = 0.09240760830629258
//   scipy.stats.binomtest(6, 8, 0.5).pvalue = 0.2890625
//   NumPy bootstrap (default_rng(1), 400 000 resamples) percentiles 2.5/97.5 = 0.0625, 1.75
const DIFFS = [1.5, -0.5, 2.0, 0.25, 3.0, -1.0, 0.75, 1.25]
const PAIRS: SeedPair[] = DIFFS.map((d, i) => ({ seed: 8 - i, baseline: run(100 * i - 50), agent: run(100 * i - 50 + d, { costs: 10 + i }), agentStats: stats }))

describe('compareAgentToBaseline', () => {
  const c = compareAgentToBaseline(PAIRS, { lab: 'fx-carry', preset: 'faithful' })
  const net = c.measures.find((m) => m.measure === 'netPnl')!

  it('pairs by seed and gives the paired t interval and p-value of SciPy', () => {
    expect(c.seeds).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(net.n).toBe(8)
    expect(net.meanDiff).toBeCloseTo(0.90625, 12)
    expect(net.sdDiff).toBeCloseTo(1.3156849112588795, 12)
    expect(net.tInterval![0]).toBeCloseTo(-0.19369011208495324, 10)
    expect(net.tInterval![1]).toBeCloseTo(2.006190112084953, 10)
    expect(net.tPValue).toBeCloseTo(0.09240760830629258, 10)
  })

  it('counts wins by each measure’s direction, with the exact sign test', () => {
    expect(net).toMatchObject({ better: 'higher', wins: 6, losses: 2, ties: 0, winShare: 0.75 })
    expect(net.signTestP).toBeCloseTo(0.2890625, 14)
    // Costs rose with i for the agent (10 + i against 10): lower is better, so seed of i = 0 ties and the rest lose.
    expect(c.measures.find((m) => m.measure === 'costs')).toMatchObject({ better: 'lower', wins: 0, losses: 7, ties: 1, meanDiff: 3.5 })
    expect(c.measures.find((m) => m.measure === 'maxDrawdown')).toMatchObject({ wins: 0, losses: 0, ties: 8, signTestP: null })
  })

  it('gives a seeded bootstrap interval near NumPy’s, identical for the same seed', () => {
    const [lo, hi] = net.bootstrapInterval!
    expect(lo).toBeGreaterThan(0.0625 - 0.08)
    expect(lo).toBeLessThan(0.0625 + 0.08)
    expect(hi).toBeGreaterThan(1.75 - 0.08)
    expect(hi).toBeLessThan(1.75 + 0.08)
    expect(compareAgentToBaseline(PAIRS, { lab: 'x', preset: 'p' }).measures[0]!.bootstrapInterval).toEqual(net.bootstrapInterval)
    expect(compareAgentToBaseline(PAIRS, { lab: 'x', preset: 'p', bootstrapSeed: 5 }).measures[0]!.bootstrapInterval).not.toEqual(net.bootstrapInterval)
  })

  it('sums the agent metrics over the seeds: validity rate, mean control share, fallbacks by reason', () => {
    expect(c.agent).toMatchObject({ calls: 80, valid: 64, validityRate: 0.8, fallbacks: { invalid_json: 16 } })
    expect(c.agent.controlShare).toBeCloseTo(0.8, 14)
  })

  it('says the answer in one sentence: no evidence when the interval spans zero', () => {
    expect(c.verdict).toBe('No evidence either way that the agent adds value after costs: mean net P&L difference 0.9063 (95% paired t interval [-0.1937, 2.0062]); the agent won 6 of 8 seeds.')
    const clear = compareAgentToBaseline(PAIRS.map((p) => ({ ...p, agent: run(p.baseline.netPnl + 5 + p.seed / 10) })), { lab: 'x', preset: 'p' })
    expect(clear.verdict.startsWith('The agent adds value after costs')).toBe(true)
  })

  it('has no interval for one pair and ignores a measure a run lacks', () => {
    const one = compareAgentToBaseline([{ ...PAIRS[0]!, agent: run(1, { sharpe: null }) }], { lab: 'x', preset: 'p' })
    expect(one.measures[0]).toMatchObject({ n: 1, tInterval: null, bootstrapInterval: null })
    expect(one.measures.find((m) => m.measure === 'sharpe')).toMatchObject({ n: 0, meanDiff: null, winShare: null })
    expect(one.verdict).toContain('More seeds are needed')
  })

  it('property: the t interval contains the mean; wins + losses + ties = n; shifting every agent run shifts the interval', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.double({ min: -50, max: 50, noNaN: true }), (ds, shift) => {
        const pairs = ds.map((d, i) => ({ seed: i, baseline: run(0), agent: run(d), agentStats: stats }))
        const m = compareAgentToBaseline(pairs, { lab: 'x', preset: 'p', resamples: 200 }).measures[0]!
        expect(m.wins + m.losses + m.ties).toBe(m.n)
        expect(m.tInterval![0]).toBeLessThanOrEqual(m.meanDiff! + 1e-9)
        expect(m.tInterval![1]).toBeGreaterThanOrEqual(m.meanDiff! - 1e-9)
        const shifted = compareAgentToBaseline(pairs.map((p) => ({ ...p, agent: run(p.agent.netPnl + shift) })), { lab: 'x', preset: 'p', resamples: 200 }).measures[0]!
        expect(shifted.tInterval![0]).toBeCloseTo(m.tInterval![0] + shift, 6)
      }),
      { numRuns: 50 }
    )
  })
})

describe('signTest and bootstrap', () => {
  it('matches scipy.stats.binomtest two-sided p-values', () => {
    // binomtest(0, 5).pvalue = 0.0625; binomtest(3, 7).pvalue = 1.0; binomtest(6, 8) = 0.2890625
    expect(signTest(0, 5)).toBeCloseTo(0.0625, 15)
    expect(signTest(3, 4)).toBe(1)
    expect(signTest(6, 2)).toBeCloseTo(0.2890625, 15)
  })

  it('a constant difference has a bootstrap interval of that constant', () => {
    expect(bootstrapMeanInterval([2, 2, 2], 0.9, 100, 3)).toEqual([2, 2])
  })
})

describe('MeasuresAccumulator', () => {
  it('folds net P&L, costs, max drawdown and the per-step Sharpe of net P&L / equity before the step', () => {
    const acc = new MeasuresAccumulator()
    // Two chunks of one run: equity 1000 → 1010 → 1005 → 1025.
    acc.add([10, -5], [1, 2], [1010, 1005], [0, 0.00495], 2)
    acc.add([20], [0.5], [1025], [0], 1)
    const m = acc.finish()
    expect(m).toMatchObject({ steps: 3, netPnl: 25, costs: 3.5, maxDrawdown: 0.00495 })
    // r = [10/1000, -5/1010, 20/1005]; r.mean() / r.std(ddof=1) = 0.6647631935890065 (NumPy)
    expect(m.sharpe).toBeCloseTo(0.6647631935890065, 12)
  })
})
