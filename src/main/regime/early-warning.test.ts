import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EarlyWarning, checkEarlyWarningRule, earlyWarningSignal, rawStressSignal } from './early-warning'
import reference from './early-warning.reference.json'

// early-warning.reference.json: the rule recomputed in NumPy from its definition
// (tools/regime-model/reference/early_warning_reference.py, provenance inside).

const RULE = { reference: -2, threshold: 8, cap: 11 }
const pStableOf = (xs: Array<number | null>): Float64Array => Float64Array.from(xs, (x) => (x === null ? Number.NaN : x))

/** The rule's evidence bar by bar, read through the streaming class's private state. */
function evidenceSeries(pStable: Float64Array, rule: typeof RULE): number[] {
  const trigger = new EarlyWarning(rule)
  return Array.from(pStable, (p) => {
    trigger.update(p)
    return (trigger as unknown as { evidence: number }).evidence
  })
}

describe('early-warning rule (CUSUM of the model log-odds of stress)', () => {
  it('matches the NumPy recomputation bar by bar: evidence and stress call', () => {
    const p = pStableOf(reference.pStable)
    expect(Array.from(earlyWarningSignal(p, reference.rule))).toEqual(reference.call)
    evidenceSeries(p, reference.rule).forEach((e, t) => expect(Math.abs(e - reference.evidence[t]!)).toBeLessThan(1e-9))
    // the fixture exercises a call, its end, saturated probabilities and the warm-up
    expect(reference.call.filter((c) => c === 1).length).toBeGreaterThan(50)
    expect(reference.call.slice(0, 7)).toEqual([-1, -1, -1, -1, -1, -1, -1])
  })

  it('by hand: P(stress) 0.5 adds 2 a bar and calls on the 4th bar; 0.05 takes 0.944 a bar off the cap of 11', () => {
    const p = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.95, 0.95, 0.95, 0.95]
    // evidence 2, 4, 6, 8 (call), 10, 11 (cap), then 10.06, 9.11, 8.17 (still called), 7.22 (ends)
    expect(Array.from(earlyWarningSignal(p, RULE))).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 0])
    const e = evidenceSeries(Float64Array.from(p), RULE)
    expect(e[5]).toBeCloseTo(11, 12)
    expect(e[9]).toBeCloseTo(11 - 4 * (Math.log(19) - 2), 12)
  })

  it('causal: appending future bars never changes a past decision (property)', () => {
    const bar = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(Number.NaN), fc.constantFrom(0, 1))
    fc.assert(
      fc.property(fc.array(bar, { minLength: 1, maxLength: 300 }), fc.array(bar, { maxLength: 100 }), (past, future) => {
        const before = earlyWarningSignal(past, RULE)
        const after = earlyWarningSignal([...past, ...future], RULE)
        expect(Array.from(after.subarray(0, past.length))).toEqual(Array.from(before))
      }),
      { numRuns: 300 }
    )
  })

  it('streaming equals the whole-series form, and NaN bars leave the evidence untouched', () => {
    const p = [0.2, Number.NaN, 0.2, 0.2, Number.NaN, 0.2]
    const trigger = new EarlyWarning({ reference: -1, threshold: 4, cap: 5 })
    const streamed = p.map((x) => trigger.update(x))
    expect(streamed).toEqual(Array.from(earlyWarningSignal(p, { reference: -1, threshold: 4, cap: 5 })))
    // logit(0.8) + 1 = 2.386 a bar: 2.39, then 4.77 (call) on the second real bar, across the NaN
    expect(streamed).toEqual([0, -1, 1, 1, -1, 1])
  })

  it('without a rule the raw signal is P(stable) < p_flat; with one it is the rule', () => {
    const p = [Number.NaN, 0.7, 0.45, 0.5, 0.2]
    expect(Array.from(rawStressSignal(p, 0.5))).toEqual([-1, 0, 1, 0, 1])
    expect(Array.from(rawStressSignal(p, 0.5, RULE))).toEqual(Array.from(earlyWarningSignal(p, RULE)))
  })

  it('refuses a cap below the threshold, a threshold ≤ 0 and non-finite numbers, naming the field', () => {
    expect(() => checkEarlyWarningRule({ reference: -2, threshold: 8, cap: 7 })).toThrow(/early_warning\.cap must be ≥ threshold 8/)
    expect(() => checkEarlyWarningRule({ reference: -2, threshold: 0, cap: 7 })).toThrow(/early_warning\.threshold must be > 0/)
    expect(() => new EarlyWarning({ reference: Number.NaN, threshold: 8, cap: 11 })).toThrow(/must be finite/)
  })
})
