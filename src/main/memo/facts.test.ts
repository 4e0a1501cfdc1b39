import { describe, expect, it } from 'vitest'
import { COMMITTEE_SECTIONS, MEMO_FIELDS, MEMO_FIELD_IDS } from '../../shared/contract/memo'
import type { MemoFacts } from '../../shared/contract/memo'
import { factsFor, formatFact, formatShare } from '../../shared/contract/memo-sections'
import type { StepColumnsView } from '../audit/chain'
import { compareStress, digestStepLog, dominantCost, pnlCorrelations, summariseConstraints, surfaceFacts, worstVariant, type RunDigest } from './facts'

/** A chunk of a synthetic decision log: two regimes, three actions, two cost and two P&L components. */
function chunk(rows: Array<{ t: number; regime: number; action: number; net: number; cost: [number, number]; pnl: [number, number]; equity: number; dd: number; lev: number }>): StepColumnsView {
  const col = (f: (r: (typeof rows)[number]) => number) => Float64Array.from(rows.map(f))
  return {
    legs: ['a'],
    actionNames: ['FLAT', 'LONG', 'SHORT'],
    regimeNames: ['calm', 'stress'],
    sourceNames: ['BASELINE'],
    rationales: ['r'],
    t: Int32Array.from(rows.map((r) => r.t)),
    regime: Int32Array.from(rows.map((r) => r.regime)),
    action: Int32Array.from(rows.map((r) => r.action)),
    source: new Int32Array(rows.length),
    rationale: new Int32Array(rows.length),
    position: new Float64Array(rows.length),
    trade: new Float64Array(rows.length),
    cost: col((r) => r.cost[0] + r.cost[1]),
    costByComponent: { spread: col((r) => r.cost[0]), impact: col((r) => r.cost[1]) },
    pnlByComponent: { carry: col((r) => r.pnl[0]), spot: col((r) => r.pnl[1]) },
    netPnl: col((r) => r.net),
    equity: col((r) => r.equity),
    drawdown: col((r) => r.dd),
    leverage: col((r) => r.lev)
  }
}

const first = chunk([
  { t: 0, regime: 0, action: 1, net: 1, cost: [0.1, 0.2], pnl: [1, 0.3], equity: 101, dd: 0, lev: 1 },
  { t: 1, regime: 0, action: 1, net: 2, cost: [0.1, 0.4], pnl: [2, 0.6], equity: 103, dd: 0, lev: 1.5 }
])
const second = chunk([
  { t: 2, regime: 1, action: 2, net: -4, cost: [0.3, 2], pnl: [1, -1], equity: 99, dd: 0.04, lev: 2 },
  { t: 3, regime: 1, action: 0, net: -1, cost: [0, 0], pnl: [2, -2], equity: 98, dd: 0.05, lev: 0 },
  { t: 4, regime: 0, action: 1, net: 0.5, cost: [0.05, 0.05], pnl: [3, 0.9], equity: 98.5, dd: 0.045, lev: 1 }
])

describe('memo facts', () => {
  it('digests the log chunk by chunk: totals, per regime sums, action counts, extremes', () => {
    const d = digestStepLog([first, second])
    expect(d.steps).toBe(5)
    expect(d.netPnl).toBeCloseTo(-1.5, 12)
    expect(d.costByComponent).toEqual({ spread: expect.closeTo(0.55, 12), impact: expect.closeTo(2.65, 12) })
    expect(d.actionCounts).toEqual([1, 3, 1])
    expect(d.byRegime[0]).toMatchObject({ steps: 3, netPnl: 3.5, actionCounts: [0, 3, 0] })
    expect(d.byRegime[1]).toMatchObject({ steps: 2, netPnl: -5, actionCounts: [1, 0, 1] })
    expect(d.byRegime[1]!.pnlByComponent).toEqual({ carry: 3, spot: -3 })
    expect(d.maxDrawdown).toBe(0.05)
    expect(d.maxLeverage).toBe(2)
    expect(d.finalEquity).toBe(98.5)
    expect(dominantCost(d.costByComponent)).toBe('impact')
    expect(dominantCost({ a: 0, b: 0 })).toBeNull()
  })

  it('correlates P&L components within each regime; a constant component has none', () => {
    const d = digestStepLog([first, second])
    const [calm, stress] = pnlCorrelations(d)
    expect(calm!.pairs).toEqual([{ a: 'carry', b: 'spot', r: expect.closeTo(1, 12) }])
    expect(stress!.pairs[0]!.r).toBeCloseTo(-1, 12)
    const flat = digestStepLog([chunk([
      { t: 0, regime: 0, action: 0, net: 0, cost: [0, 0], pnl: [0, 1], equity: 1, dd: 0, lev: 0 },
      { t: 1, regime: 0, action: 0, net: 0, cost: [0, 0], pnl: [0, 2], equity: 1, dd: 0, lev: 0 }
    ])])
    expect(pnlCorrelations(flat)[0]!.pairs[0]!.r).toBeNull()
  })

  it('the constraint that binds first is the earliest event; the most frequent breaks ties by who bound first', () => {
    const c = summariseConstraints([
      { t: 9, rule: 'position_limit', message: 'clip' },
      { t: 4, rule: 'leverage_scale', message: 'scaled 0.9' },
      { t: 12, rule: 'position_limit', message: 'clip again' },
      { t: 15, rule: 'leverage_scale', message: 'scaled 0.8' }
    ])
    expect(c.total).toBe(4)
    expect(c.firstBinding).toEqual({ rule: 'leverage_scale', t: 4, message: 'scaled 0.9' })
    expect(c.mostFrequent).toEqual({ rule: 'leverage_scale', count: 2 })
    expect(c.byRule.map((r) => [r.rule, r.count, r.firstT])).toEqual([['leverage_scale', 2, 4], ['position_limit', 2, 9]])
    expect(summariseConstraints([])).toEqual({ total: 0, byRule: [], firstBinding: null, mostFrequent: null })
  })

  it('compares a stress run with the base: constraints that became binding, the cost that exploded, the actions that changed', () => {
    const base: RunDigest = { runId: 1, configHash: 'b', resultsHash: 'rb', halted: false, digest: digestStepLog([first]), constraints: summariseConstraints([{ t: 1, rule: 'leverage_scale', message: 'm' }]) }
    const stressed: RunDigest = {
      runId: 2,
      configHash: 's',
      resultsHash: 'rs',
      halted: true,
      digest: digestStepLog([first, second]),
      constraints: summariseConstraints([
        { t: 0, rule: 'position_limit', message: 'clip' },
        { t: 1, rule: 'leverage_scale', message: 'm' }
      ])
    }
    const v = compareStress(base, { name: 'impact doubled', overrides: { k: 2 }, run: stressed, error: null })
    expect(v).toMatchObject({ runId: 2, halted: true, constraintEvents: 2, firstBinding: { rule: 'position_limit', t: 0 } })
    expect(v.constraintsBinding).toEqual([{ rule: 'position_limit', base: 0, stressed: 1 }])
    expect(v.costExploded).toEqual({ component: 'impact', base: expect.closeTo(0.6, 12), stressed: expect.closeTo(2.65, 12), ratio: expect.closeTo(2.65 / 0.6, 9) })
    expect(v.actionsChanged).toEqual([{ action: 'FLAT', base: 0, stressed: 1 }, { action: 'LONG', base: 2, stressed: 3 }, { action: 'SHORT', base: 0, stressed: 1 }])
    expect(v.deltaNetPnl).toBeCloseTo(-1.5 - 3, 12)
    const failed = compareStress(base, { name: 'broken', overrides: {}, run: null, error: 'engine crashed' })
    expect(failed).toMatchObject({ runId: null, error: 'engine crashed', netPnl: null, constraintsBinding: [] })
    expect(worstVariant([v, failed, { ...v, name: 'mild', deltaNetPnl: -0.1 }, { ...v, name: 'better', deltaNetPnl: 3 }])).toBe('impact doubled')
    expect(worstVariant([{ ...v, deltaNetPnl: 0 }])).toBeNull()
  })

  it('averages each surface feature by the regime of its frame', () => {
    const s = surfaceFacts({
      name: 'curve',
      unit: '%',
      layout: 'curve',
      axes: [{ name: 'tenor', unit: 'y', labels: ['1', '2', '5'] }],
      stride: 2,
      regime: [0, 1, 0, 1],
      regimeNames: ['calm', 'stress'],
      summaries: [{ name: 'slope', unit: '%', description: 'last − first', values: [1, 5, 3, Number.NaN] }]
    })
    expect(s.axes).toEqual([{ name: 'tenor', unit: 'y', size: 3 }])
    expect(s.frames).toBe(4)
    expect(s.features[0]).toMatchObject({ mean: 3, byRegime: { calm: 2, stress: 5 } })
  })

  it('formats numbers the same way on every host', () => {
    expect(formatFact(1234567)).toBe('1,234,567')
    expect(formatFact(-0.058337692582891565)).toBe('-0.0583377')
    expect(formatFact(10.48961948999382)).toBe('10.4896')
    expect(formatFact(123456.789)).toBe('123,457')
    expect(formatFact(2.5e-7)).toBe('2.500e-7')
    expect(formatFact(3e12)).toBe('3,000,000,000,000')
    expect(formatFact(3.5e12 + 0.5)).toBe('3.500e+12')
    expect(formatFact(null)).toBe('—')
    expect(formatFact(Number.NaN)).toBe('—')
    expect(formatShare(0.9476)).toBe('94.8%')
  })

  it('names the memo fields and committee sections in the book’s words and order', () => {
    expect(MEMO_FIELDS.map((f) => f.title)).toEqual([
      'Mechanism in one sentence',
      'Surface and key features',
      'Constrained actions',
      'Dominant cost drivers',
      'What breaks the strategy under stress',
      'Mandatory risk control for a real deployment'
    ])
    expect(COMMITTEE_SECTIONS.map((s) => s.title)).toEqual([
      'Mechanism and what is harvested',
      'State → surface-feature mapping',
      'Instrument set and sizing in risk units',
      'State-dependent execution plan and cost assumptions',
      'Funding/margin analysis',
      'Regime-dependent correlation analysis',
      'Pre-defined control actions'
    ])
    expect([...MEMO_FIELD_IDS]).toEqual([...MEMO_FIELDS.map((f) => f.id), ...COMMITTEE_SECTIONS.map((s) => s.id)])
  })
})

describe('funding/margin section', () => {
  // Only the fields the section reads; the rest of MemoFacts plays no part in it.
  const facts = (pnlComponents: string[], costs: Array<{ name: string; total: number; share: number }>): MemoFacts =>
    ({ pnlComponents, regimes: ['calm'], regimePnl: [{ regime: 'calm', steps: 3, netPnl: 1, cost: 2, pnlByComponent: { carry: 5 } }], costs: { components: costs, dominant: null } }) as unknown as MemoFacts

  it('shows funding paid and liquidation losses, which book as costs, not P&L', () => {
    const blocks = factsFor('fundingMargin', facts(['spread'], [{ name: 'fees', total: 10, share: 0.5 }, { name: 'funding', total: 4, share: 0.2 }, { name: 'liquidation', total: 6, share: 0.3 }]))
    expect(blocks).toHaveLength(1)
    const table = blocks[0] as Extract<(typeof blocks)[number], { kind: 'table' }>
    expect(table.caption).toBe('Funding, margin and liquidation costs')
    expect(table.rows.map((r) => r[0])).toEqual(['funding', 'liquidation'])
  })

  it('says so when the lab books neither', () => {
    const blocks = factsFor('fundingMargin', facts(['spread'], [{ name: 'fees', total: 10, share: 1 }]))
    expect(blocks).toEqual([{ kind: 'text', text: 'The lab books no carry, funding or margin P&L component and no funding, margin or liquidation cost; its P&L components are: spread.' }])
  })
})
