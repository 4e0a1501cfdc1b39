import { describe, expect, it } from 'vitest'
import { assetClassOf } from './asset-classes'
import { applyLimits, type LimitPods } from './limits'

const flat = (T: number, v = 0): Float64Array => new Float64Array(T).fill(v)
const wave = (T: number, phase: number): Float64Array => Float64Array.from({ length: T }, (_, t) => 0.01 * Math.sin(0.9 * t + phase))

function pods(n: number, over: Partial<LimitPods> = {}): LimitPods {
  return { labs: Array.from({ length: n }, (_, i) => `lab-${i}`), assetClasses: Array.from({ length: n }, (_, i) => `class-${i}`), leverage: new Array(n).fill(1), returns: Array.from({ length: n }, (_, i) => wave(50, 2 * i)), ...over }
}

describe('portfolio limits', () => {
  it('caps a pod and spreads the excess pro rata, logging the event with weights before and after', () => {
    const r = applyLimits([0.6, 0.3, 0.1], pods(3), { maxPodWeight: 0.4 })
    // 0.2 excess over 0.3 : 0.1 → 0.45, 0.15; the second pod is then over: capped at 0.4, its 0.05 to the third.
    expect(r.events).toHaveLength(1)
    expect(r.events[0]).toMatchObject({ rule: 'pod_concentration', action: 'cap_and_redistribute', t: 49, before: [0.6, 0.3, 0.1] })
    expect(r.events[0]!.after.map((w) => +w.toFixed(12))).toEqual([0.4, 0.4, 0.2])
    expect(r.weights.map((w) => +w.toFixed(12))).toEqual([0.4, 0.4, 0.2])
    expect(r.cash).toBeCloseTo(0, 12)
  })

  it('caps a lab family and an asset class, summed over their pods', () => {
    const p = pods(4, { labs: ['a', 'a', 'b', 'c'], assetClasses: ['rates', 'rates', 'rates', 'fx'] })
    const r = applyLimits([0.25, 0.25, 0.25, 0.25], p, { maxFamilyWeight: 0.4, maxAssetClassWeight: 0.6 })
    expect(r.events.map((e) => e.rule)).toEqual(['family_concentration', 'asset_class_concentration'])
    // Family a: 0.5 → 0.4; 0.1 to b and c (0.3 each). Rates: 0.4 + 0.3 = 0.7 → 0.6; c gets 0.1.
    expect(r.weights.map((w) => +w.toFixed(12))).toEqual([0.6 * (0.2 / 0.7), 0.6 * (0.2 / 0.7), 0.6 * (0.3 / 0.7), 0.4].map((w) => +w.toFixed(12)))
    expect(assetClassOf('yield-curve')).toBe('rates')
    expect(assetClassOf('a-new-lab')).toBe('a-new-lab')
  })

  it('single position, correlated pairs and gross exposure scale into cash', () => {
    const same = wave(50, 0)
    const p = pods(3, { leverage: [4, 1, 1], returns: [same, same.map((x) => x * 2), wave(50, 3)] })
    const r = applyLimits([0.5, 0.3, 0.2], p, { maxPosition: 1, maxCorrelation: 0.9, maxGross: 0.8 })
    expect(r.events.map((e) => [e.rule, e.action])).toEqual([
      ['single_position', 'scale_to_cash'],
      ['pod_correlation', 'cap_pair'],
      ['gross_exposure', 'scale_to_cash']
    ])
    // #1: 0.5 × 4 = 2 > 1 → 0.25. Pods #1 and #2 correlate 1: together capped at the larger, 0.3.
    expect(r.events[0]!.after).toEqual([0.25, 0.3, 0.2])
    expect(r.events[1]!.after.map((w) => +w.toFixed(12))).toEqual([0.3 * (0.25 / 0.55), 0.3 * (0.3 / 0.55), 0.2].map((w) => +w.toFixed(12)))
    // Gross 4 × 0.13636 + 0.16364 + 0.2 = 0.90909 > 0.8: every weight × 0.8 / 0.90909 = 0.88.
    expect(r.events[2]!.after.map((w) => +w.toFixed(12))).toEqual(r.events[1]!.after.map((w) => +(w * 0.88).toFixed(12)))
    expect(r.gross).toBeCloseTo(0.8, 12)
    expect(r.cash).toBeGreaterThan(0)
  })

  it('the drawdown stop flattens the portfolio from the step after it binds', () => {
    const r = [Float64Array.from([0.01, -0.05, -0.05, -0.05, 0.2, 0.01])]
    const out = applyLimits([1], { labs: ['x'], assetClasses: ['x'], leverage: [1], returns: r }, { maxDrawdown: 0.1 })
    // After −5%, −5%: drawdown 1 − 0.95² = 0.0975 < 0.1; the third −5% makes 0.1426: stop at step 3.
    expect(out.events).toEqual([expect.objectContaining({ t: 3, rule: 'drawdown_stop', action: 'flatten', after: [0] })])
    expect(out.path.stoppedAt).toBe(3)
    expect(out.path.totalReturn).toBeCloseTo(1.01 * 0.95 ** 3 - 1, 14)
    expect(applyLimits([1], { labs: ['x'], assetClasses: ['x'], leverage: [1], returns: [flat(10, 0.001)] }, { maxDrawdown: 0.1 }).events).toEqual([])
  })

  it('single position, gross and net bind at their worst step over the history, each cut holding there', () => {
    const r = new Float64Array(4)
    const p: LimitPods = { labs: ['a', 'b', 'c'], assetClasses: ['x', 'y', 'z'], leverage: [Float64Array.of(1, 3, 2, 1), 1, Float64Array.of(0, 0, 4, 0)], net: [Float64Array.of(1, -3, 2, 1), -1, Float64Array.of(0, 0, -4, 0)], returns: [r, r, r] }
    const out = applyLimits([0.5, 0.3, 0.2], p, { maxPosition: 1, maxGross: 1.5, maxNet: 1 })
    expect(out.events.map((e) => [e.rule, e.action, e.t])).toEqual([
      ['single_position', 'scale_to_cash', 1],
      ['gross_exposure', 'scale_to_cash', 2],
      ['net_exposure', 'scale_to_cash', 1]
    ])
    // Pod #1 is 0.5 × 3 = 1.5 at step 1 (its only step over 1): its weight × 1/1.5 → 1/3.
    expect(out.events[0]!.message).toBe('pod #1 exposure 1.500 of equity at step 1 over 1 (over at 1 of 4 steps, first at step 1): weight 0.5000 → 0.3333, the rest in cash')
    expect(out.events[0]!.after).toEqual([0.5 / 1.5, 0.3, 0.2])
    // Gross then 0.633, 1.3, 1.767, 0.633: × 1.5 / 1.7667 at step 2. Net (1/3 − 0.3 …)·s: worst −1.3·s at step 1,
    // scaled by 1 / (1.3·s): every weight ends at its value after the position cut over 1.3.
    expect(out.events[1]!.message).toBe('gross exposure 1.767 at step 2 over 1.5 (over at 1 of 4 steps, first at step 2): every weight × 0.8491, the rest in cash')
    expect(out.weights.map((w) => +w.toFixed(12))).toEqual([1 / 3 / 1.3, 0.3 / 1.3, 0.2 / 1.3].map((w) => +w.toFixed(12)))
    expect(out.gross).toBeCloseTo((2 / 3 + 0.3 + 0.8) / 1.3, 12)
    expect(out.cash).toBeCloseTo(1 - (1 / 3 + 0.5) / 1.3, 12)
    // Without net series (units that differ) the net limit does not act.
    expect(applyLimits([0.5, 0.3, 0.2], { ...p, net: null }, { maxNet: 0.01 }).events).toEqual([])
  })

  it('a mixed book: single position reads only compound pods, gross none, whatever the additive pods hold', () => {
    const r = new Float64Array(3)
    // Pod #2 keeps an additive ledger: its Σ|position| of 500 lots is not a fraction of equity.
    const p: LimitPods = { labs: ['a', 'b', 'c'], assetClasses: ['x', 'y', 'z'], leverage: [Float64Array.of(1, 2.5, 1), 500, Float64Array.of(3, 0, 1)], compound: [true, false, true], returns: [r, r, r] }
    const out = applyLimits([0.5, 0.3, 0.2], p, { maxPosition: 1, maxGross: 0.5 })
    // #1: 0.5 × 2.5 = 1.25 at step 1 → weight 0.5 / 1.25 = 0.4. #3: 0.2 × 3 = 0.6, within. #2 (150 "of equity") not read.
    expect(out.events.map((e) => [e.rule, e.t, e.after.map((w) => +w.toFixed(12))])).toEqual([['single_position', 1, [0.4, 0.3, 0.2]]])
    // Gross does not act on a book with an additive pod; the report's gross sums the compound pods: max(0.4 + 0.6, 1 + 0, 0.4 + 0.2) = 1.
    expect(out.gross).toBeCloseTo(1, 12)
    expect(out.cash).toBeCloseTo(0.1, 12)
    // Every pod compound: the same book's gross 0.4 + 150 + 0.6 at step 0 binds.
    const all = applyLimits([0.5, 0.3, 0.2], { ...p, compound: undefined }, { maxPosition: 1, maxGross: 0.5 })
    expect(all.events.map((e) => e.rule)).toEqual(['single_position', 'single_position', 'gross_exposure'])
  })
})
