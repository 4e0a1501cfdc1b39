import { describe, expect, it } from 'vitest'
import { LabConfigError, labResultsHash, resolveLabConfig, runCollected } from '../../engine/kernel'
import { hestonRegimeLab } from './lab'
import type { ModelRegimeOutput } from '../../regime/model-output'
import { CRASH, SsmInputMissingError, simulatePath } from './market'
import { hestonRegimeReport } from './metrics'
import { HESTON_REGIME_ACTIONS, RATIONALES, baselinePolicy, type HestonRegimeObservation } from './policy'
import { phaseSpaceSurface } from './surface'

const logStd = (p: Float64Array, from: number, to: number): number => {
  const r: number[] = []
  for (let t = from + 1; t < to; t++) r.push(Math.log(p[t]! / p[t - 1]!))
  const m = r.reduce((a, b) => a + b, 0) / r.length
  return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length)
}

describe('heston-regime simulator (spec §1.2–1.4, §1.6)', () => {
  it('is deterministic in the seed and differs across seeds', () => {
    const c = resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 5 })
    expect(Array.from(simulatePath(c).prices)).toEqual(Array.from(simulatePath(c).prices))
    expect(simulatePath(resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 6 })).prices[100]).not.toBe(simulatePath(c).prices[100])
  })

  it('faithful: one bull→crash switch at 2500, the switch point duplicated, each phase one year', () => {
    const p = simulatePath(resolveLabConfig(hestonRegimeLab, 'faithful', { seed: 2 }))
    expect(Array.from(p.switchPoints)).toEqual([2500])
    expect(p.labels[2499]).toBe(0)
    expect(p.labels[2500]).toBe(CRASH)
    expect(p.prices[2500]).toBe(p.prices[2499])
    expect(p.variance[2500]).toBe(p.variance[2499])
    expect(p.dt[0]).toBe(1 / 2500)
    expect(p.dt[2500]).toBe(1 / 2500)
  })

  it('faithful keeps the book bug: with n = 100,000 the "crash" is calmer per bar than the bull (spec §10.2)', () => {
    const c = resolveLabConfig(hestonRegimeLab, 'faithful', { seed: 3, n_steps: 100_000, 'strategy.start_bar': 1000 })
    const p = simulatePath(c)
    expect(p.dt[99_999]).toBe(1 / 97_500)
    const bull = logStd(p.prices, 0, 2500)
    const crash = logStd(p.prices, 2500, 100_000)
    expect(bull).toBeGreaterThan(0.0022)
    expect(bull).toBeLessThan(0.0033)
    expect(crash).toBeLessThan(bull)
    expect(p.labels.reduce((a, b) => a + b, 0) / p.n).toBe(0.975)
  })

  it('corrected: one dt per bar, many switches in both directions, crash noisier than bull', () => {
    const p = simulatePath(resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 4, n_steps: 20_000 }))
    expect(new Set(p.dt)).toEqual(new Set([1 / 252]))
    const ups = Array.from(p.switchPoints).filter((t) => p.labels[t] === CRASH).length
    const downs = p.switchPoints.length - ups
    expect(ups).toBeGreaterThan(5)
    expect(downs).toBeGreaterThanOrEqual(ups - 1)
    expect(Math.min(...p.variance)).toBeGreaterThanOrEqual(0)
    let bull = 0
    let crash = 0
    let nb = 0
    let nc = 0
    for (let t = 1; t < p.n; t++) {
      const r = Math.log(p.prices[t]! / p.prices[t - 1]!) ** 2
      if (p.labels[t] === CRASH) {
        crash += r
        nc++
      } else {
        bull += r
        nb++
      }
    }
    expect(crash / nc).toBeGreaterThan(2 * (bull / nb))
  })
})

describe('heston-regime strategy (spec §5.2–5.4)', () => {
  const strategy = resolveLabConfig(hestonRegimeLab, 'corrected').strategy
  const obs = (o: Partial<HestonRegimeObservation>): HestonRegimeObservation => ({
    t: 2000, active: true, pStable: 0.95, filtered: 0, oodDistance: 1, oodRadius: 5, lastBarReturn: 0, position: 1, strategy, ...o
  })
  it('sizes from P(stable) while the filter is stable, flat when it confirms stress', () => {
    expect(baselinePolicy(obs({ pStable: 0.95 })).action).toBe('LONG_FULL')
    expect(baselinePolicy(obs({ pStable: 0.7 })).action).toBe('LONG_REDUCED')
    expect(baselinePolicy(obs({ pStable: 0.55 })).action).toBe('LONG_HALF')
    expect(baselinePolicy(obs({ pStable: 0.4 })).rationale).toBe(RATIONALES.lowConfidence)
    expect(baselinePolicy(obs({ filtered: 1 })).rationale).toBe(RATIONALES.stress)
  })
  it('guardrails: daily loss > 3%, OOD and warm-up force flat', () => {
    expect(baselinePolicy(obs({ lastBarReturn: -0.031 })).rationale).toBe(RATIONALES.dailyLoss)
    expect(baselinePolicy(obs({ lastBarReturn: -0.03 })).action).toBe('LONG_FULL')
    expect(baselinePolicy(obs({ oodDistance: 6 })).rationale).toBe(RATIONALES.ood)
    expect(baselinePolicy(obs({ active: false })).rationale).toBe(RATIONALES.warmUp)
  })
})

describe('heston-regime lab through the kernel', () => {
  for (const preset of ['faithful', 'corrected'] as const) {
    for (const kind of ['rv_threshold', 'hmm', 'bocpd', 'markov_switching'] as const) {
      it(`${preset} / ${kind} runs deterministically (labResultsHash) with the decision latency of one bar`, async () => {
        const config = resolveLabConfig(hestonRegimeLab, preset, { seed: 8, 'classifier.kind': kind })
        const a = await runCollected(hestonRegimeLab, config)
        const b = await runCollected(hestonRegimeLab, config)
        expect(labResultsHash(a)).toBe(labResultsHash(b))
        // flat up to and including the start bar: the first signal is bar 1000's, acted on at 1001
        for (let t = 0; t <= 1000; t++) expect(a.columns.action[t]).toBe(0)
        // the position at t follows the filter at t − 1
        for (let t = 1001; t < a.steps; t++) if (a.market.filtered[t - 1] === 1) expect(a.columns.position[t]).toBe(0)
        const m = hestonRegimeReport(a, config).metrics
        expect(m.accuracy).not.toBeNull()
        expect(m.max_drawdown).toBeGreaterThanOrEqual(0)
        expect(Number.isFinite(m.final_equity!)).toBe(true)
        if (process.env.HESTON_REGIME_REPORT) console.log(preset, kind, JSON.stringify(m))
      })
    }
  }

  it('charges 0.1% per flip (faithful) and 0.1% × |Δposition| (corrected)', async () => {
    for (const preset of ['faithful', 'corrected'] as const) {
      const run = await runCollected(hestonRegimeLab, resolveLabConfig(hestonRegimeLab, preset, { seed: 8 }))
      for (let t = 0; t < run.steps; t++) {
        const trade = Math.abs(run.columns.trade[t]!)
        const expected = trade > 1e-12 ? (preset === 'faithful' ? 0.001 : 0.001 * trade) : 0
        expect(run.columns.cost[t]).toBeCloseTo(expected, 15)
      }
    }
  })

  it('leverage above the 1.5× cap is clipped and logged by the risk gate', async () => {
    const run = await runCollected(hestonRegimeLab, resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 8, 'strategy.leverage_full': 2, 'strategy.leverage_reduced': 2 }))
    expect(Math.max(...run.columns.position)).toBeLessThanOrEqual(1.5)
    expect(run.events.some((e) => e.rule === 'leverage_clip')).toBe(true)
  })

  it('the surface is the (P, ΔP, Var10) phase space over the last 100 bars', async () => {
    const m = hestonRegimeLab.market(resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 8 }), {})
    const s = phaseSpaceSurface(m, 500)
    expect(s.axes.map((a) => a.name)).toEqual(['lag', 'coordinate'])
    expect(s.values[99 * 3]).toBe(m.prices[500])
    expect(s.values[99 * 3 + 1]).toBeCloseTo(m.prices[500]! - m.prices[499]!, 12)
    expect(Number.isNaN(phaseSpaceSurface(m, 5).values[0]!)).toBe(true)
  })

  it('config errors name their key path', () => {
    expect(() => resolveLabConfig(hestonRegimeLab, 'corrected', { 'strategy.p_full': 2 })).toThrow(LabConfigError)
    expect(() => resolveLabConfig(hestonRegimeLab, 'corrected', { 'strategy.p_full': 2 })).toThrow(/^heston-regime: strategy\.p_full: must be a probability in \[0, 1\] \(got 2\)$/)
    expect(() => resolveLabConfig(hestonRegimeLab, 'faithful', { 'switching.switch_idx': 6000 })).toThrow(/switching.switch_idx/)
    expect(HESTON_REGIME_ACTIONS).toEqual(['FLAT', 'LONG_HALF', 'LONG_REDUCED', 'LONG_FULL'])
  })
})

describe('heston-regime with the regime model\'s output as a run input', () => {
  const config = resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 8, n_steps: 2500, 'classifier.kind': 'ssm' })

  it('requires the regime model only for classifier.kind "ssm", and refuses to simulate without it', () => {
    expect(hestonRegimeLab.requires!(config)).toEqual(['regime-model'])
    expect(hestonRegimeLab.requires!(resolveLabConfig(hestonRegimeLab, 'corrected', { seed: 8 }))).toEqual([])
    expect(() => hestonRegimeLab.market(config, {})).toThrow(SsmInputMissingError)
    expect(() => hestonRegimeLab.market(config, {})).toThrow(/classifier.kind "ssm" needs the regime model's output/)
  })

  it('trades on the P(stable) it is handed: flat through the start bar, then sized from it one bar later', async () => {
    // a stand-in for the model: P(stable) 0.7 from bar 100 on, never out of distribution
    const firstBar = 100
    const regime: ModelRegimeOutput = {
      firstBar,
      pStable: new Float64Array(2500 - firstBar).fill(0.7),
      oodDistance: new Float64Array(2500 - firstBar),
      oodRadius: 1,
      model: { name: 'stand-in', sha256: '0'.repeat(64) },
      executionProvider: 'cpu'
    }
    const run = await runCollected(hestonRegimeLab, config, { inputs: { regime } })
    expect(run.market.inference.classifier).toBe('ssm')
    for (let t = 0; t <= 1000; t++) expect(run.columns.position[t]).toBe(0)
    let reduced = 0
    for (let t = 1001; t < run.steps; t++) {
      // 0.6 < P(stable) ≤ 0.9 with the filter stable: reduced size, unless the daily-loss guardrail fired
      if (run.columns.position[t] === 0) expect(run.rationales[run.columns.rationale[t]!]).toBe(RATIONALES.dailyLoss)
      else expect(run.columns.position[t]).toBe(config.strategy.leverage_reduced)
      if (run.columns.position[t] !== 0) reduced++
    }
    expect(reduced).toBeGreaterThan(0.9 * (run.steps - 1001))
    const telemetry = hestonRegimeReport(run, config).telemetry as { regime: { classifier: string; model: { sha256: string } } }
    expect(telemetry.regime.classifier).toBe('ssm')
    expect(telemetry.regime.model.sha256).toBe('0'.repeat(64))
  })
})
