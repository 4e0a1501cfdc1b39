import { describe, expect, it } from 'vitest'
import { bestPermutation, detection, persistence, scoreGrouping } from './score'

const L = (...xs: number[]): Int32Array => Int32Array.from(xs)

describe('grouping scores (hand-computed cases)', () => {
  it('accuracy is taken under the best label permutation', () => {
    // Predicted labels are the truth with 0 and 1 swapped, one bar wrong: 5 of 6 agree once mapped.
    const p = bestPermutation(L(1, 1, 0, 0, 0, 1), L(0, 0, 1, 1, 1, 1), 2)
    expect(Array.from(p.map)).toEqual([1, 0])
    expect(p.accuracy).toBeCloseTo(5 / 6, 15)
  })

  it('three labels: the permutation search finds the cyclic relabelling', () => {
    const p = bestPermutation(L(2, 2, 0, 0, 1, 1), L(0, 0, 1, 1, 2, 2), 3)
    expect(Array.from(p.map)).toEqual([1, 2, 0])
    expect(p.accuracy).toBe(1)
  })

  it('persistence counts switches, switch rate and mean run length', () => {
    expect(persistence(L(0, 0, 1, 1, 1, 0, 0, 0))).toEqual({ switches: 2, switchRate: 2 / 7, meanRunLength: 8 / 3 })
    expect(persistence(L(1, 1, 1))).toEqual({ switches: 0, switchRate: 0, meanRunLength: 3 })
  })

  it('time to detection: bars from each true change until the label agrees, misses and false switches', () => {
    // Truth changes at bar 3 (→ 1) and bar 7 (→ 0). The online labels flicker to 1 at bar 1
    // (truth is 0: a false switch), return at bar 2, reach 1 at bar 5 (2 bars late) and 0 at
    // bar 8 (1 bar late); those two switches agree with the truth, so they are not false.
    const truth = L(0, 0, 0, 1, 1, 1, 1, 0, 0, 0)
    const online = L(0, 1, 0, 0, 0, 1, 1, 1, 0, 0)
    const d = detection(online, truth)
    expect(d.changes).toBe(2)
    expect(d.detected).toBe(2)
    expect(Array.from(d.delays)).toEqual([2, 1])
    expect(d.meanDelay).toBe(1.5)
    expect(d.falseSwitches).toBe(1)
  })

  it('a change the labels never reach before the next change is missed (delay −1)', () => {
    const d = detection(L(0, 0, 0, 0, 0, 0), L(0, 0, 1, 1, 0, 0))
    expect(Array.from(d.delays)).toEqual([-1, 0])
    expect(d.detected).toBe(1)
  })

  it('scoreGrouping maps online labels with the fitted permutation, or with the one given', () => {
    const truth = L(0, 0, 1, 1)
    const s = scoreGrouping(L(1, 1, 0, 0), L(1, 1, 1, 0), truth, 2)
    expect(s.accuracy).toBe(1)
    expect(s.onlineAccuracy).toBe(0.75)
    expect(s.detection.delays[0]).toBe(1)
    const given = scoreGrouping(L(1, 1, 0, 0), L(1, 1, 1, 0), truth, 2, L(0, 1))
    expect(given.accuracy).toBe(0)
  })

  it('rejects a label outside 0…k−1 by bar', () => {
    expect(() => bestPermutation(L(0, 2), L(0, 1), 2)).toThrow('predicted label at bar 1 must be in 0…1 (got 2)')
  })
})
