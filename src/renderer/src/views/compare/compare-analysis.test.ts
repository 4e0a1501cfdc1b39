import { describe, expect, it } from 'vitest'
import type { LabResults } from '../../../../shared/contract'
import { conflateMinMax } from '../../../../shared/series-conflation'
import { actionChanges, bookAnswers, constraintRows, costRows, metricDirection, metricRows, overlayLines, storedConstraintCounts, type ComparedRun } from './compare-analysis'

/** A lab result with just the fields the analysis reads; cumulative costs end at the given totals. */
function results(over: {
  metrics?: Record<string, number | null>
  actions?: Record<string, number>
  mix?: Record<string, Record<string, number>>
  regimeCounts?: Record<string, number>
  costs?: Record<string, number>
  telemetry?: Record<string, unknown>
  halted?: boolean
}): LabResults {
  const costs = over.costs ?? { proportional: 1, impact: 2 }
  const ramp = (total: number) => Float64Array.from([0, total / 2, total])
  const actions = over.actions ?? { FLAT: 50, LONG: 50 }
  return {
    kind: 'lab',
    manifest: { lab: 'fx-carry', preset: 'faithful', seed: 7, configHash: 'c', codeVersion: 'v', environment: { runtime: 'node', platform: 'linux' }, resultsHash: 'r', verificationStatus: 'Not verified' },
    config: {},
    corrections: [],
    metrics: over.metrics ?? {},
    actions,
    regimeCounts: over.regimeCounts ?? { calm: 80, risk_off: 20 },
    actionMixByRegime: over.mix ?? { calm: { FLAT: 0.5, LONG: 0.5 }, risk_off: { FLAT: 0.5, LONG: 0.5 } },
    telemetry: over.telemetry ?? {},
    steps: 3,
    plannedSteps: 3,
    halted: over.halted ?? false,
    regimeNames: ['calm', 'risk_off'],
    actionNames: Object.keys(actions),
    costComponents: Object.keys(costs),
    series: {
      bucket: 1,
      t: Float64Array.from([0, 1, 2]),
      columns: {
        equity: Float64Array.from([1, 1, 1]),
        drawdown: new Float64Array(3),
        regime: new Float64Array(3),
        action: new Float64Array(3),
        leverage: new Float64Array(3),
        cumulativeCost: ramp(Object.values(costs).reduce((a, b) => a + b, 0)),
        ...Object.fromEntries(Object.entries(costs).map(([k, v]) => [`cost:${k}`, ramp(v)]))
      }
    }
  }
}

/** Stored constraint events: `n` of each rule, at steps 0, 1, … */
const events = (counts: Record<string, number>): ComparedRun['events'] => Object.entries(counts).flatMap(([rule, n]) => Array.from({ length: n }, (_, t) => ({ t, rule })))

const run = (id: number, r: LabResults, stored: ComparedRun['events'] = []): ComparedRun => ({ id, results: r, events: stored })

describe('compare analysis', () => {
  it('reads which way a notebook metric should move from its name', () => {
    expect(metricDirection('max_drawdown')).toBe('lower')
    expect(metricDirection('total_cost')).toBe('lower')
    expect(metricDirection('fee_pnl')).toBe('higher')
    expect(metricDirection('ann_vol')).toBe('lower')
    expect(metricDirection('final_equity')).toBe('higher')
    expect(metricDirection('sharpe_like')).toBe('higher')
    expect(metricDirection('win_rate')).toBe('higher')
    expect(metricDirection('steps')).toBeNull()
  })

  it('gives deltas and verdicts against the first run, and no verdict for metrics without a direction', () => {
    const rows = metricRows([
      run(1, results({ metrics: { final_equity: 1.1, max_drawdown: 0.1, steps: 800, only_first: 3 } })),
      run(2, results({ metrics: { final_equity: 0.9, max_drawdown: 0.05, steps: 900 } })),
      run(3, results({ metrics: { final_equity: 1.1, max_drawdown: null, steps: 800 } }))
    ])
    const equity = rows.find((r) => r.name === 'final_equity')!
    expect(equity.deltas[0]).toBeNull()
    expect(equity.deltas[1]).toBeCloseTo(-0.2, 12)
    expect(equity.relative[1]).toBeCloseTo(-0.2 / 1.1, 12)
    expect(equity.verdicts).toEqual([null, 'worse', 'same'])
    const dd = rows.find((r) => r.name === 'max_drawdown')!
    expect(dd.verdicts).toEqual([null, 'better', null])
    expect(rows.find((r) => r.name === 'steps')!.verdicts).toEqual([null, null, 'same'])
    expect(rows.find((r) => r.name === 'only_first')!.values).toEqual([3, null, null])
  })

  it('counts constraint events by rule from the stored events, and a halted run as one drawdown stop', () => {
    const rows = constraintRows([run(1, results({}), events({ position_limit: 4 })), run(2, results({ halted: true }), events({ leverage_clip: 2 }))])
    expect(rows.map((r) => [r.rule, r.counts])).toEqual([
      ['position_limit', [4, 0]],
      ['leverage_clip', [0, 2]],
      ['drawdown_stop', [0, 1]]
    ])
  })

  it('names the constraint that became binding and the one that stopped binding', () => {
    const runs = [
      run(4, results({}), events({ leverage_clip: 5 })),
      run(5, results({}), events({ position_limit: 212 }))
    ]
    const rows = constraintRows(runs)
    expect(rows.find((r) => r.rule === 'position_limit')).toMatchObject({ counts: [0, 212], becameBinding: true, stoppedBinding: false })
    expect(rows.find((r) => r.rule === 'leverage_clip')).toMatchObject({ counts: [5, 0], becameBinding: false, stoppedBinding: true })
    const answers = bookAnswers(runs)
    expect(answers.constraints).toContain('#5: position limit became binding — 212 events (none in #4).')
    expect(answers.constraints).toContain('#5: leverage cap (clip) no longer binds (5 events in #4).')
  })

  it('says so when no constraint bound anywhere', () => {
    const answers = bookAnswers([run(1, results({})), run(2, results({}))])
    expect(answers.constraints).toEqual(['No risk constraint bound in any of these runs: the gate never intervened.'])
  })

  it('finds the cost components that at least doubled, with their totals from the cumulative series', () => {
    const runs = [run(1, results({ costs: { proportional: 1, impact: 2 } })), run(2, results({ costs: { proportional: 1.5, impact: 8 } }))]
    const rows = costRows(runs)
    expect(rows.map((r) => r.component)).toEqual(['proportional', 'impact', 'total'])
    expect(rows[1]).toMatchObject({ totals: [2, 8], ratios: [null, 4], exploded: [false, true] })
    expect(rows[0]!.exploded).toEqual([false, false])
    expect(rows[2]).toMatchObject({ totals: [3, 9.5] })
    expect(bookAnswers(runs).costs).toEqual(['#2: impact ×4.00 (2.00 → 8.00) exploded; total 3.00 → 9.50 (×3.17).'])
    const calm = bookAnswers([run(1, results({})), run(2, results({ costs: { proportional: 1.2, impact: 2 } }))])
    expect(calm.costs[0]).toBe('#2: no cost component doubled; the largest move is proportional ×1.20; total 3.00 → 3.20 (×1.07).')
    const cheaper = bookAnswers([run(1, results({})), run(2, results({ costs: { proportional: 1.2, impact: 0.9 } }))])
    expect(cheaper.costs[0]).toBe('#2: no cost component doubled; the largest move is impact ×0.45; total 3.00 → 2.10 (×0.70).')
  })

  it('ranks action share changes, overall and per regime, and ignores regimes a run never visited', () => {
    const runs = [
      run(1, results({ actions: { FLAT: 60, LONG: 40 }, mix: { calm: { FLAT: 0.5, LONG: 0.5 }, risk_off: { FLAT: 1, LONG: 0 } } })),
      run(2, results({ actions: { FLAT: 80, LONG: 20 }, mix: { calm: { FLAT: 0.75, LONG: 0.25 }, risk_off: { FLAT: 0, LONG: 0 } }, regimeCounts: { calm: 100, risk_off: 0 } }))
    ]
    const changes = actionChanges(runs)
    expect(changes.map((c) => [c.regime, c.action, Math.round(c.maxChangePp)])).toEqual([
      ['calm', 'FLAT', 25],
      ['calm', 'LONG', 25],
      ['', 'FLAT', 20],
      ['', 'LONG', 20]
    ])
    expect(bookAnswers(runs).actions).toEqual(['#2: FLAT in calm +25.0 pp (50.0% → 75.0%); LONG in calm −25.0 pp (50.0% → 25.0%); FLAT +20.0 pp (60.0% → 80.0%).'])
    expect(bookAnswers([run(1, results({})), run(2, results({}))]).actions).toEqual(['#2: the policy chose the same actions (every share within 1 pp of #1).'])
  })

  it('answers nothing for a single run', () => {
    expect(bookAnswers([run(1, results({}))])).toEqual({ constraints: [], costs: [], actions: [] })
  })
})

describe('overlay lines', () => {
  /** A run's stored series as the engine writes it: `steps` values conflated in buckets of `width`. */
  const stored = (values: number[], width: number): LabResults => {
    const r = results({})
    const conflated = conflateMinMax({ equity: values }, values.length, { width })
    r.series = { bucket: width, t: conflated.t, columns: conflated.columns }
    r.steps = values.length
    return r
  }

  it('conflates each run further to at most maxPoints points, keeping its extremes, on its own step grid', () => {
    const crash = Array.from({ length: 40 }, (_, i) => (i === 23 ? -500 : i))
    const [a, b] = overlayLines([run(1, stored(crash, 1)), run(2, stored([3, 2, 1], 1))], 'equity', 8)
    expect(a!.x.length).toBeLessThanOrEqual(8)
    expect(Math.min(...a!.y)).toBe(-500)
    expect(Math.max(...a!.y)).toBe(39)
    expect([...b!.x]).toEqual([0, 1, 2])
    expect([...b!.y]).toEqual([3, 2, 1])
  })

  it('passes short series through untouched', () => {
    const r = results({})
    const [line] = overlayLines([run(1, r)], 'cumulativeCost')
    expect([...line!.x]).toEqual([0, 1, 2])
    expect([...line!.y]).toEqual([...r.series.columns.cumulativeCost!])
  })
})

describe('constraints from the stored events', () => {
  it('counts events per rule and finds the rule that bound first', () => {
    expect(storedConstraintCounts([{ t: 9, rule: 'leverage_clip' }, { t: 4, rule: 'position_limit' }, { t: 12, rule: 'leverage_clip' }])).toEqual({
      counts: { leverage_clip: 2, position_limit: 1 },
      first: { rule: 'position_limit', t: 4 }
    })
    expect(storedConstraintCounts([])).toEqual({ counts: {}, first: null })
  })
})
